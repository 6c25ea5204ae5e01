// A run's event stream over HTTP, for browsers and other languages: `GET /runs/:runId/events?from=<offset>` answers
// with Server-Sent Events (each event's `id` is its `nextOffset`, so a reconnecting EventSource resumes through
// `Last-Event-ID` with no gap and no duplicate), and `GET /runs/:runId` with a small page that follows the run's steps
// and text live. It serves run contents: it listens on loopback by default and refuses to listen anywhere else
// without a token, which every request must then carry (`Authorization: Bearer <token>`, or `?token=` for EventSource).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Client } from '@temporalio/client';
import { InvalidRunIdError, RunNotFoundError } from '../core/errors.js';
import { checkRunId } from '../client/run-id.js';
import { streamEvents } from '../client/run-stream.js';
import { runPage } from '../client/run-page.js';
import { readEnv, type EnvName } from '../config/env.js';
import { formatSse, HttpError, offsetFrom } from './http/index.js';
import { accessCheck } from './http/access-token.js';
import { listen, type ListeningServer } from './http/listen.js';

export const SERVE_TOKEN_ENV = 'DURABLE_AGENT_SERVE_TOKEN' satisfies EnvName;

/** Options of `startRunEventsServer`. */
export interface RunEventsServerOptions {
  client: Client;
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. Any address but loopback needs a token. */
  host?: string;
  /** Required on every request when set; default DURABLE_AGENT_SERVE_TOKEN. */
  token?: string;
}

/** A running run-events server (what `durable-agent serve` runs): where it listens, and how to stop it. */
export type RunEventsServer = ListeningServer;

/**
 * Serves runs' event streams over HTTP: `GET /runs/<runId>/events?from=<offset>` as Server-Sent Events (resumable
 * through `Last-Event-ID`) and `GET /runs/<runId>`, a page that follows a run live. Listens on 127.0.0.1 unless `host`
 * says otherwise; any other address needs a token.
 */
export async function startRunEventsServer(options: RunEventsServerOptions): Promise<RunEventsServer> {
  const host = options.host ?? '127.0.0.1';
  const allowed = accessCheck(host, options.token ?? readEnv(SERVE_TOKEN_ENV) ?? '', `pass --token or set ${SERVE_TOKEN_ENV}`);
  const authorised = (req: IncomingMessage, url: URL): boolean => allowed(req.headers.authorization, url);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://serve.invalid');
    const plain = (status: number, text: string): void => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`${text}\n`);
    };
    if (req.method !== 'GET') return plain(405, 'method not allowed');
    // Nothing about any run before the token checks out: not even whether it exists.
    if (!authorised(req, url)) return plain(401, 'unauthorized');
    const match = /^\/runs\/([^/]+)(\/events)?\/?$/.exec(url.pathname);
    if (!match) return plain(404, 'not found: GET /runs/<runId> or /runs/<runId>/events?from=<offset>');
    const runId = decodeURIComponent(match[1]!);
    try {
      checkRunId(runId);
    } catch (err) {
      if (err instanceof InvalidRunIdError) return plain(400, err.message);
      throw err;
    }
    if (!match[2]) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(runPage(runId));
      return;
    }
    const lastId = req.headers['last-event-id'];
    let from: number;
    try {
      from = offsetFrom(typeof lastId === 'string' ? lastId : undefined, url.searchParams.get('from'));
    } catch (err) {
      if (err instanceof HttpError) return plain(err.status, err.message);
      throw err;
    }
    const stream = streamEvents(options.client, runId, { fromOffset: from, stopAtPause: false });
    // The first event (or the run's absence) decides the status line.
    let first: IteratorResult<unknown>;
    try {
      first = await stream.next();
    } catch (err) {
      if (err instanceof RunNotFoundError) return plain(404, `no run ${runId}`);
      throw err;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.flushHeaders();
    let gone = false;
    res.on('close', () => {
      gone = true;
      void stream.return(undefined);
    });
    try {
      for (let next = first; !next.done && !gone; next = await stream.next()) {
        const event = next.value as { type: string; nextOffset: number };
        res.write(formatSse({ id: event.nextOffset, event: event.type, data: event }));
      }
      if (!gone) res.write(formatSse({ event: 'end', data: {} }));
    } catch (err) {
      if (!gone) res.write(formatSse({ event: 'failure', data: { message: err instanceof Error ? err.message : String(err) } }));
    }
    res.end();
  };

  return listen(
    (req, res) => {
      handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`internal error: ${err instanceof Error ? err.name : 'unknown'}\n`);
      });
    },
    host,
    options.port,
  );
}
