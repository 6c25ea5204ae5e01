// A local Claude server for Anthropic's Messages API and Claude on Bedrock and Vertex: point @anthropic-ai/sdk's,
// @anthropic-ai/bedrock-sdk's or @anthropic-ai/vertex-sdk's `baseURL` at it (see FakeAnthropicServer).
export { FakeAnthropicServer } from './server.js';
export { scriptedByTask, scriptedResponder, textTurn, toolTurn, estimateTokens, ScriptExhaustedError } from './turns.js';
export { demoResponder } from './demo-responder.js';
export type { FakeAnthropicOptions, FakeApi, FakeFault, FakePromptCacheOptions, FakeResponder, FakeTurn, FakeUsage, RecordedRequest, TextTurn, ToolUseTurn } from './types.js';
export { FakePromptCache, minCacheableTokens } from './prompt-cache.js';
export { isBedrockClaudeModel, BEDROCK_ANTHROPIC_VERSION } from './bedrock.js';
export { isVertexClaudeModel, VERTEX_ANTHROPIC_VERSION } from './vertex.js';
export { CLAUDE_CONTEXT_WINDOW } from './context-window.js';
export type { FakeContextWindows } from '../fake-context-window.js';
