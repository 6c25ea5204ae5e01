// The example's offline model (the project's fake Anthropic server answers with it): asked to crunch, it calls
// crunch_numbers; asked to deploy, it calls deploy_service; shown a tool result, it reports it; otherwise it tells a
// story, slowly, so a page can be reloaded mid-answer. Text streams in 8-character chunks, `chunkDelayMs` apart.
import { textTurn, toolTurn, type FakeResponder } from '../../src/testing/index.js';

/** The story the model tells: long enough to reload in the middle of. */
export const STORY =
  'Once upon a time a durable agent ran in a workflow. Its answers streamed word by word, and when the page ' +
  'reloaded, the stream picked up exactly where it was: no words lost, none repeated. A user pressed Stop, and the ' +
  'work stopped for real; they pressed Play, and it went on from the very unit it had reached. The end.';

/** How fast the fake streams text: ms between 8-character chunks. */
export const CHUNK_DELAY_MS = 45;

interface Block {
  type: string;
  text?: string;
  content?: unknown;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as Block[]).map((b) => (b.type === 'text' ? (b.text ?? '') : '')).join(' ');
}

/** The example model: a FakeResponder for FakeAnthropicServer. */
export const chatResponder: FakeResponder = (request) => {
  const messages = request.body.messages;
  const last = messages[messages.length - 1];
  const blocks = Array.isArray(last?.content) ? (last.content as Block[]) : [];
  const said = textOf(last?.content);
  const results = blocks.filter((b) => b.type === 'tool_result').map((b) => textOf(b.content) || String(b.content ?? ''));
  if (said.trim() === '' && results.length) {
    return textTurn(`Done: ${results.join('; ')}. Anything else?`, { chunkDelayMs: CHUNK_DELAY_MS });
  }
  const units = Number(/(\d+)\s*units?/.exec(said)?.[1] ?? 8);
  if (/crunch/i.test(said)) return toolTurn([{ name: 'crunch_numbers', input: { units, unitMs: 500 } }], { text: 'Crunching now.', chunkDelayMs: 10 });
  if (/deploy/i.test(said)) return toolTurn([{ name: 'deploy_service', input: { service: 'web' } }], { text: 'I will deploy web.', chunkDelayMs: 10 });
  return textTurn(STORY, { chunkDelayMs: CHUNK_DELAY_MS });
};
