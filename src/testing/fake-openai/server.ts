// An OpenAI-compatible Chat Completions server on loopback for tests and the offline demo: the same scripted turns
// and injected faults as the Anthropic fake (../fake-anthropic/types.ts), real SSE framing, artificial latency, and
// a record of every request. It refuses what the real API refuses (request-rules.ts), so a test cannot pass with a
// transcript OpenAI would not accept. Point the SDK at `${server.url}/v1`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerFaultBefore, delay, FakeModelServer, headersOf, readBody, recordRequest, sendJson, toolUseIdsOf, turnOf, writeStream, type HttpFault } from '../fake-http.js';
import { estimateTokens } from '../fake-anthropic/turns.js';
import type { FakeTurn } from '../fake-anthropic/types.js';
import { contextWindowOf } from '../fake-context-window.js';
import { listedModels, modelAccepted, modelObject, openAIContextWindow } from './models.js';
import { requestProblem, type OpenAIRefusal } from './request-rules.js';
import type { ChatCompletionRequest, FakeOpenAIOptions, OpenAIRecordedRequest } from './types.js';
import { buildCompletion, errorBody, outputChars, SSE_DONE, sseData, streamChunks } from './wire.js';

/**
 * A strict fake of OpenAI's Chat Completions API (POST /v1/chat/completions, streaming or not; GET /v1/models).
 *
 * @example
 * ```ts
 * import { createOpenAI } from '@ai-sdk/openai';
 * const fake = await FakeOpenAIServer.start({ responder: scriptedResponder([toolTurn([{ name: 'lookup', input: {} }]), textTurn('Done.')]) });
 * const model = createOpenAI({ baseURL: fake.baseURL, apiKey: 'test-key' }).chat('gpt-5');
 * ```
 */
export class FakeOpenAIServer extends FakeModelServer<OpenAIRecordedRequest> {
  private counter = 0;

  private constructor(private readonly options: FakeOpenAIOptions) {
    super(options.responder);
  }

  /** Starts the server on 127.0.0.1 (`options.port`, default a free port). */
  static async start(options: FakeOpenAIOptions = {}): Promise<FakeOpenAIServer> {
    const instance = new FakeOpenAIServer(options);
    await instance.listen(options.port, (res, err) => sendJson(res, 500, errorBody(500, `fake server error: ${String(err)}`)));
    return instance;
  }

  /** `${url}/v1`: what `createOpenAI({ baseURL })` / `createOpenAICompatible({ baseURL })` take. */
  get baseURL(): string {
    return `${this.url}/v1`;
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method === 'GET' && path === '/health') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') return this.complete(req, res);
    if (req.method === 'GET' && path.startsWith('/v1/models')) return this.models(path, req, res);
    sendJson(res, 404, errorBody(404, `Invalid URL (${req.method} ${path})`));
  }

  private models(path: string, req: IncomingMessage, res: ServerResponse): void {
    const refusal = requestProblem({}, headersOf(req), this.options);
    if (refusal?.status === 401) {
      sendJson(res, 401, errorBody(401, refusal.message, refusal.param, refusal.code));
      return;
    }
    const id = decodeURIComponent(path.slice('/v1/models/'.length));
    if (path === '/v1/models') sendJson(res, 200, { object: 'list', data: listedModels(this.options.models).map(modelObject) });
    else if (modelAccepted(id, this.options.models)) sendJson(res, 200, modelObject(id));
    else sendJson(res, 404, errorBody(404, `The model '${id}' does not exist`, 'model', 'model_not_found'));
  }

  /** The 400 context_length_exceeded of a prompt over the model's context window (options.contextWindow). */
  private windowRefusal(body: ChatCompletionRequest): OpenAIRefusal | undefined {
    const window = contextWindowOf(body.model, this.options.contextWindow, openAIContextWindow);
    const tokens = estimateTokens(body).input_tokens;
    if (tokens <= window) return undefined;
    const message = `This model's maximum context length is ${window} tokens. However, your messages resulted in ${tokens} tokens. Please reduce the length of the messages.`;
    return { status: 400, message, param: 'messages', code: 'context_length_exceeded' };
  }

  private async complete(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: ChatCompletionRequest;
    try {
      body = JSON.parse(raw) as ChatCompletionRequest;
    } catch {
      sendJson(res, 400, errorBody(400, "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)"));
      return;
    }
    const headers = headersOf(req);
    const record = recordRequest(this.requests, res, { body, headers, stream: body?.stream === true, turn: turnOf(body?.messages) });
    const refusal = requestProblem(body, headers, this.options) ?? this.windowRefusal(body);
    if (refusal) {
      record.invalid = refusal.message;
      sendJson(res, refusal.status, errorBody(refusal.status, refusal.message, refusal.param, refusal.code));
      record.completed = true;
      return;
    }

    if (this.options.latencyMs) await delay(this.options.latencyMs);
    const fault = this.nextFault();
    const retryAfter = (f: HttpFault): Record<string, string> => (f.retryAfterSeconds !== undefined ? { 'retry-after': String(f.retryAfterSeconds) } : {});
    if (answerFaultBefore(fault, req, record, (f) => sendJson(res, f.status, errorBody(f.status, f.message ?? `injected ${f.status}`), retryAfter(f)))) return;

    let turn: FakeTurn;
    try {
      turn = await this.responder(record);
    } catch (err) {
      sendJson(res, 500, errorBody(500, `fake responder failed: ${(err as Error).message}`));
      record.completed = true;
      return;
    }
    const id = `chatcmpl-fake${this.counter++}`;
    const taken = toolUseIdsOf(body.messages);
    const draft = buildCompletion(turn, id, body.model, { input_tokens: 0, output_tokens: 0 }, record.turn, taken);
    const completion = buildCompletion(turn, id, body.model, turn.usage ?? estimateTokens(body, outputChars(draft)), record.turn, taken);
    const requestId = { 'x-request-id': `req_fake_${id}` };
    if (!record.stream) {
      sendJson(res, 200, completion, requestId);
      record.completed = true;
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...requestId });
    const frames = [...streamChunks(completion, body.stream_options?.include_usage === true).map(sseData), SSE_DONE];
    const errorFrame = (f: { errorType?: string }): string => sseData({ error: { message: 'injected mid-stream error', type: f.errorType ?? 'server_error', param: null, code: null } });
    await writeStream(req, res, record, frames, turn.chunkDelayMs ?? this.options.chunkDelayMs ?? 0, fault, errorFrame);
  }
}
