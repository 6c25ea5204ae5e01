// One streamed call of Anthropic's Messages API, through any of Anthropic's SDK clients: the API itself
// (@anthropic-ai/sdk), Claude on Bedrock (@anthropic-ai/bedrock-sdk) or on Vertex (@anthropic-ai/vertex-sdk). The same
// API everywhere, so prompt caching, structured output and partial usage on a cut hold on all three.
import type Anthropic from '@anthropic-ai/sdk';
import type { Tool as AnthropicTool } from '@anthropic-ai/sdk/resources/messages';
import { ANTHROPIC_PROVIDER } from '../core/model-id.js';
import type { ContentBlockParam } from '../core/types.js';
import { withCacheBreakpoints } from '../activities/prompt-cache.js';
import { outputFormat } from '../activities/output-check.js';
import type { MessagesClient } from './providers.js';
import type { ModelAnswer, ModelCallRequest, ModelCallSink } from './model-call-request.js';

/** The usage a stream event reports, prompt-cache tokens apart (present when nonzero). */
function usageOf(usage: { input_tokens: number; output_tokens: number; cache_read_input_tokens?: number | null; cache_creation_input_tokens?: number | null }) {
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    ...(usage.cache_read_input_tokens ? { cacheReadInputTokens: usage.cache_read_input_tokens } : {}),
    ...(usage.cache_creation_input_tokens ? { cacheCreationInputTokens: usage.cache_creation_input_tokens } : {}),
  };
}

/** Keeps the fields the API accepts back in a later request; drops response-only decoration. */
function toParam(block: Anthropic.Messages.ContentBlock): ContentBlockParam {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'tool_use':
      return { type: 'tool_use', id: block.id, name: block.name, input: block.input };
    case 'thinking':
      return { type: 'thinking', thinking: block.thinking, signature: block.signature };
    default:
      return block as ContentBlockParam;
  }
}

export interface MessagesCallOptions {
  /** Mark the stable prefix of each request for the prompt cache (src/activities/prompt-cache.ts). */
  promptCaching: boolean;
}

/** `provider` is the name the run's model id gave (`anthropic`, `bedrock`, `vertex`, or another the worker registered). */
export async function streamMessages(provider: string, client: MessagesClient, request: ModelCallRequest, sink: ModelCallSink, options: MessagesCallOptions): Promise<ModelAnswer> {
  const { settings } = request;
  const { progress } = sink;
  const tools: AnthropicTool[] = request.tools.map((tool) => ({ name: tool.name, description: tool.description, input_schema: tool.inputSchema as AnthropicTool['input_schema'] }));
  const { system, output } = settings;
  const prompt = options.promptCaching
    ? withCacheBreakpoints({ tools, messages: request.messages, ...(system !== undefined ? { system } : {}) })
    : { tools, messages: request.messages, system };
  const stream = client.messages.stream(
    {
      model: request.model,
      max_tokens: settings.maxTokens,
      messages: prompt.messages,
      ...(prompt.system !== undefined ? { system: prompt.system } : {}),
      ...(prompt.tools.length ? { tools: prompt.tools } : {}),
      ...(output ? { output_config: { format: outputFormat(output.schema) } } : {}),
    },
    { signal: request.signal },
  );
  for await (const event of stream) {
    progress.events++;
    if (event.type === 'message_start') {
      progress.usage = usageOf(event.message.usage);
    } else if (event.type === 'message_delta') {
      progress.usage = { ...progress.usage, outputTokens: event.usage.output_tokens };
    } else if (event.type === 'content_block_delta') {
      const { delta } = event;
      if (delta.type === 'text_delta') progress.partialText += delta.text;
      sink.output(delta.type === 'text_delta' ? delta.text.length : delta.type === 'input_json_delta' ? delta.partial_json.length : delta.type === 'thinking_delta' ? delta.thinking.length : 0);
    }
    sink.touch();
    // The heartbeat timer sends `progress` as it stands; heartbeating per event would only queue more RPCs.
  }
  const message = await stream.finalMessage();
  const { cache_read_input_tokens: cacheRead, cache_creation_input_tokens: cacheCreation } = message.usage;
  return {
    content: message.content.map(toParam),
    stopReason: message.stop_reason,
    usage: usageOf(message.usage),
    // Anthropic's own ids are recorded bare, as they always were; Claude elsewhere keeps the provider's name.
    model: provider === ANTHROPIC_PROVIDER ? message.model : `${provider}/${message.model || request.model}`,
    cacheReported: typeof cacheRead === 'number' || typeof cacheCreation === 'number',
  };
}
