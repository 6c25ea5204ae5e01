// Redirect: a continuation that adds a user message ("actually, use the EU region"). The message goes into the
// transcript just before the next model step; tool calls of the stopped turn that have no result are not run again
// but answered as interrupted (an is_error tool_result that says so), so every tool_use keeps its tool_result and the
// Messages API accepts the transcript. Pure: the planner (continuation.ts) applies it to the seed.
import type { ContinuationSeed, RunInput, ToolCallResult } from '../core/types.js';
import { replayConversation } from '../workflows/conversation.js';

/**
 * The `is_error` tool result a redirected run gives the calls of the turn it stopped in that had no result, so every
 * `tool_use` keeps its `tool_result`.
 */
export const INTERRUPTED_RESULT = 'Interrupted: the user stopped this tool call before it finished, and sent a new message instead.';

export function interruptedResult(): ToolCallResult {
  return { content: INTERRUPTED_RESULT, isError: true };
}

/** The seed with `text` added as a user message where the run resumes. */
export function redirectSeed(input: RunInput, seed: ContinuationSeed, text: string): ContinuationSeed {
  if (!text.trim()) throw new TypeError('A redirect message must not be empty.');
  const completed = { ...seed.completed };
  const { conversation, openToolSteps, finished } = replayConversation(input.task, (id) => completed[id], seed.redirects, seed.snapshot);
  if (finished) throw new TypeError('The run has finished: there is no next model step to send a message to.');
  // Stopped in a turn's tool calls: the ones without a result are answered as interrupted; the next model step follows
  // them. Stopped at a model step: the replay has planned it already, and the message goes just before it.
  for (const plan of openToolSteps) if (completed[plan.activityId]?.kind !== 'tool') completed[plan.activityId] = { kind: 'tool', result: interruptedResult() };
  const beforeStep = openToolSteps.length ? conversation.stepCount : conversation.stepCount - 1;
  return { ...seed, completed, redirects: [...(seed.redirects ?? []), { beforeStep, text }] };
}
