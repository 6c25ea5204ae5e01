// Prompt caching: marks the stable prefix of a Messages request with Anthropic's `cache_control` breakpoints, so each
// turn of the loop (and the first call of a continuation, which re-sends the whole conversation) reads what earlier
// calls wrote instead of paying full input price for it. The API's rules: at most 4 breakpoints; the prefix is
// tools → system → messages; a breakpoint caches everything up to and including its block.
import type { MessageParam, TextBlockParam, Tool as AnthropicTool } from '@anthropic-ai/sdk/resources/messages';

export const MAX_CACHE_BREAKPOINTS = 4;
const EPHEMERAL = { type: 'ephemeral' } as const;
/** Blocks that can carry cache_control (thinking blocks cannot; they are cached as part of the prefix anyway). */
const CACHEABLE = new Set(['text', 'image', 'document', 'tool_use', 'tool_result', 'search_result']);

export interface CacheablePrompt {
  tools: AnthropicTool[];
  system?: string;
  messages: MessageParam[];
}

export interface CachedPrompt {
  tools: AnthropicTool[];
  system?: TextBlockParam[];
  messages: MessageParam[];
}

/**
 * The message with its last cacheable block marked, or undefined when it has none. A plain-text message (the task's
 * description, a repair request) is left as it is: the request keeps the transcript's shape. Never mutates its argument.
 */
function markMessage(message: MessageParam | undefined): MessageParam | undefined {
  if (!message || typeof message.content === 'string') return undefined;
  const blocks = [...message.content];
  for (let i = blocks.length - 1; i >= 0; i--) {
    const block = blocks[i]!;
    if (!CACHEABLE.has(block.type) || (block.type === 'text' && !block.text)) continue;
    blocks[i] = { ...block, cache_control: EPHEMERAL } as (typeof blocks)[number];
    return { ...message, content: blocks } as MessageParam;
  }
  return undefined;
}

/**
 * Four breakpoints: the last tool (the tool definitions), the system prompt, the last message (this call's whole
 * prompt: the next call reads it) and the message the previous call ended with (two messages back: what this call
 * reads, whatever the lookback window the API searches before a breakpoint). Where such a message is plain text, the
 * one before it is marked instead.
 */
export function withCacheBreakpoints(prompt: CacheablePrompt): CachedPrompt {
  const tools = prompt.tools.map((tool, i) => (i === prompt.tools.length - 1 ? { ...tool, cache_control: EPHEMERAL } : tool));
  const messages = [...prompt.messages];
  for (const last of [messages.length - 1, messages.length - 3]) {
    for (const index of [last, last - 1]) {
      const marked = index >= 0 ? markMessage(messages[index]) : undefined;
      if (!marked) continue;
      messages[index] = marked;
      break;
    }
  }
  return {
    tools,
    ...(prompt.system ? { system: [{ type: 'text', text: prompt.system, cache_control: EPHEMERAL }] } : {}),
    messages,
  };
}
