// The example's web server: the page (bundled with esbuild at start-up) and the chat handler under /api/chat, on
// node:http through toNodeHandler. The demo's "sign-in" is the `x-demo-user` header the page sends (from ?user=):
// replace `authorize` with your app's session check.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { build } from 'esbuild';
import { createChatHandler, type ChatHandlerOptions, type WhileRunningPolicy } from 'durable-agent/server';
import { toNodeHandler, type FetchHandler } from '../../src/server/http/index.js';
import { chatTools } from './tools.js';

/** Options of `startChatApp`. */
export interface ChatAppOptions {
  client: Client;
  taskQueue: string;
  model?: string;
  port?: number;
  whileRunning?: WhileRunningPolicy;
  /** Largest request body (bytes). */
  bodyLimit?: number;
}

/** A running chat app. */
export interface ChatApp {
  url: string;
  handler: FetchHandler;
  close(): Promise<void>;
}

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>durable-agent chat</title></head>
<body><div id="root"></div><script type="module" src="/app.js"></script></body></html>`;

/** The page's script, bundled once. */
async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  return result.outputFiles[0]!.text;
}

/** The demo's authorize: the caller is the `x-demo-user` header (letters and digits), or nobody. */
export const demoAuthorize: ChatHandlerOptions['authorize'] = (request) => {
  const user = request.headers.get('x-demo-user') ?? '';
  return /^[a-z0-9]{1,32}$/i.test(user) ? { userId: user } : null;
};

/** Serves the page and the chat handler on 127.0.0.1. */
export async function startChatApp(options: ChatAppOptions): Promise<ChatApp> {
  const script = await bundle();
  const chat = createChatHandler({
    connection: { client: options.client, taskQueue: options.taskQueue },
    model: options.model ?? 'anthropic/claude-sonnet-4-6',
    tools: chatTools,
    authorize: demoAuthorize,
    ...(options.whileRunning ? { whileRunning: options.whileRunning } : {}),
    ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
  });
  const handler: FetchHandler = async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith('/api/chat/')) return chat(request);
    if (request.method === 'GET' && pathname === '/') return new Response(PAGE, { headers: { 'content-type': 'text/html; charset=utf-8' } });
    if (request.method === 'GET' && pathname === '/app.js') return new Response(script, { headers: { 'content-type': 'text/javascript; charset=utf-8' } });
    return new Response('not found\n', { status: 404 });
  };
  const server = createServer(toNodeHandler(handler));
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    handler,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
