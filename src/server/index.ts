// `durable-agent/server`: the HTTP surfaces an app mounts beside its client code. The chat handler is a Web-standard
// `(Request) => Promise<Response>` (Next.js route handlers, Hono, Express/Fastify through their adapters; plain
// node:http through toNodeHandler). It loads no @temporalio/worker.
export * from './chat/index.js';
export { toNodeHandler, HttpError, type Authorize, type FetchHandler } from './http/index.js';
