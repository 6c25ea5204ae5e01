// The activities through which workflow code (durable-agent/workflow) reads agent runs: a run's RunOutput and the plan
// to continue it. Each reads history with the one reader (src/history/read-execution.ts) and plans with the one
// planner (src/history/continuation.ts), through the worker's own client and data converter. Workflow code cannot
// read history itself (it must stay deterministic), so these are its only way in.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { readExecution } from '../history/read-execution.js';
import { DurableAgentError } from '../core/errors.js';
import { planContinuation, type StartPlan } from '../history/continuation.js';
import type { ExecutionRecord } from '../history/decode.js';
import { toRunOutput } from '../history/projections.js';
import type { RunOutput } from '../core/types.js';

/** Activity type names, prefixed like the loop's handlers so they cannot collide with a user's own activities. */
export const RUN_ACCESS_ACTIVITY = {
  readRunOutput: 'durableAgent.readRunOutput',
  planContinueRun: 'durableAgent.planContinueRun',
} as const;

export interface ReadRunOutputInput {
  runId: string;
  /** Default: the run's latest execution. */
  executionRunId?: string;
}

export interface PlanContinueRunInput {
  runId: string;
  /** Default: the run's own task queue, as its history records it. */
  taskQueue?: string;
  /** Anthropic model id (no provider prefix); default the run's own. */
  model?: string;
}

export interface RunAccessActivities {
  [RUN_ACCESS_ACTIVITY.readRunOutput](input: ReadRunOutputInput): Promise<RunOutput>;
  [RUN_ACCESS_ACTIVITY.planContinueRun](input: PlanContinueRunInput): Promise<StartPlan>;
}

/**
 * The plan to continue a run from an activity, its latest execution already read: a retryable failure while a cancel
 * that was asked for has not stopped the run yet (it does within about a heartbeat), else the one planner's plan.
 */
export function continuePlanOf(record: ExecutionRecord, options: { taskQueue?: string; model?: string } = {}): StartPlan {
  if (record.state === 'running' && record.cancelRequested) {
    throw ApplicationFailure.retryable(`Run "${record.runId}" was asked to cancel and has not stopped yet.`, 'RunStopping');
  }
  const plan = planContinuation(record, { kind: 'continue', ...options });
  if (plan.kind === 'answer') throw new Error('unreachable: a continue without answers never plans an answer');
  return plan;
}

/** A typed error of the client API becomes a non-retryable failure of the same type (name) for the workflow. */
async function asFailure<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof DurableAgentError) throw ApplicationFailure.create({ type: err.name, message: err.message, nonRetryable: true });
    throw err;
  }
}

export function createRunAccessActivities(): RunAccessActivities {
  return {
    [RUN_ACCESS_ACTIVITY.readRunOutput]: ({ runId, executionRunId }) =>
      asFailure(async () => toRunOutput(await readExecution(Context.current().client, runId, executionRunId))),
    [RUN_ACCESS_ACTIVITY.planContinueRun]: ({ runId, taskQueue, model }) =>
      asFailure(async () => {
        const record = await readExecution(Context.current().client, runId);
        return continuePlanOf(record, { ...(taskQueue !== undefined ? { taskQueue } : {}), ...(model !== undefined ? { model } : {}) });
      }),
  };
}
