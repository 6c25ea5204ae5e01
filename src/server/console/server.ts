// The operator console: a Web-standard handler (access check → JSON API or page assets) and the node:http server that
// `durable-agent console` and `durable-agent dev` run. It has no database: everything it shows it reads from
// Temporal, everything it does goes through the client API.
import type { Client } from '@temporalio/client';
import { readEnv, type EnvName } from '../../config/env.js';
import { HttpError, errorResponse, toNodeHandler, type FetchHandler } from '../http/index.js';
import { listen, type ListeningServer } from '../http/listen.js';
import { consoleAccess, crossSiteRefusal } from './access.js';
import { createConsoleApi } from './api.js';
import { consolePage, consoleScript, consoleStyle } from './page.js';

/** The environment variable of the console's token (`durable-agent console --token` wins over it). */
export const CONSOLE_TOKEN_ENV = 'DURABLE_AGENT_CONSOLE_TOKEN' satisfies EnvName;

/** Options of the console's handler and server. */
export interface ConsoleOptions {
  client: Client;
  /** The Temporal Web UI's address; run pages link to the run there. */
  webUiUrl?: string;
  /** Default 127.0.0.1. Any address but loopback needs a token. */
  host?: string;
  /** Required on every request when set; default DURABLE_AGENT_CONSOLE_TOKEN. */
  token?: string;
}

/** A running console: where it listens (`url`, `port`), and `close()`. */
export type ConsoleServer = ListeningServer;

function asset(body: string, type: string): Response {
  return new Response(body, { status: 200, headers: { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' } });
}

/** The console as one Web-standard handler: pages at `/` and `/runs/<runId>`, assets, and the JSON API under `/api/`. */
export function createConsoleHandler(options: ConsoleOptions): FetchHandler {
  const token = options.token ?? readEnv(CONSOLE_TOKEN_ENV) ?? '';
  const authorize = consoleAccess(options.host ?? '127.0.0.1', token, `pass --token or set ${CONSOLE_TOKEN_ENV}`);
  const api = createConsoleApi({ client: options.client, ...(options.webUiUrl ? { webUiUrl: options.webUiUrl } : {}) });
  return async (request) => {
    const operator = await authorize(request);
    // Nothing before the token checks out: no page, no asset, not even whether a run exists.
    if (!operator) return errorResponse(new HttpError(401, 'unauthorized', 'This console needs its token: Authorization: Bearer <token>, or ?token=.'));
    const refused = crossSiteRefusal(request, !token);
    if (refused) return errorResponse(refused);
    const url = new URL(request.url);
    const { pathname } = url;
    const given = url.searchParams.get('token') ?? undefined;
    if (pathname.startsWith('/api/')) return api(request, operator);
    if (request.method !== 'GET') return errorResponse(new HttpError(405, 'method_not_allowed', `${request.method} ${pathname} is not a route.`));
    if (pathname === '/console.js') return asset(consoleScript(), 'text/javascript');
    if (pathname === '/console.css') return asset(consoleStyle(), 'text/css');
    if (pathname === '/') return asset(consolePage('runs', given), 'text/html');
    const run = /^\/runs\/([^/]+)\/?$/.exec(pathname);
    if (run) return asset(consolePage(decodeURIComponent(run[1]!), given), 'text/html');
    return errorResponse(new HttpError(404, 'not_found', `No page ${pathname}: the runs are at / and a run at /runs/<runId>.`));
  };
}

/** Starts the console on `host:port` (default 127.0.0.1, any free port). */
export async function startConsoleServer(options: ConsoleOptions & { port?: number }): Promise<ConsoleServer> {
  const host = options.host ?? '127.0.0.1';
  return listen(toNodeHandler(createConsoleHandler({ ...options, host })), host, options.port);
}
