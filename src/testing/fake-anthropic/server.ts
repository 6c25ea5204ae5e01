// A Claude HTTP server on loopback for tests and the offline demo, as Anthropic's Messages API, Bedrock and Vertex
// serve it: scripted answers, each surface's real framing (SSE; AWS's event stream), artificial latency, injected
// faults, and a record of every request. It refuses what the real services refuse (request-rules.ts, bedrock.ts,
// vertex.ts), so a test cannot pass with a request Claude would not accept.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerFaultBefore, delay, FakeModelServer, headersOf, readBody, recordRequest, toolUseIdsOf, turnOf, writeStream } from '../fake-http.js';
import { anthropicSurface } from './anthropic.js';
import { bedrockSurface } from './bedrock.js';
import { FakePromptCache, withoutCacheControls } from './prompt-cache.js';
import { estimateTokens } from './turns.js';
import type { FakeAnthropicOptions, FakeTurn, RecordedRequest } from './types.js';
import { objectBody, type ApiSurface, type WireResponse } from './surface.js';
import { vertexSurface } from './vertex.js';
import { contextWindowProblem } from './context-window.js';
import { buildMessage, outputChars, streamEvents } from './wire.js';

/** The surfaces the fake serves, tried in order by each request's method and path. */
const SURFACES: readonly ApiSurface[] = [anthropicSurface, bedrockSurface, vertexSurface];

/**
 * A local Claude server on loopback for tests and the offline demo. It serves three surfaces on one port, from one
 * responder (script of turns), one queue of faults and one request record ({@link RecordedRequest.api} says which
 * surface a request used, {@link RecordedRequest.model} the model it named), each as strict as the real service:
 *
 * - Anthropic's Messages API: `POST /v1/messages`, SSE streams, an API key required (401 without).
 * - Claude on Amazon Bedrock: `POST /model/{modelId}/invoke` and `/model/{modelId}/invoke-with-response-stream`
 *   (AWS's binary event stream), a SigV4 `Authorization` (checked for its form, not its signature) or a Bedrock API
 *   key as `Bearer` required (403 without), Claude model ids only (others: 400 ValidationException), errors as AWS
 *   exceptions. Static keys make the client sign locally and skip AWS's credential chain.
 * - Claude on Google Vertex AI: `POST /v1/projects/{project}/locations/{region}/publishers/anthropic/models/{model}`
 *   `:rawPredict` and `:streamRawPredict` (SSE), `Authorization: Bearer` required (401 without), Claude models only
 *   (others: 404 NOT_FOUND). An `authClient` holding a fixed token keeps the client off Application Default
 *   Credentials; the SDK's `accessToken` option alone does not (it is not used for requests).
 *
 * Every surface applies the Messages API's transcript rules (request-rules.ts) to the Messages body it carries.
 *
 * @example
 * ```ts
 * import Anthropic from '@anthropic-ai/sdk';
 * import { AnthropicBedrock } from '@anthropic-ai/bedrock-sdk';
 * import { AnthropicVertex } from '@anthropic-ai/vertex-sdk';
 * import { OAuth2Client } from 'google-auth-library';
 *
 * const fake = await FakeAnthropicServer.start({ responder: scriptedResponder([textTurn('Hello.')]) });
 * const anthropic = new Anthropic({ baseURL: fake.url, apiKey: 'test-key', maxRetries: 0 });
 * const bedrock = new AnthropicBedrock({ baseURL: fake.url, awsRegion: 'us-east-1', awsAccessKey: 'x', awsSecretKey: 'y', maxRetries: 0 });
 * const vertex = new AnthropicVertex({
 *   baseURL: `${fake.url}/v1`,
 *   region: 'us-east5',
 *   projectId: 'my-project',
 *   authClient: new OAuth2Client({ credentials: { access_token: 'token' } }),
 *   maxRetries: 0,
 * });
 * await bedrock.messages.create({ model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', max_tokens: 256, messages });
 * await vertex.messages.create({ model: 'claude-sonnet-4-5@20250929', max_tokens: 256, messages });
 * ```
 */
export class FakeAnthropicServer extends FakeModelServer<RecordedRequest> {
  /** Anthropic's prompt cache as the fake models it: what requests' cache_control breakpoints wrote. */
  readonly promptCache: FakePromptCache;
  private counter = 0;

  private constructor(private readonly options: FakeAnthropicOptions) {
    super(options.responder);
    this.promptCache = new FakePromptCache(options.promptCache);
  }

  /** Starts the server on 127.0.0.1 (`options.port`, default a free port); its `url` is the SDKs' `baseURL`. */
  static async start(options: FakeAnthropicOptions = {}): Promise<FakeAnthropicServer> {
    const instance = new FakeAnthropicServer(options);
    await instance.listen(options.port, (res, err) => FakeAnthropicServer.send(res, anthropicSurface.error(500, `fake server error: ${String(err)}`)));
    return instance;
  }

  private static send(res: ServerResponse, response: WireResponse): void {
    res.writeHead(response.status, { 'request-id': `req_fake_${Date.now()}`, ...response.headers });
    res.end(response.body);
  }

  /** The 400 of a prompt over the model's context window (options.contextWindow; context-window.ts). */
  private windowRefusal(body: RecordedRequest['body']): { status: number; message: string } | undefined {
    const message = contextWindowProblem(body, this.options.contextWindow);
    return message === undefined ? undefined : { status: 400, message };
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const path = req.url ?? '/';
    const routes = SURFACES.map((surface) => ({ surface, read: surface.route(req.method ?? 'GET', path) }));
    const route = routes.find((r) => r.read !== undefined);
    if (!route?.read) {
      FakeAnthropicServer.send(res, anthropicSurface.error(404, `no route ${req.method} ${req.url}`));
      return;
    }
    const { surface, read } = route;
    const raw = await readBody(req);
    let wireBody: unknown;
    try {
      wireBody = JSON.parse(raw) as unknown;
    } catch {
      wireBody = undefined;
    }
    const headers = headersOf(req);
    const request = read(wireBody, headers);
    const body = request.body;
    const record = recordRequest(this.requests, res, {
      api: surface.api,
      model: request.model,
      path,
      body,
      wireBody: objectBody(wireBody) ?? {},
      headers,
      stream: request.stream,
      turn: turnOf(body.messages),
    });
    const refusal = request.refusal ?? this.windowRefusal(body);
    if (refusal) {
      record.invalid = refusal.message;
      FakeAnthropicServer.send(res, surface.error(refusal.status, refusal.message));
      record.completed = true;
      return;
    }

    if (this.options.latencyMs) await delay(this.options.latencyMs);
    const fault = this.nextFault();
    if (answerFaultBefore(fault, req, record, (f) => FakeAnthropicServer.send(res, surface.error(f.status, f.message ?? `injected ${f.status}`, f.retryAfterSeconds)))) return;

    let turn: FakeTurn;
    try {
      turn = await this.responder(record);
    } catch (err) {
      FakeAnthropicServer.send(res, surface.error(500, `fake responder failed: ${(err as Error).message}`));
      record.completed = true;
      return;
    }
    const id = `msg_fake_${this.counter++}`;
    const taken = toolUseIdsOf(body.messages);
    const draft = buildMessage(turn, id, request.model, { input_tokens: 0, output_tokens: 0 }, record.turn, taken);
    const usage = turn.usage ?? this.promptCache.account(body, estimateTokens(withoutCacheControls(body), outputChars(draft)));
    const message = buildMessage(turn, id, request.model, usage, record.turn, taken);
    const responseHeaders = surface.headers(message, `req_fake_${id}`);

    if (!record.stream) {
      FakeAnthropicServer.send(res, { status: 200, headers: { 'content-type': 'application/json', ...responseHeaders }, body: JSON.stringify(message) });
      record.completed = true;
      return;
    }
    res.writeHead(200, { 'content-type': surface.streamContentType, 'cache-control': 'no-cache', ...responseHeaders });
    const frames = streamEvents(message).map(([event, data]) => surface.event(event, data, message));
    const errorFrame = (f: { errorType?: string }): string | Buffer => surface.streamError(f.errorType ?? 'overloaded_error', 'injected mid-stream error');
    await writeStream(req, res, record, frames, turn.chunkDelayMs ?? this.options.chunkDelayMs ?? 0, fault, errorFrame);
  }
}
