// The HTTP plumbing every fake model server shares: a loopback server whose close() does not wait for hung streams,
// reading and recording a request, answering the faults a test injects, and writing a stream of events with delays.
// A fake server adds only its provider's routes, rules and wire format.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FakeFault, RecordedRequest } from './fake-anthropic/types.js';

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

/** Records a request in `requests`; the record learns when the client goes away before the answer is complete. */
export function recordRequest<Body>(requests: Array<FakeRequestRecord<Body>>, res: ServerResponse, body: Body, headers: Record<string, string>, stream: boolean, turn: number): FakeRequestRecord<Body> {
  const record: FakeRequestRecord<Body> = { index: requests.length, body, headers, stream, turn, aborted: false, completed: false };
  requests.push(record);
  res.on('close', () => {
    if (!record.completed) record.aborted = true;
  });
  return record;
}

/**
 * Answers a fault that strikes before the answer: an HTTP error (with `retry-after` when the fault sets it, the body
 * in the provider's error shape), a connection reset or a hang. Returns true when the fault took the request.
 */
export function answerFaultBefore(fault: FakeFault | undefined, req: IncomingMessage, res: ServerResponse, record: FakeRequestRecord<unknown>, errorBody: (status: number, message: string) => unknown, headers: Record<string, string> = {}): boolean {
  if (!fault) return false;
  record.fault = fault;
  if (fault.kind === 'http') {
    const retry: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {};
    sendJson(res, fault.status, errorBody(fault.status, fault.message ?? `injected ${fault.status}`), { ...headers, ...retry });
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
export async function writeStream(req: IncomingMessage, res: ServerResponse, record: FakeRequestRecord<unknown>, frames: string[], gapMs: number, fault: FakeFault | undefined, errorFrame: (fault: FakeFault) => string): Promise<void> {
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
