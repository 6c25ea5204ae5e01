// The workflow bundle's entry point: every export here is a workflow type the worker registers.
export { agentRun } from './agent-run.js';
