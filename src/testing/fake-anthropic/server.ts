// An Anthropic-Messages-compatible HTTP server on loopback for tests and the offline demo: scripted answers,
// real SSE framing, artificial latency, injected faults, and a record of every request. It refuses what the real API
// refuses (request-rules.ts), so a test cannot pass with a transcript Claude would not accept.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages';
import { requestProblem } from './request-rules.js';
import { FakePromptCache, withoutCacheControls } from './prompt-cache.js';
import { estimateTokens, scriptedResponder } from './turns.js';
import type { FakeAnthropicOptions, FakeFault, FakeResponder, FakeTurn, RecordedRequest } from './types.js';
import { buildMessage, errorBody, outputChars, sse, streamEvents } from './wire.js';

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A local HTTP server that speaks Anthropic's Messages API (streaming and not) as strictly as the real one, answering
 * with scripted turns. Point the real SDK (or a worker's `anthropic.baseURL`) at `url`.
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

  /** Starts the fake on a free port (or `options.port`). */
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
        if (!res.headersSent) FakeAnthropicServer.json(res, 500, errorBody(500, `fake server error: ${String(err)}`));
        else res.destroy();
      });
    });
    return instance;
  }

  /** Replaces what answers the next requests. */
  setResponder(responder: FakeResponder): void {
    this.responder = responder;
  }

  /** Queues faults: each of the next requests gets the next fault instead of its answer. */
  injectFaults(...faults: FakeFault[]): void {
    this.faults.push(...faults);
  }

  /** Forgets the recorded requests and the queued faults. */
  reset(): void {
    this.requests.length = 0;
    this.faults = [];
  }

  /** Stops the server and drops its connections. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private static json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_fake_${Date.now()}`, ...headers });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) {
      FakeAnthropicServer.json(res, 404, errorBody(404, `no route ${req.method} ${req.url}`));
      return;
    }
    const raw = await new Promise<string>((resolve, reject) => {
      let data = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (data += c));
      req.on('end', () => resolve(data));
      req.on('error', reject);
    });
    let body: MessageCreateParams;
    try {
      body = JSON.parse(raw) as MessageCreateParams;
    } catch {
      FakeAnthropicServer.json(res, 400, errorBody(400, 'request body is not valid JSON'));
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const record: RecordedRequest = {
      index: this.requests.length,
      body,
      headers,
      stream: body.stream === true,
      turn: (body.messages ?? []).filter((m) => m.role === 'assistant').length,
      aborted: false,
      completed: false,
    };
    this.requests.push(record);
    res.on('close', () => {
      if (!record.completed) record.aborted = true;
    });
    const refusal = requestProblem(body, headers);
    if (refusal) {
      record.invalid = refusal.message;
      FakeAnthropicServer.json(res, refusal.status, errorBody(refusal.status, refusal.message));
      record.completed = true;
      return;
    }

    if (this.options.latencyMs) await delay(this.options.latencyMs);
    const fault = this.faults.shift();
    if (fault) record.fault = fault;
    if (fault?.kind === 'http') {
      const retry: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
      FakeAnthropicServer.json(res, fault.status, errorBody(fault.status, fault.message ?? `injected ${fault.status}`), retry);
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
      FakeAnthropicServer.json(res, 500, errorBody(500, `fake responder failed: ${(err as Error).message}`));
      record.completed = true;
      return;
    }
    const id = `msg_fake_${this.counter++}`;
    const draft = buildMessage(turn, id, body.model, { input_tokens: 0, output_tokens: 0 }, record.turn);
    const usage = turn.usage ?? this.promptCache.account(body, estimateTokens(withoutCacheControls(body), outputChars(draft)));
    const message = buildMessage(turn, id, body.model, usage, record.turn);

    if (!record.stream) {
      FakeAnthropicServer.json(res, 200, message);
      record.completed = true;
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_fake_${id}` });
    const events = streamEvents(message);
    const gap = turn.chunkDelayMs ?? this.options.chunkDelayMs ?? 0;
    for (let i = 0; i < events.length; i++) {
      if (res.destroyed || record.aborted) return;
      if (fault && i === (fault.afterEvents ?? 0)) {
        if (fault.kind === 'midStreamError') {
          res.end(sse('error', { type: 'error', error: { type: fault.errorType ?? 'overloaded_error', message: 'injected mid-stream error' } }));
          record.completed = true;
        } else if (fault.kind === 'connectionReset') {
          req.socket.destroy();
        }
        return; // hang: stop sending
      }
      const [event, data] = events[i]!;
      res.write(sse(event, data));
      if (gap) await delay(gap);
    }
    res.end();
    record.completed = true;
  }
}
