// `durable-agent/testing`: what users' own tests need to run agents offline against a real Temporal test server.
export * from './fake-anthropic/index.js';
