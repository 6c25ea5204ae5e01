// Building blocks for scripts: turns, a by-turn responder and deterministic token counts.
import type { FakeTurn, FakeUsage, TextTurn, ToolUseTurn } from './types.js';

/** A scripted turn in which the model answers with text and ends its turn. */
export function textTurn(text: string, options: Omit<TextTurn, 'kind' | 'text'> = {}): TextTurn {
  return { kind: 'text', text, ...options };
}

/** A scripted turn in which the model calls tools. */
export function toolTurn(toolUses: ToolUseTurn['toolUses'], options: Omit<ToolUseTurn, 'kind' | 'toolUses'> = {}): ToolUseTurn {
  return { kind: 'tool_use', toolUses, ...options };
}

/** A scripted responder was asked for a turn past the end of its script. */
export class ScriptExhaustedError extends Error {
  override name = 'ScriptExhaustedError';
}

/**
 * Answers turn N of a conversation with turns[N]: a re-sent request for the same turn gets the same answer. It reads
 * only the request's `turn`, so the same script drives the Anthropic fake and the OpenAI fake.
 */
export function scriptedResponder(turns: FakeTurn[]): (request: { turn: number }) => FakeTurn {
  return (request) => {
    const turn = turns[request.turn];
    if (!turn) throw new ScriptExhaustedError(`the script has ${turns.length} turns; turn ${request.turn} was requested`);
    return turn;
  };
}

/** Deterministic stand-in for token counting: about four characters a token. */
export function estimateTokens(body: { messages?: unknown; system?: unknown; tools?: unknown }, outputChars = 0): FakeUsage {
  const input = JSON.stringify([body.messages ?? [], body.system ?? '', body.tools ?? []]).length;
  return { input_tokens: Math.ceil(input / 4), output_tokens: Math.max(1, Math.ceil(outputChars / 4)) };
}

/**
 * Answers each run from its own script, picked by the run's task (the first user message's text): turn N of a run
 * gets `scripts[task][N]`. For tests where several runs share one fake, e.g. an agentTool's outer and inner runs:
 * `scriptedByTask({ 'Have the treasurer pay.': [toolTurn(...), textTurn(...)], 'Pay 500.': [...] })`.
 */
export function scriptedByTask(scripts: Record<string, FakeTurn[]>): (request: { turn: number; body: { messages: ReadonlyArray<{ content: unknown }> } }) => FakeTurn {
  return (request) => {
    const task = request.body.messages[0]?.content;
    const turn = typeof task === 'string' ? scripts[task]?.[request.turn] : undefined;
    if (!turn) throw new ScriptExhaustedError(`no scripted turn ${request.turn} for the task ${JSON.stringify(task)}`);
    return turn;
  };
}
