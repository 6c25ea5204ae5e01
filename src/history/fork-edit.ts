// A fork with an edit (LangGraph's `update_state`): before the fork runs, one thing it keeps from the original run is
// changed — the result of a completed tool step before `fromStep`, the user's text (the task) or the system prompt.
// The model's next request reads the edited transcript; the original run's history is not touched. Pure: the planner
// (continuation.ts) applies it to the fork's seed and input.
import { InvalidForkEditError } from '../core/errors.js';
import type { ContinuationSeed, RunInput, StepResult } from '../core/types.js';

/** What a fork changes before it runs (ForkRunRequest.edit). */
export type ForkEdit =
  /** Replace the result of tool step `step` (a completed tool call before `fromStep`) with `toolResult`. */
  | { step: number; toolResult: string; isError?: boolean }
  /** Replace the user's text: the task's description, the first user message of the transcript. */
  | { userText: string }
  /** Replace the system prompt of every model request of the fork. */
  | { system: string };

/** The fork's seed and input with `edit` made; throws InvalidForkEditError when the edit does not fit the run. */
export function applyForkEdit(
  runId: string,
  fromStep: number,
  edit: ForkEdit,
  input: RunInput,
  seed: ContinuationSeed,
): { input: RunInput; seed: ContinuationSeed } {
  if ('userText' in edit) return { input: { ...input, task: { ...input.task, description: nonEmpty(edit.userText, 'userText') } }, seed };
  if ('system' in edit) return { input: { ...input, task: { ...input.task, system: nonEmpty(edit.system, 'system') } }, seed };
  const { step, toolResult, isError = false } = edit;
  if (typeof toolResult !== 'string') throw new InvalidForkEditError('A tool result edit needs toolResult: the text the model reads as the result.');
  if (!Number.isInteger(step) || step < 0 || step >= fromStep) {
    throw new InvalidForkEditError(
      `Run "${runId}": the fork from step ${fromStep} keeps steps 0..${fromStep - 1}; step ${String(step)} is not one of them, so there is no result of it to edit.`,
    );
  }
  const target: StepResult | undefined = seed.previousSteps.find((s) => s.index === step);
  const outcome = target ? seed.completed[target.activityId] : undefined;
  if (!target || !target.name.startsWith('tool:') || outcome?.kind !== 'tool') {
    const what = target ? `its step ${step} is ${target.name === 'model' ? 'a model step' : `${target.name} (${target.status})`}` : `it has no step ${step}`;
    throw new InvalidForkEditError(`Run "${runId}": ${what}, not a completed tool call; only a tool call's result can be edited.`);
  }
  const completed = { ...seed.completed, [target.activityId]: { kind: 'tool' as const, result: { content: toolResult, isError } } };
  const previousSteps = seed.previousSteps.map((s) => (s.index === step ? { ...s, output: toolResult, edited: true } : s));
  return { input, seed: { ...seed, completed, previousSteps } };
}

function nonEmpty(text: unknown, field: string): string {
  if (typeof text !== 'string' || !text.trim()) throw new InvalidForkEditError(`A fork edit's ${field} must be non-empty text.`);
  return text;
}
