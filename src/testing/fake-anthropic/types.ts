// The fake's vocabulary: scripted turns, injected faults and the record of what it received.
import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages';
import type { FakeContextWindows } from '../fake-context-window.js';

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
  /**
   * An error response instead of the turn. Each surface answers it in its service's own shape: Bedrock as the AWS
   * exception for the status (429 ThrottlingException, 503 ServiceUnavailableException, 424 ModelErrorException, 408
   * ModelTimeoutException...; 401 becomes 403 UnrecognizedClientException, 529 becomes 503, 413 becomes 400, and no
   * retry-after), Vertex as Google's error for 401/403/404/429 and Anthropic's body for the rest.
   */
  | { kind: 'http'; status: 400 | 401 | 403 | 404 | 408 | 413 | 424 | 429 | 500 | 503 | 529; retryAfterSeconds?: number; message?: string }
  | { kind: 'midStreamError'; afterEvents: number; errorType?: string }
  | { kind: 'connectionReset'; afterEvents?: number }
  | { kind: 'hang'; afterEvents?: number };

/**
 * Which of Claude's HTTP surfaces a request came in through: Anthropic's Messages API (`POST /v1/messages`), Amazon
 * Bedrock (`POST /model/{modelId}/invoke[-with-response-stream]`) or Google Vertex AI
 * (`POST /v1/projects/{project}/locations/{region}/publishers/anthropic/models/{model}:[stream]rawPredict`).
 */
export type FakeApi = 'anthropic' | 'bedrock' | 'vertex';

/** A request the fake received, as `fake.requests` records it. */
export interface RecordedRequest {
  index: number;
  /** The surface the request came in through. */
  api: FakeApi;
  /** The model the request named: the body's `model` on Anthropic's API, the path's model id on Bedrock and Vertex. */
  model: string;
  /** The request path, query included. */
  path: string;
  /**
   * The request as a Messages request, the same on every surface, for responders: on Bedrock and Vertex the model and
   * the stream flag come from the path, and `anthropic_version` / `anthropic_beta` stay in `wireBody`.
   */
  body: MessageCreateParams;
  /** The JSON body exactly as received. */
  wireBody: Record<string, unknown>;
  headers: Record<string, string>;
  stream: boolean;
  /** Assistant messages in the request: which turn of the conversation it asks for. */
  turn: number;
  /** The client went away before the response was finished. */
  aborted: boolean;
  /** The full response was written. */
  completed: boolean;
  fault?: FakeFault;
  /** Why the fake refused the request as the real service would (the error message it answered with). */
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
  /**
   * Context windows in tokens (the fake's count, about four characters a token): one for every model, or by model id.
   * A prompt over its model's window, or one that leaves less than `max_tokens` of room, gets the API's 400
   * invalid_request_error ("prompt is too long: N tokens > M maximum"). Default 200,000 (every Claude model's window).
   */
  contextWindow?: FakeContextWindows;
}
