// The HTTP layer durable-agent's servers share: the chat handler (src/server/chat/) uses it now, and the operator
// console will use it too, so it stays generic. Everything speaks Web-standard Request → Response (Next.js route
// handlers, Hono, Bun, Deno mount that as it is; `toNodeHandler` adapts it to node:http): typed JSON errors, a body
// size limit, the `Authorize` hook's type, and a Server-Sent Events writer whose event ids are offsets, so a client
// resumes through `Last-Event-ID` (or `?from=`) with no gap and no duplicate.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A handler in Web-standard form: what every durable-agent HTTP surface is. */
export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * Decides who sends a request: a caller (any object with a `userId`), or `null` for "not signed in" (401). It reads
 * whatever the app authenticates with (a session cookie, a bearer token); which chats and runs a caller may act on is
 * the handler's rule (its owner), never the client's say.
 */
export type Authorize<C extends { userId: string } = { userId: string }> = (request: Request) => C | null | Promise<C | null>;

/** A typed HTTP error: `status`, a stable `code` clients branch on, and a message for people. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A JSON response (no-store: run contents are never cached). */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

/** The JSON error body every surface answers with: `{ error: { code, message } }`. */
export function errorResponse(err: HttpError): Response {
  return json(err.status, { error: { code: err.code, message: err.message } });
}

/** Default limit of a request body: 64 KiB. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

/**
 * Reads a JSON object body of at most `limit` bytes. Throws HttpError 413 `body_too_large` (it stops reading at the
 * limit, whatever Content-Length says), 415 `unsupported_media_type` and 400 `malformed_body`.
 */
export async function readJsonBody(request: Request, limit = DEFAULT_BODY_LIMIT): Promise<Record<string, unknown>> {
  const type = request.headers.get('content-type') ?? '';
  if (type && !/^application\/json\b/i.test(type)) throw new HttpError(415, 'unsupported_media_type', 'Send the body as application/json.');
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw new HttpError(413, 'body_too_large', `The body is larger than ${limit} bytes.`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw new HttpError(413, 'body_too_large', `The body is larger than ${limit} bytes.`);
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'malformed_body', 'The body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpError(400, 'malformed_body', 'The body must be a JSON object.');
  return value as Record<string, unknown>;
}

/** The offset a stream resumes from: `Last-Event-ID` (what EventSource sends back), else `?from=`, else 0. */
export function resumeOffset(request: Request): number {
  return offsetFrom(request.headers.get('last-event-id'), new URL(request.url).searchParams.get('from'));
}

/** resumeOffset() from the two values themselves (a node:http server reads them off its IncomingMessage). */
export function offsetFrom(lastEventId: string | null | undefined, from: string | null | undefined): number {
  const offset = Number(lastEventId || from || '0');
  if (!Number.isInteger(offset) || offset < 0) throw new HttpError(400, 'bad_offset', 'from (or Last-Event-ID) must be an offset: an integer ≥ 0.');
  return offset;
}

/** One Server-Sent Event: `id` (an offset to resume after), optional `event` name, `data` (JSON-encoded unless a string). */
export interface SseEvent {
  id?: string | number;
  event?: string;
  data: unknown;
}

/**
 * A `text/event-stream` Response fed by `events`. A client that goes away ends the iterator (its `return()` runs, so
 * whatever it follows is released); an error in it ends the stream with an `error` event (`onError` maps it to data).
 */
export function sseResponse(
  events: AsyncIterable<SseEvent>,
  options: { headers?: Record<string, string>; onError?: (err: unknown) => SseEvent } = {},
): Response {
  const encoder = new TextEncoder();
  const iterator = events[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) return controller.close();
        controller.enqueue(encoder.encode(formatSse(next.value)));
      } catch (err) {
        const event = options.onError?.(err) ?? { event: 'error', data: { message: err instanceof Error ? err.message : String(err) } };
        controller.enqueue(encoder.encode(formatSse(event)));
        controller.close();
      }
    },
    async cancel() {
      await iterator.return?.(undefined);
    },
  });
  return new Response(body, {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', ...options.headers },
  });
}

/** One SSE frame: `id:`, `event:` and a `data:` line per line of the (JSON-encoded unless string) data. */
export function formatSse({ id, event, data }: SseEvent): string {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return `${id !== undefined ? `id: ${id}\n` : ''}${event ? `event: ${event}\n` : ''}${text
    .split('\n')
    .map((line) => `data: ${line}`)
    .join('\n')}\n\n`;
}

/**
 * Adapts a Web-standard handler to node:http (`createServer(toNodeHandler(handler))`, or Express's `app.use`): the
 * request streams in, the response streams out, and a client that disconnects cancels the response body.
 */
export function toNodeHandler(handler: FetchHandler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const url = `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const request = new Request(url, {
      method: req.method ?? 'GET',
      headers,
      signal: abort.signal,
      ...(hasBody ? { body: ReadableStream.from(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
    } as RequestInit);
    void (async () => {
      let response: Response;
      try {
        response = await handler(request);
      } catch (err) {
        response = errorResponse(new HttpError(500, 'internal', err instanceof Error ? err.name : 'internal error'));
      }
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (!response.body) return void res.end();
      res.flushHeaders();
      const reader = response.body.getReader();
      abort.signal.addEventListener('abort', () => void reader.cancel().catch(() => undefined), { once: true });
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          res.write(value);
        }
      } catch {
        // the client went away
      }
      res.end();
    })();
  };
}
