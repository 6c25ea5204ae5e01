// The offline demo's model: asked to call a tool, it calls it; shown the tool's result, it reports it.
import { textTurn, toolTurn } from './turns.js';
import type { FakeResponder } from './types.js';

interface Block {
  type?: string;
  content?: unknown;
  text?: string;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as Block[]).map((b) => (typeof b.text === 'string' ? b.text : typeof b.content === 'string' ? b.content : textOf(b.content))).join(' ');
}

/** The demo's scripted model: calls the tool the task names, then reports its result. */
export const demoResponder: FakeResponder = (request) => {
  const messages = request.body.messages ?? [];
  const last = messages[messages.length - 1];
  const lastBlocks = Array.isArray(last?.content) ? (last.content as Block[]) : [];
  const toolResult = lastBlocks.find((b) => b.type === 'tool_result');
  if (toolResult) return textTurn(`The long_running_task finished: ${textOf(toolResult.content)}.`, { chunkDelayMs: 20 });
  const ask = textOf(messages[0]?.content);
  const toolNames = (request.body.tools ?? []).map((t) => ('name' in t ? t.name : ''));
  if (/long_running_task/.test(ask) && toolNames.includes('long_running_task')) {
    const seconds = Number(/(\d+)\s*seconds?/.exec(ask)?.[1] ?? 10);
    return toolTurn([{ name: 'long_running_task', input: { seconds } }], { text: `I'll call long_running_task for ${seconds} seconds.`, chunkDelayMs: 20 });
  }
  return textTurn(`(offline fake model) You said: ${ask}`, { chunkDelayMs: 20 });
};
