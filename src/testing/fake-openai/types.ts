// The OpenAI fake's vocabulary: the Chat Completions request as the fake reads it, its record, its responder and its
// options. Turns and faults are the script vocabulary the Anthropic fake defines (../fake-anthropic/types.ts), which
// is provider-neutral: one script drives both fakes.
import type { FakeTurn } from '../fake-anthropic/types.js';
import type { FakeContextWindows } from '../fake-context-window.js';
import type { FakeRequestRecord } from '../fake-http.js';

/** A tool call an assistant message made. */
export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** A content part of a message (text, image_url, input_audio, file, refusal). */
export interface ChatContentPart {
  type: string;
  text?: string;
  [key: string]: unknown;
}

/** A message of a Chat Completions request, loosely typed: the fake checks it (request-rules.ts). */
export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';
  content?: string | ChatContentPart[] | null;
  name?: string;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
}

/** A function tool offered to the model. */
export interface ChatTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean | null };
}

/** `response_format`: plain text, any JSON object, or JSON under a schema (structured outputs). */
export type ChatResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null } };

/** The body of POST /v1/chat/completions, as far as the fake reads it. */
export interface ChatCompletionRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  tools?: ChatTool[];
  tool_choice?: unknown;
  parallel_tool_calls?: boolean;
  response_format?: ChatResponseFormat;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  [key: string]: unknown;
}

/** A request the OpenAI fake received and how it answered. */
export type OpenAIRecordedRequest = FakeRequestRecord<ChatCompletionRequest>;

/** Answers a Chat Completions request with a turn; `scriptedResponder(turns)` is one. */
export type FakeOpenAIResponder = (request: OpenAIRecordedRequest) => FakeTurn | Promise<FakeTurn>;

/** How FakeOpenAIServer.start() sets the fake up: its port, script, latency, models and key. */
export interface FakeOpenAIOptions {
  port?: number;
  responder?: FakeOpenAIResponder;
  /** Delay before the response headers. */
  latencyMs?: number;
  /** Delay between SSE chunks. */
  chunkDelayMs?: number;
  /** Models accepted beside DEFAULT_OPENAI_MODELS, or '*' for any model. Others get 404 model_not_found. */
  models?: readonly string[] | '*';
  /** The one API key accepted (401 invalid_api_key for another). Default: any bearer key. */
  apiKey?: string;
  /**
   * Context windows in tokens (the fake's count, about four characters a token): one for every model, or by model id.
   * A prompt over its model's window gets the API's 400 context_length_exceeded. Default: the model's documented
   * window (gpt-5 400k, gpt-4.1 about 1M, o-series 200k, others 128k).
   */
  contextWindow?: FakeContextWindows;
}
