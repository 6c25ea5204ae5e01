// A Claude HTTP server on loopback for tests and the offline demo, as Anthropic's Messages API, Bedrock and Vertex
// serve it: scripted answers, each surface's real framing (SSE; AWS's event stream), artificial latency, injected
// faults, and a record of every request. It refuses what the real services refuse (request-rules.ts, bedrock.ts,
// vertex.ts), so a test cannot pass with a request Claude would not accept.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { anthropicSurface } from './anthropic.js';
import { bedrockSurface } from './bedrock.js';
import { FakePromptCache, withoutCacheControls } from './prompt-cache.js';
import { estimateTokens, scriptedResponder } from './turns.js';
import type { FakeAnthropicOptions, FakeFault, FakeResponder, FakeTurn, RecordedRequest } from './types.js';
import { objectBody, type ApiSurface, type WireResponse } from './surface.js';
import { vertexSurface } from './vertex.js';
import { buildMessage, outputChars, streamEvents } from './wire.js';

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

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
export class FakeAnthropicServer {
  readonly requests: RecordedRequest[] = [];
  /** Anthropic's prompt cache as the fake models it: what requests' cache_control breakpoints wrote. */
  readonly promptCache: FakePromptCache;
  private responder: FakeResponder;
  private faults: FakeFault[] = [];
  private readonly sockets = new Set<Socket>();
  private counter = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: FakeAnthropicOptions,
  ) {
    this.responder = options.responder ?? scriptedResponder([]);
    this.promptCache = new FakePromptCache(options.promptCache);
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(options: FakeAnthropicOptions = {}): Promise<FakeAnthropicServer> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const instance = new FakeAnthropicServer(server, `http://127.0.0.1:${port}`, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      instance.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) FakeAnthropicServer.send(res, anthropicSurface.error(500, `fake server error: ${String(err)}`));
        else res.destroy();
      });
    });
    return instance;
  }

  setResponder(responder: FakeResponder): void {
    this.responder = responder;
  }

  injectFaults(...faults: FakeFault[]): void {
    this.faults.push(...faults);
  }

  reset(): void {
    this.requests.length = 0;
    this.faults = [];
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private static send(res: ServerResponse, response: WireResponse): void {
    res.writeHead(response.status, { 'request-id': `req_fake_${Date.now()}`, ...response.headers });
    res.end(response.body);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
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
    const raw = await new Promise<string>((resolve, reject) => {
      let data = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (data += c));
      req.on('end', () => resolve(data));
      req.on('error', reject);
    });
    let wireBody: unknown;
    try {
      wireBody = JSON.parse(raw) as unknown;
    } catch {
      wireBody = undefined;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const request = read(wireBody, headers);
    const body = request.body;
    const record: RecordedRequest = {
      index: this.requests.length,
      api: surface.api,
      model: request.model,
      path,
      body,
      wireBody: objectBody(wireBody) ?? {},
      headers,
      stream: request.stream,
      turn: (Array.isArray(body.messages) ? body.messages : []).filter((m) => m.role === 'assistant').length,
      aborted: false,
      completed: false,
    };
    this.requests.push(record);
    res.on('close', () => {
      if (!record.completed) record.aborted = true;
    });
    if (request.refusal) {
      record.invalid = request.refusal.message;
      FakeAnthropicServer.send(res, surface.error(request.refusal.status, request.refusal.message));
      record.completed = true;
      return;
    }

    if (this.options.latencyMs) await delay(this.options.latencyMs);
    const fault = this.faults.shift();
    if (fault) record.fault = fault;
    if (fault?.kind === 'http') {
      FakeAnthropicServer.send(res, surface.error(fault.status, fault.message ?? `injected ${fault.status}`, fault.retryAfterSeconds));
      record.completed = true;
      return;
    }
    if (fault && fault.kind !== 'midStreamError' && fault.afterEvents === undefined) {
      if (fault.kind === 'connectionReset') req.socket.destroy();
      return; // hang: never answer
    }

    let turn: FakeTurn;
    try {
      turn = await this.responder(record);
    } catch (err) {
      FakeAnthropicServer.send(res, surface.error(500, `fake responder failed: ${(err as Error).message}`));
      record.completed = true;
      return;
    }
    const id = `msg_fake_${this.counter++}`;
    const draft = buildMessage(turn, id, request.model, { input_tokens: 0, output_tokens: 0 }, record.turn);
    const usage = turn.usage ?? this.promptCache.account(body, estimateTokens(withoutCacheControls(body), outputChars(draft)));
    const message = buildMessage(turn, id, request.model, usage, record.turn);
    const responseHeaders = surface.headers(message, `req_fake_${id}`);

    if (!record.stream) {
      FakeAnthropicServer.send(res, { status: 200, headers: { 'content-type': 'application/json', ...responseHeaders }, body: JSON.stringify(message) });
      record.completed = true;
      return;
    }
    res.writeHead(200, { 'content-type': surface.streamContentType, 'cache-control': 'no-cache', ...responseHeaders });
    const events = streamEvents(message);
    const gap = turn.chunkDelayMs ?? this.options.chunkDelayMs ?? 0;
    for (let i = 0; i < events.length; i++) {
      if (res.destroyed || record.aborted) return;
      if (fault && i === (fault.afterEvents ?? 0)) {
        if (fault.kind === 'midStreamError') {
          res.end(surface.streamError(fault.errorType ?? 'overloaded_error', 'injected mid-stream error'));
          record.completed = true;
        } else if (fault.kind === 'connectionReset') {
          req.socket.destroy();
        }
        return; // hang: stop sending
      }
      const [event, data] = events[i]!;
      res.write(surface.event(event, data, message));
      if (gap) await delay(gap);
    }
    res.end();
    record.completed = true;
  }
}
