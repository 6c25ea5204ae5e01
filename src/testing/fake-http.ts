// The HTTP plumbing every fake model server shares: a loopback server whose close() does not wait for hung streams,
// reading and recording a request, answering the faults a test injects, and writing a stream of events with delays.
// A fake server (FakeModelServer) adds only its provider's routes, rules and wire format.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { scriptedResponder } from './fake-anthropic/turns.js';
import type { FakeFault, FakeTurn, RecordedRequest } from './fake-anthropic/types.js';

/**
 * What a fake server received and how it answered (index, headers, stream flag, the conversation turn it asks for,
 * aborted / completed, the fault it met, why it was refused), with the body in the provider's own shape.
 */
export type FakeRequestRecord<Body> = Pick<RecordedRequest, 'index' | 'headers' | 'stream' | 'turn' | 'aborted' | 'completed' | 'fault' | 'invalid'> & { body: Body };

/** Resolves after `ms` milliseconds. */
export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** An HTTP server on 127.0.0.1 that tracks its sockets, so close() ends streams a test left hanging. */
export class LoopbackServer {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:<port>` */
    readonly url: string,
  ) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Listens on `port` (default a free one); `onFailure` answers a request whose handler threw. */
  static async listen(
    port: number | undefined,
    handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
    onFailure: (res: ServerResponse, err: unknown) => void,
  ): Promise<LoopbackServer> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port ?? 0, '127.0.0.1', () => resolve());
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) onFailure(res, err);
        else res.destroy();
      });
    });
    return new LoopbackServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  /** Stops listening and destroys the open connections. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The request's body as text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

/** The request's single-valued headers, by lower-case name. */
export function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
  return headers;
}

/** Answers `body` as JSON. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Which turn of the conversation a request asks for: the assistant messages it carries. */
export function turnOf(messages: unknown): number {
  return Array.isArray(messages) ? messages.filter((m) => (m as { role?: unknown } | null)?.role === 'assistant').length : 0;
}

/**
 * The tool call ids the request's assistant messages already hold: Messages API tool_use blocks, Chat Completions
 * `tool_calls`.
 */
export function toolUseIdsOf(messages: unknown): Set<string> {
  const ids = new Set<string>();
  if (!Array.isArray(messages)) return ids;
  for (const message of messages as Array<{ role?: unknown; content?: unknown; tool_calls?: unknown } | null>) {
    if (message?.role !== 'assistant') continue;
    const blocks = [...(Array.isArray(message.content) ? message.content : []), ...(Array.isArray(message.tool_calls) ? message.tool_calls : [])] as Array<{ type?: unknown; id?: unknown } | null>;
    for (const block of blocks) if ((block?.type === 'tool_use' || block?.type === 'function') && typeof block.id === 'string') ids.add(block.id);
  }
  return ids;
}

/** Records a request in `requests`; the record learns when the client goes away before the answer is complete. */
export function recordRequest<R extends FakeRequestRecord<unknown>>(requests: R[], res: ServerResponse, fields: Omit<R, 'index' | 'aborted' | 'completed'>): R {
  const record = { index: requests.length, ...fields, aborted: false, completed: false } as R;
  requests.push(record);
  res.on('close', () => {
    if (!record.completed) record.aborted = true;
  });
  return record;
}

/** An injected HTTP error. */
export type HttpFault = Extract<FakeFault, { kind: 'http' }>;

/**
 * Answers a fault that strikes before the answer: an HTTP error (`answerHttp` writes it in the provider's shape), a
 * connection reset or a hang. Records the fault; returns true when it took the request.
 */
export function answerFaultBefore(fault: FakeFault | undefined, req: IncomingMessage, record: FakeRequestRecord<unknown>, answerHttp: (fault: HttpFault) => void): boolean {
  if (!fault) return false;
  record.fault = fault;
  if (fault.kind === 'http') {
    answerHttp(fault);
    record.completed = true;
    return true;
  }
  if (fault.kind === 'midStreamError' || fault.afterEvents !== undefined) return false;
  if (fault.kind === 'connectionReset') req.socket.destroy();
  return true; // hang: never answer
}

/**
 * Writes a stream's frames `gapMs` apart, and ends the response. A mid-stream fault strikes before frame
 * `afterEvents`: an error frame (`errorFrame`) that ends the stream, a connection reset, or a hang.
 */
export async function writeStream(
  req: IncomingMessage,
  res: ServerResponse,
  record: FakeRequestRecord<unknown>,
  frames: ReadonlyArray<string | Uint8Array>,
  gapMs: number,
  fault: FakeFault | undefined,
  errorFrame: (fault: Extract<FakeFault, { kind: 'midStreamError' }>) => string | Uint8Array,
): Promise<void> {
  for (let i = 0; i < frames.length; i++) {
    if (res.destroyed || record.aborted) return;
    if (fault && fault.kind !== 'http' && i === (fault.afterEvents ?? 0)) {
      if (fault.kind === 'midStreamError') {
        res.end(errorFrame(fault));
        record.completed = true;
      } else if (fault.kind === 'connectionReset') {
        req.socket.destroy();
      }
      return; // hang: stop sending
    }
    res.write(frames[i]);
    if (gapMs) await delay(gapMs);
  }
  res.end();
  record.completed = true;
}

/**
 * What every fake model server shares: the loopback server, the record of requests, the responder (a script of
 * turns by default empty) and the queue of injected faults. A subclass serves its provider's routes in `handle`.
 */
export abstract class FakeModelServer<R extends FakeRequestRecord<unknown>> {
  /** Every model request received, in order. */
  readonly requests: R[] = [];
  protected responder: (request: R) => FakeTurn | Promise<FakeTurn>;
  private faults: FakeFault[] = [];
  private http?: LoopbackServer;

  protected constructor(responder: ((request: R) => FakeTurn | Promise<FakeTurn>) | undefined) {
    this.responder = responder ?? scriptedResponder([]);
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    if (!this.http) throw new Error('the fake server is not started');
    return this.http.url;
  }

  /** Answers the next requests with `responder` (e.g. `scriptedResponder(turns)`). */
  setResponder(responder: (request: R) => FakeTurn | Promise<FakeTurn>): void {
    this.responder = responder;
  }

  /** Faults for the next requests, one a request, in order. */
  injectFaults(...faults: FakeFault[]): void {
    this.faults.push(...faults);
  }

  /** Forgets the recorded requests and the faults not yet used. */
  reset(): void {
    this.requests.length = 0;
    this.faults = [];
  }

  /** Stops the server, cutting any stream still open. */
  async close(): Promise<void> {
    await this.http?.close();
  }

  /** Starts listening; `onFailure` answers a request whose handler threw. */
  protected async listen(port: number | undefined, onFailure: (res: ServerResponse, err: unknown) => void): Promise<void> {
    this.http = await LoopbackServer.listen(port, (req, res) => this.handle(req, res), onFailure);
  }

  /** The fault for the request being answered, if one is queued. */
  protected nextFault(): FakeFault | undefined {
    return this.faults.shift();
  }

  protected abstract handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}
