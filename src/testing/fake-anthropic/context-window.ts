// The Messages API's context window check: a prompt over the model's window is refused with 400
// invalid_request_error "prompt is too long: N tokens > M maximum"; a prompt that fits but leaves less than
// max_tokens of room is refused too (models since Claude 3.7 validate input + max_tokens instead of truncating).
import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages';
import { contextWindowOf, type FakeContextWindows } from '../fake-context-window.js';
import { withoutCacheControls } from './prompt-cache.js';
import { estimateTokens } from './turns.js';

/** Every current Claude model's standard context window, in tokens. */
export const CLAUDE_CONTEXT_WINDOW = 200_000;

/** Why the API refuses the request for its length (the error message of the 400), or undefined when it fits. */
export function contextWindowProblem(body: MessageCreateParams, windows: FakeContextWindows | undefined): string | undefined {
  const window = contextWindowOf(body.model, windows, () => CLAUDE_CONTEXT_WINDOW);
  const input = estimateTokens(withoutCacheControls(body)).input_tokens;
  if (input > window) return `prompt is too long: ${input} tokens > ${window} maximum`;
  const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : 0;
  if (input + maxTokens > window) {
    return `input length and \`max_tokens\` exceed context limit: ${input} + ${maxTokens} > ${window}, decrease input length or \`max_tokens\` and try again`;
  }
  return undefined;
}
