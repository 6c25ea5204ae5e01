// The offline demo's model (../fake-demo.ts) reading the Messages API's request.
import { demoTurn } from '../fake-demo.js';
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

export const demoResponder: FakeResponder = (request) => {
  const messages = request.body.messages ?? [];
  const last = messages[messages.length - 1];
  const lastBlocks = Array.isArray(last?.content) ? (last.content as Block[]) : [];
  const toolResult = lastBlocks.find((b) => b.type === 'tool_result');
  return demoTurn({
    ask: textOf(messages[0]?.content),
    ...(toolResult ? { toolResult: textOf(toolResult.content) } : {}),
    toolNames: (request.body.tools ?? []).map((t) => ('name' in t ? t.name : '')),
  });
};
