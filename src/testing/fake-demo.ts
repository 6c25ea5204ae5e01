// The offline demo's model, provider-neutral: asked to call a tool, it calls it; shown the tool's result, it reports
// it. Each fake's demo responder reads its own wire format into a DemoConversation and answers with demoTurn.
import { textTurn, toolTurn } from './fake-anthropic/turns.js';
import type { FakeTurn } from './fake-anthropic/types.js';

/** What the demo model looks at in a request. */
export interface DemoConversation {
  /** The text of the conversation's first user message. */
  ask: string;
  /** The text of the tool result the last message carries, if it carries one. */
  toolResult?: string;
  /** The names of the tools the request offers. */
  toolNames: string[];
}

/** The demo model's turn. */
export function demoTurn({ ask, toolResult, toolNames }: DemoConversation): FakeTurn {
  if (toolResult !== undefined) return textTurn(`The long_running_task finished: ${toolResult}.`, { chunkDelayMs: 20 });
  if (/long_running_task/.test(ask) && toolNames.includes('long_running_task')) {
    const seconds = Number(/(\d+)\s*seconds?/.exec(ask)?.[1] ?? 10);
    return toolTurn([{ name: 'long_running_task', input: { seconds } }], { text: `I'll call long_running_task for ${seconds} seconds.`, chunkDelayMs: 20 });
  }
  return textTurn(`(offline fake model) You said: ${ask}`, { chunkDelayMs: 20 });
}
