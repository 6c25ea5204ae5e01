// What a step's ScheduleActivity command carries since the `durable-agent/lean-step-commands` patch. Every byte of it
// is written to history once per step, so it carries nothing the activity knows already: no list of non-retryable
// error types (the activities raise those failures as non-retryable themselves: model-errors.ts, tool-registry.ts), no
// run id (the activity reads the workflow id), and a short summary. Runs recorded before keep the full commands.
import type { ActivityOptions } from '@temporalio/workflow';

export const LEAN_STEP_COMMANDS = 'durable-agent/lean-step-commands';

/** Length of a callTool step's summary (the tool's name and the start of its input) in lean commands. */
export const LEAN_SUMMARY_LIMIT = 60;

/** The options without the retry policy's non-retryable error types. */
export function leanOptions(options: ActivityOptions): ActivityOptions {
  if (!options.retry?.nonRetryableErrorTypes) return options;
  const { nonRetryableErrorTypes: _types, ...retry } = options.retry;
  return { ...options, retry };
}

/** The step input without its run id. */
export function withoutRunId<T extends { runId?: string }>(input: T): T {
  const { runId: _runId, ...rest } = input;
  return rest as T;
}
