/**
 * durable-agent/workflow: what a user's workflow code imports (safe for the workflow bundle: no Node built-ins, no
 * I/O). Start an agent run as a child workflow, await its RunOutput, cancel it through the caller's cancellation
 * scope, continue a cut run. `agentRun` is the agent's workflow type: DurableAgentPlugin adds it to the worker's
 * bundle; a bundle built without the plugin registers it by re-exporting it from the workflows file.
 *
 * @module durable-agent/workflow
 */
export { agentRun } from './agent-run.js';
export {
  continueAgentRun,
  runAgent,
  startAgentRun,
  type AgentRunChild,
  type AgentTaskOptions,
  type ContinueAgentRunOptions,
  type StartAgentRunOptions,
} from './agent-child.js';
export { RunStatus, WORKFLOW_TYPE, type RunOutput, type StepResult, type Usage, type RunError, type ToolRef, type StepTimeouts } from '../core/types.js';
