// The `planSubRunContinuation` activity: when a continued run reaches an agentTool call whose sub-run an earlier
// execution started and did not see complete, the loop asks here what to start. It reads the sub-run's history and
// plans with the same reader and planner as `continueRun` (src/history/read-execution.ts, src/history/continuation.ts,
// through run-access.ts's continuePlanOf, as the workflow entry's continueAgentRun does),
// so the sub-run continues where it was cut and nothing it completed runs again.
import { Context } from '@temporalio/activity';
import { readExecution } from '../history/read-execution.js';
import { continuePlanOf } from './run-access.js';
import type { AgentRunResult, RunStart } from '../core/types.js';

export interface SubRunContinuationInput {
  runId: string;
}

export type SubRunContinuation =
  /** Start this execution of the sub-run (a child workflow of the run that asked). */
  | ({ kind: 'start' } & RunStart)
  /** The sub-run had completed after all: its result is the tool result. */
  | { kind: 'completed'; result: AgentRunResult };

export async function planSubRunContinuation({ runId }: SubRunContinuationInput): Promise<SubRunContinuation> {
  const record = await readExecution(Context.current().client, runId);
  if (record.state === 'completed' && record.result) return { kind: 'completed', result: record.result };
  const plan = continuePlanOf(record);
  return { kind: 'start', runId: plan.runId, taskQueue: plan.taskQueue, input: plan.input, summary: plan.summary };
}
