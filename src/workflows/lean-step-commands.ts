// What a step's ScheduleActivity command carries since the `durable-agent/lean-step-commands` patch (loop/patches.ts). Every byte of it
// is written to history once per step, so it carries nothing the activity knows already: no list of non-retryable
// error types (the activities raise those failures as non-retryable themselves: model-errors.ts, tool-registry.ts), no
// run id (the activity reads the workflow id), a short summary, the model call settings (system prompt, tool names,
// output schema...) only on the execution's first model call, and no message of tool results the worker can rebuild
// (their digests instead). Runs recorded before keep the full commands.
import type { ActivityOptions } from '@temporalio/workflow';
import type { ModelCallInput } from '../core/types.js';
import { withoutSettings } from './model-call-settings.js';
import { leaveOutToolResults } from './recorded-results.js';

/** Length of a callTool step's summary (the tool's name and the start of its input) in lean commands. */
export const LEAN_SUMMARY_LIMIT = 60;

/** The options without the retry policy's non-retryable error types. */
export function leanOptions(options: ActivityOptions): ActivityOptions {
  if (!options.retry?.nonRetryableErrorTypes) return options;
  const { nonRetryableErrorTypes: _types, ...retry } = options.retry;
  return { ...options, retry };
}

/** A model call as lean commands send it: no run id, and no settings after the execution's first call (base 0). */
export function leanModelCall(input: ModelCallInput): ModelCallInput {
  const transcript = leaveOutToolResults(input.transcript);
  const call = withoutRunId(transcript ? { ...input, transcript } : input);
  return input.transcript.base > 0 ? withoutSettings(call) : call;
}

/** The step input without its run id. */
export function withoutRunId<T extends { runId?: string }>(input: T): T {
  const { runId: _runId, ...rest } = input;
  return rest as T;
}
