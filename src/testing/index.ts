// `durable-agent/testing`: what users' own tests need to run agents offline against a real Temporal test server.
export * from './fake-anthropic/index.js';
export * from './fake-openai/index.js';
export type { FakeModelServer, FakeRequestRecord } from './fake-http.js';
export { demoTurn, type DemoConversation } from './fake-demo.js';
