// The fake's vocabulary: scripted turns, injected faults and the record of what it received.
import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages';

/** Token usage as the fake reports it (the API's field names). */
export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  /** Set by the fake's prompt cache (prompt-cache.ts) when the request marks cache breakpoints. */
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

/** A model turn that answers with text. */
export interface TextTurn {
  kind?: 'text';
  text: string;
  usage?: FakeUsage;
  chunkDelayMs?: number;
  stopReason?: 'end_turn' | 'max_tokens';
}

/** A model turn that calls tools. */
export interface ToolUseTurn {
  kind: 'tool_use';
  text?: string;
  toolUses: Array<{ id?: string; name: string; input: unknown }>;
  usage?: FakeUsage;
  chunkDelayMs?: number;
}

/** One scripted model turn. */
export type FakeTurn = TextTurn | ToolUseTurn;

/**
 * A fault the fake injects in place of an answer: an HTTP error, an error event mid-stream, a connection reset or a
 * hang.
 */
export type FakeFault =
  | { kind: 'http'; status: 400 | 401 | 403 | 404 | 413 | 429 | 500 | 503 | 529; retryAfterSeconds?: number; message?: string }
  | { kind: 'midStreamError'; afterEvents: number; errorType?: string }
  | { kind: 'connectionReset'; afterEvents?: number }
  | { kind: 'hang'; afterEvents?: number };

/** A request the fake received, as `fake.requests` records it. */
export interface RecordedRequest {
  index: number;
  body: MessageCreateParams;
  headers: Record<string, string>;
  stream: boolean;
  /** Assistant messages in the request: which turn of the conversation it asks for. */
  turn: number;
  /** The client went away before the response was finished. */
  aborted: boolean;
  /** The full response was written. */
  completed: boolean;
  fault?: FakeFault;
  /** Why the fake refused the request as the real API would (400 invalid_request_error; 401 without a key). */
  invalid?: string;
}

/** Chooses the answer to a request. */
export type FakeResponder = (request: RecordedRequest) => FakeTurn | Promise<FakeTurn>;

/** The fake's prompt cache (prompt-cache.ts): its minimum cacheable length and its clock. */
export interface FakePromptCacheOptions {
  /** Prompt tokens below which a breakpoint is not cached. Default by model, as the API documents it. */
  minTokens?: number;
  /** The clock entries expire by (tests move it past the TTL). Default Date.now. */
  now?: () => number;
}

/** Options of `FakeAnthropicServer.start`. */
export interface FakeAnthropicOptions {
  port?: number;
  responder?: FakeResponder;
  /** Delay before the response headers. */
  latencyMs?: number;
  /** Delay between SSE events. */
  chunkDelayMs?: number;
  /** The prompt cache's minimum cacheable length and clock (see prompt-cache.ts). */
  promptCache?: FakePromptCacheOptions;
}
