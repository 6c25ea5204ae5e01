// Structured output, the loop's side: what a final answer that failed the task's output schema leads to. The worker
// checks the answer (src/activities/output-check.ts) inside the model call and records the check with its result, so
// the loop and every reader of history decide the same thing from the same record: take the value, ask the model to
// fix the answer (a follow-up user message naming what failed), or give up with OutputValidationError.
import type { MessageParam, OutputCheck } from '../core/types.js';

export const DEFAULT_OUTPUT_REPAIRS = 2;

/** The user message that asks the model to fix an answer that failed the schema. */
export function repairMessage(problem: string): MessageParam {
  return {
    role: 'user',
    content:
      `Your answer does not match the required output schema:\n${problem}\n` +
      'Answer again with only the corrected JSON object, matching the schema exactly.',
  };
}

/** The problem of an answer the worker found invalid, or undefined (a valid answer, or no check). */
export function problemOf(check: OutputCheck | undefined): string | undefined {
  return check && !check.valid ? check.problem : undefined;
}

export function outputInvalidMessage(runId: string, attempts: number, problem: string): string {
  return `Run ${runId}: the final answer does not match the task's output schema after ${attempts} answer${attempts === 1 ? '' : 's'}: ${problem}`;
}
