// The offline demo's model (../fake-demo.ts) reading a Chat Completions request.
import { demoTurn } from '../fake-demo.js';
import type { ChatMessage, FakeOpenAIResponder } from './types.js';

function textOf(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  return (content ?? []).map((part) => part.text ?? '').join(' ');
}

/** Asked to call long_running_task, it calls it; shown the tool's result, it reports it; otherwise it echoes. */
export const openAIDemoResponder: FakeOpenAIResponder = (request) => {
  const messages = request.body.messages;
  const last = messages[messages.length - 1];
  return demoTurn({
    ask: textOf(messages.find((m) => m.role === 'user')?.content),
    ...(last?.role === 'tool' ? { toolResult: textOf(last.content) } : {}),
    toolNames: (request.body.tools ?? []).map((t) => t.function.name),
  });
};
