// An agent run started from workflow code as a child workflow: the one place the loop (for agentTool calls) starts
// one. Its workflow id is its run id, so cancelRun, continueRun, show and streaming work on it as on any run, and the
// Web UI links it to its parent. Cancelling the parent's scope cancels it and waits until it has closed.
import { ChildWorkflowCancellationType, ParentClosePolicy, patched, startChild, workflowInfo, type ChildWorkflowHandle } from '@temporalio/workflow';
import { WORKFLOW_TYPE, type AgentRunResult, type RunInput, type RunStart } from '../core/types.js';
import { modelSearchAttribute } from './definitions.js';
import { PATCHES } from './loop/patches.js';
import { runStartOptions } from './run-start-options.js';

/** The run id of the sub-run a step of `parentRunId` starts: the same for every execution of the parent. */
export function subRunId(parentRunId: string, stepActivityId: string): string {
  return `${parentRunId}.${stepActivityId}`;
}

/** The step activity id of a sub-run of `parentRunId`, or undefined when `childRunId` is not one. */
export function subRunStep(parentRunId: string, childRunId: string): string | undefined {
  const prefix = `${parentRunId}.`;
  return childRunId.startsWith(prefix) ? childRunId.slice(prefix.length) : undefined;
}

/** Starts the agent run as a child workflow of the calling workflow (agentTool sub-runs, durable-agent/workflow). */
export async function startAgentChild(start: RunStart): Promise<ChildWorkflowHandle<(input: RunInput) => Promise<AgentRunResult>>> {
  return startChild<(input: RunInput) => Promise<AgentRunResult>>(WORKFLOW_TYPE, {
    workflowId: start.runId,
    taskQueue: start.taskQueue,
    args: [start.input],
    staticSummary: start.summary,
    ...runStartOptions(start.input, { modelAttribute: modelAttributeInherited() }),
    // A cancel of the parent reaches the child, and the parent closes only once the child has recorded its cancel.
    cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
    parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
  });
}

/**
 * Whether a child run carries DurableAgentModel too: when its caller carries it, the namespace has it registered (a start
 * with an unregistered attribute would fail the workflow task). Asked only then, so the child starts of callers without
 * it (a user's own workflow, a namespace with the older attributes) and of runs recorded before it stay as they were.
 */
function modelAttributeInherited(): boolean {
  return workflowInfo().typedSearchAttributes.get(modelSearchAttribute) !== undefined && patched(PATCHES.subRunModelAttribute.id);
}

/** Starts the agent run as a child workflow and resolves with its result (rejects with a ChildWorkflowFailure). */
export async function runAgentChild(start: RunStart): Promise<AgentRunResult> {
  return (await startAgentChild(start)).result();
}
