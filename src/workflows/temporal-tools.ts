// Tool calls that are Temporal itself, scheduled by the loop in place of the `callTool` activity: an activityTool's
// call is the user's own activity (its activity type, its options), an agentTool's call is another agent run started
// as a child workflow (a sub-run). What they return, or their final failure, becomes the tool result the model reads;
// a cancel propagates (the activity is cancelled, the child run is cancelled and awaited) and stops the step.
import {
  ActivityCancellationType,
  ActivityFailure,
  CancellationScope,
  ChildWorkflowFailure,
  isCancellation,
  proxyActivities,
  scheduleActivity,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { AgentActivities } from '../activities/contract.js';
import type { ActivityToolSpec, AgentToolSpec, ContinuationSeed, ResolvedTool, RunInput, RunStart, ToolCallResult, ToolPolicy } from '../core/types.js';
import { TOOL_ACTIVITY_OPTIONS } from './activity-options.js';
import type { ToolStepPlan } from './conversation.js';
import { runAgentChild, subRunId } from './sub-run.js';
import { errorResult, failedToolResult, subRunCancelledResult, toolValueResult } from './tool-results.js';
import { oneLine } from '../core/text.js';
import { shownId, workflowIdProblem } from '../core/workflow-id.js';

/** A tool's policy as the loop uses it: the worker's, with the spec of an activityTool or agentTool. */
export type LoopToolPolicy = ToolPolicy & Pick<ResolvedTool, 'activity' | 'agent'>;

export interface TemporalToolContext {
  /** The run making the call. */
  runId: string;
  run: RunInput;
  seed: ContinuationSeed | undefined;
  summary: string;
}

const SUB_RUN_PLAN_OPTIONS: ActivityOptions = { startToCloseTimeout: '1 minute', retry: { maximumAttempts: 5 } };

/** An activityTool's or agentTool's call, and for an agentTool the run id of the sub-run it starts or continues. */
export interface TemporalToolCall {
  call(): Promise<ToolCallResult>;
  /** The one an earlier execution started (continuing never starts another), else `<run id>.<step activity id>`. */
  subRunId?: string;
}

/** The call of an activityTool or agentTool, or undefined for a tool the `callTool` activity runs. */
export function temporalToolCall(plan: ToolStepPlan, policy: LoopToolPolicy | undefined, context: TemporalToolContext): TemporalToolCall | undefined {
  const { activity, agent } = policy ?? {};
  if (activity) return { call: () => callActivityTool(plan, activity, context.summary) };
  if (!agent) return undefined;
  const runId = context.seed?.subRuns?.[plan.activityId] ?? subRunId(context.runId, plan.activityId);
  // An id Temporal would refuse names no sub-run (none starts: callAgentTool answers the model instead).
  return { call: () => callAgentTool(plan, agent, runId, context), ...(workflowIdProblem(runId) === undefined ? { subRunId: runId } : {}) };
}

/** The final failure of the activity or child run, as history records it (the wrapper only says which step). */
function settledFailure(plan: ToolStepPlan, err: unknown): ToolCallResult {
  if (isCancellation(err)) throw err;
  const cause = (err instanceof ActivityFailure || err instanceof ChildWorkflowFailure) && err.cause ? err.cause : err;
  if (!(cause instanceof Error)) throw err;
  return failedToolResult(plan.toolName, cause);
}

async function callActivityTool(plan: ToolStepPlan, spec: ActivityToolSpec, summary: string): Promise<ToolCallResult> {
  const { activityType, retry, startToCloseTimeout, ...timeouts } = spec;
  const options: ActivityOptions = {
    ...timeouts,
    // Temporal needs one of the two; the tool steps' backstop when the tool sets neither.
    ...(startToCloseTimeout !== undefined || timeouts.scheduleToCloseTimeout !== undefined
      ? startToCloseTimeout !== undefined ? { startToCloseTimeout } : {}
      : { startToCloseTimeout: TOOL_ACTIVITY_OPTIONS.startToCloseTimeout }),
    retry: retry ?? TOOL_ACTIVITY_OPTIONS.retry,
    // As for every step: a cancel waits for the activity to say it stopped (or to finish), so history tells which.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    activityId: plan.activityId,
    summary,
  };
  try {
    return toolValueResult(plan.toolName, await scheduleActivity<unknown>(activityType, [plan.input], options));
  } catch (err) {
    return settledFailure(plan, err);
  }
}

/** The inner agent's task: the `task` the model gave the tool. */
function subRunTask(input: unknown): string | undefined {
  const task = typeof input === 'object' && input !== null ? (input as { task?: unknown }).task : undefined;
  return typeof task === 'string' && task.trim() ? task : undefined;
}

async function callAgentTool(plan: ToolStepPlan, spec: AgentToolSpec, runId: string, context: TemporalToolContext): Promise<ToolCallResult> {
  const description = subRunTask(plan.input);
  if (description === undefined) return errorResult(`Invalid input for tool ${plan.toolName}: give { "task": "<what the agent should do>" }.`);
  let start: RunStart;
  const earlier = context.seed?.subRuns?.[plan.activityId];
  if (earlier) {
    // An earlier execution started this sub-run and did not see it complete: continue it, never start it afresh.
    const { planSubRunContinuation } = proxyActivities<AgentActivities>({ ...SUB_RUN_PLAN_OPTIONS, summary: `continue sub-run ${earlier}` });
    const next = await planSubRunContinuation({ runId: earlier });
    if (next.kind === 'completed') return toolValueResult(plan.toolName, next.result.output);
    start = next;
  } else {
    // A start the server refuses would fail the workflow task, and so hang the run: the model is told instead.
    const problem = workflowIdProblem(runId);
    if (problem !== undefined) {
      return errorResult(
        `Tool ${plan.toolName} could not start its sub-run: its run id ${shownId(runId)} (the calling run's id and the step's ` +
          `activity id) is not a valid Temporal workflow id: ${problem}. Give the calling run a shorter run id.`,
      );
    }
    const { run } = context;
    start = {
      runId,
      taskQueue: spec.taskQueue ?? workflowInfo().taskQueue,
      input: {
        task: { ...spec.task, description },
        model: spec.model ?? run.model,
        ...(run.sessionId !== undefined ? { sessionId: run.sessionId } : {}),
        ...(run.userId !== undefined ? { userId: run.userId } : {}),
        ...(run.searchAttributes !== undefined ? { searchAttributes: run.searchAttributes } : {}),
      },
      summary: oneLine(`${plan.toolName} (sub-run of ${context.runId}): ${description}`, 200),
    };
  }
  try {
    return toolValueResult(plan.toolName, (await runAgentChild(start)).output);
  } catch (err) {
    // The sub-run alone was cancelled (cancelRun on its id): the calling run is told and goes on.
    if (isCancellation(err) && !CancellationScope.current().consideredCancelled) return subRunCancelledResult(plan.toolName, start.runId);
    return settledFailure(plan, err);
  }
}
