// `durable-agent/server`: the HTTP surfaces an app mounts beside its client code. The chat handler is a Web-standard
// `(Request) => Promise<Response>` (Next.js route handlers, Hono, Express/Fastify through their adapters; plain
// node:http through toNodeHandler). It loads no @temporalio/worker.
export * from './chat/index.js';
// The operator console (`durable-agent console`), mountable the same way.
export { createConsoleHandler, startConsoleServer, CONSOLE_TOKEN_ENV, type ConsoleOptions, type ConsoleServer } from './console/server.js';
export type { ListeningServer } from './http/listen.js';
export { toNodeHandler, HttpError, type Authorize, type FetchHandler } from './http/index.js';
