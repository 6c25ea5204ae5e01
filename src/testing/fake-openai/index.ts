// A local OpenAI-compatible Chat Completions server: point @ai-sdk/openai's or @ai-sdk/openai-compatible's `baseURL`
// at `${server.url}/v1`. Script it with the provider-neutral turns (textTurn, toolTurn, scriptedResponder).
export { FakeOpenAIServer } from './server.js';
export { openAIDemoResponder } from './demo-responder.js';
export { DEFAULT_OPENAI_MODELS } from './models.js';
export { requestProblem as openAIRequestProblem, type OpenAIRefusal } from './request-rules.js';
export type { OpenAIErrorBody } from './wire.js';
export type {
  ChatCompletionRequest,
  ChatContentPart,
  ChatMessage,
  ChatResponseFormat,
  ChatTool,
  ChatToolCall,
  FakeOpenAIOptions,
  FakeOpenAIResponder,
  OpenAIRecordedRequest,
} from './types.js';
