// A local Anthropic-Messages-compatible server: point @anthropic-ai/sdk's `baseURL` at `server.url`.
export { FakeAnthropicServer } from './server.js';
export { scriptedResponder, textTurn, toolTurn, estimateTokens, ScriptExhaustedError } from './turns.js';
export { demoResponder } from './demo-responder.js';
export type { FakeAnthropicOptions, FakeApi, FakeFault, FakePromptCacheOptions, FakeResponder, FakeTurn, FakeUsage, RecordedRequest, TextTurn, ToolUseTurn } from './types.js';
export { FakePromptCache, minCacheableTokens } from './prompt-cache.js';
