// The Messages API wire format: the JSON message, its SSE event sequence, and error bodies.
import type { FakeTurn, FakeUsage } from './types.js';

export interface ContentBlock {
  type: 'text' | 'tool_use';
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
}

export interface FakeMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ContentBlock[];
  stop_reason: string;
  stop_sequence: null;
  usage: FakeUsage & { cache_creation_input_tokens: number; cache_read_input_tokens: number };
}

/**
 * The message the fake answers with. A tool_use without an id of its own gets `toolu_fake_<turn>_<i>`, or, when the
 * request already holds that id (a transcript whose oldest turns were left out counts fewer turns), one made unique
 * with the message's id: the real API never repeats an id.
 */
export function buildMessage(turn: FakeTurn, id: string, model: string, usage: FakeUsage, turnIndex: number, taken: ReadonlySet<string> = new Set()): FakeMessage {
  const content: ContentBlock[] = [];
  if (turn.kind === 'tool_use') {
    if (turn.text) content.push({ type: 'text', text: turn.text });
    turn.toolUses.forEach((use, i) => {
      const plain = `toolu_fake_${turnIndex}_${i}`;
      const fresh = taken.has(plain) ? `${plain}_${id}` : plain;
      content.push({ type: 'tool_use', id: use.id ?? fresh, name: use.name, input: use.input });
    });
  } else {
    content.push({ type: 'text', text: turn.text });
  }
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: turn.kind === 'tool_use' ? 'tool_use' : (turn.stopReason ?? 'end_turn'),
    stop_sequence: null,
    usage: { ...usage, cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0, cache_read_input_tokens: usage.cache_read_input_tokens ?? 0 },
  };
}

export function outputChars(message: FakeMessage): number {
  return message.content.reduce((n, b) => n + (b.text?.length ?? 0) + (b.input === undefined ? 0 : JSON.stringify(b.input).length), 0);
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [''];
}

/** One Anthropic stream event's data: its `type` and the rest of its fields. */
export type StreamEventData = { type: string } & Record<string, unknown>;

/** The SSE events of a streamed message, as [event name, data] pairs, in the order the API sends them. */
export function streamEvents(message: FakeMessage): Array<[string, StreamEventData]> {
  const events: Array<[string, StreamEventData]> = [
    ['message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } } }],
    ['ping', { type: 'ping' }],
  ];
  message.content.forEach((block, index) => {
    if (block.type === 'text') {
      events.push(['content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '', citations: null } }]);
      for (const piece of chunks(block.text ?? '', 8)) {
        events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }]);
      }
    } else {
      events.push([
        'content_block_start',
        { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } },
      ]);
      for (const piece of chunks(JSON.stringify(block.input ?? {}), 6)) {
        events.push(['content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } }]);
      }
    }
    events.push(['content_block_stop', { type: 'content_block_stop', index }]);
  });
  events.push([
    'message_delta',
    { type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: message.usage.output_tokens } },
  ]);
  events.push(['message_stop', { type: 'message_stop' }]);
  return events;
}

export function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'api_error',
  529: 'overloaded_error',
};

export function errorBody(status: number, message: string): { type: 'error'; error: { type: string; message: string } } {
  return { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } };
}
