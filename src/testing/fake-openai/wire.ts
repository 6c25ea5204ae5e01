// The Chat Completions wire format: the `chat.completion` object, its `chat.completion.chunk` SSE stream (tool calls
// streamed as OpenAI streams them), usage, and OpenAI's error body.
import type { FakeTurn, FakeUsage } from '../fake-anthropic/types.js';
import type { ChatToolCall } from './types.js';

/** Usage as OpenAI reports it. */
export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
  completion_tokens_details: { reasoning_tokens: number; audio_tokens: number; accepted_prediction_tokens: number; rejected_prediction_tokens: number };
}

/** A non-streamed answer: the `chat.completion` object. */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: 0;
    message: { role: 'assistant'; content: string | null; refusal: null; annotations: []; tool_calls?: ChatToolCall[] };
    logprobs: null;
    finish_reason: 'stop' | 'length' | 'tool_calls';
  }>;
  usage: ChatUsage;
  service_tier: 'default';
  system_fingerprint: string;
}

/**
 * The script's usage in OpenAI's terms. OpenAI's prompt_tokens counts the cached tokens (Anthropic's input_tokens does
 * not), so prompt_tokens = input + cache read + cache write, and cached_tokens = cache read: one script yields the same
 * prompt total on both fakes.
 */
export function chatUsage(usage: FakeUsage): ChatUsage {
  const cached = usage.cache_read_input_tokens ?? 0;
  const prompt = usage.input_tokens + cached + (usage.cache_creation_input_tokens ?? 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.output_tokens,
    total_tokens: prompt + usage.output_tokens,
    prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

/**
 * The `chat.completion` answering with `turn`. Tool call ids the script sets none for are made up from the turn, or,
 * where the request already holds that id (`taken`: a transcript whose oldest turns were left out counts fewer turns),
 * made unique with the completion's id: the real API never repeats an id.
 */
export function buildCompletion(turn: FakeTurn, id: string, model: string, usage: FakeUsage, turnIndex: number, taken: ReadonlySet<string> = new Set()): ChatCompletion {
  const fresh = (i: number): string => {
    const plain = `call_fake_${turnIndex}_${i}`;
    return taken.has(plain) ? `${plain}_${id}` : plain;
  };
  const toolCalls: ChatToolCall[] | undefined =
    turn.kind === 'tool_use'
      ? turn.toolUses.map((use, i) => ({ id: use.id ?? fresh(i), type: 'function', function: { name: use.name, arguments: JSON.stringify(use.input ?? {}) } }))
      : undefined;
  const text = turn.kind === 'tool_use' ? (turn.text ?? null) : turn.text;
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text, refusal: null, annotations: [], ...(toolCalls ? { tool_calls: toolCalls } : {}) },
        logprobs: null,
        finish_reason: toolCalls ? 'tool_calls' : turn.kind !== 'tool_use' && turn.stopReason === 'max_tokens' ? 'length' : 'stop',
      },
    ],
    usage: chatUsage(usage),
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
}

/** What the answer says, in characters: the fake's measure of completion tokens. */
export function outputChars(completion: ChatCompletion): number {
  const message = completion.choices[0]!.message;
  return (message.content?.length ?? 0) + (message.tool_calls ?? []).reduce((n, c) => n + c.function.name.length + c.function.arguments.length, 0);
}

function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/**
 * The chunks of a streamed completion, in the order OpenAI sends them: a first delta with the role (and the first
 * tool call's head when there is no text), text deltas, for each tool call a head (index, id, type, name, empty
 * arguments) then argument fragments, a last delta with the finish_reason; with include_usage every chunk carries
 * `usage: null` and a final chunk has empty choices and the usage.
 */
export function streamChunks(completion: ChatCompletion, includeUsage: boolean): unknown[] {
  const { message, finish_reason } = completion.choices[0]!;
  const deltas: Array<Record<string, unknown>> = [];
  const calls = message.tool_calls ?? [];
  if (message.content !== null || !calls.length) {
    deltas.push({ role: 'assistant', content: '', refusal: null });
    for (const piece of pieces(message.content ?? '', 8)) deltas.push({ content: piece });
  }
  calls.forEach((call, index) => {
    const head = { index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } };
    deltas.push(deltas.length ? { tool_calls: [head] } : { role: 'assistant', content: null, tool_calls: [head], refusal: null });
    for (const piece of pieces(call.function.arguments, 6)) deltas.push({ tool_calls: [{ index, function: { arguments: piece } }] });
  });
  const frame = { id: completion.id, object: 'chat.completion.chunk', created: completion.created, model: completion.model, service_tier: 'default', system_fingerprint: completion.system_fingerprint };
  const usageNull = includeUsage ? { usage: null } : {};
  const chunks: unknown[] = deltas.map((delta) => ({ ...frame, choices: [{ index: 0, delta, logprobs: null, finish_reason: null }], ...usageNull }));
  chunks.push({ ...frame, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason }], ...usageNull });
  if (includeUsage) chunks.push({ ...frame, choices: [], usage: completion.usage });
  return chunks;
}

/** One SSE frame of a Chat Completions stream (no event names: `data:` lines only). */
export function sseData(data: unknown): string {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

/** The stream's last frame. */
export const SSE_DONE = sseData('[DONE]');

/** OpenAI's error body. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

const ERROR_TYPES: Record<number, string> = {
  429: 'requests',
  500: 'server_error',
  503: 'server_error',
  529: 'server_error',
};

const ERROR_CODES: Record<number, string> = {
  429: 'rate_limit_exceeded',
};

/** OpenAI's error body for `status`: `invalid_request_error` for 4xx but 429, `server_error` for 5xx. */
export function errorBody(status: number, message: string, param: string | null = null, code: string | null = ERROR_CODES[status] ?? null): OpenAIErrorBody {
  return { error: { message, type: ERROR_TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error'), param, code } };
}
