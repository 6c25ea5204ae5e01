// A run's transcript (Anthropic Messages shape, the form history records) → an AI SDK prompt, and an AI SDK answer →
// content blocks of that shape. Every provider is spoken to through this one translation, so a run cut on one provider
// continues on another: tool calls keep their ids, each tool result stays paired with its call.
import type { LanguageModelV4FunctionTool, LanguageModelV4Message, LanguageModelV4Prompt, LanguageModelV4ToolResultOutput } from '@ai-sdk/provider';
import { ApplicationFailure } from '@temporalio/common';
import { FailureTypes, type ContentBlockParam, type MessageParam } from '../core/types.js';

/** A tool as the model is told about it. */
export interface ModelTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

type Block = Exclude<MessageParam['content'], string>[number];
type ToolResultBlock = Extract<Block, { type: 'tool_result' }>;
type AssistantPart = Extract<LanguageModelV4Message, { role: 'assistant' }>['content'][number];
type UserPart = Extract<LanguageModelV4Message, { role: 'user' }>['content'][number];

function unsupported(block: { type: string }, role: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureTypes.providerBadRequest,
    nonRetryable: true,
    message: `A ${role} message holds a "${block.type}" block, which durable-agent does not translate for this provider; run it on an anthropic/ model.`,
  });
}

function resultText(block: ToolResultBlock): string {
  const { content } = block;
  if (content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : `[${part.type}]`)).join('\n');
}

function resultOutput(block: ToolResultBlock): LanguageModelV4ToolResultOutput {
  return { type: block.is_error ? 'error-text' : 'text', value: resultText(block) };
}

function userPart(block: Block): UserPart {
  if (block.type === 'text') return { type: 'text', text: block.text };
  if (block.type === 'image' && block.source.type === 'base64') return { type: 'file', mediaType: block.source.media_type, data: { type: 'data', data: block.source.data } };
  if (block.type === 'image' && block.source.type === 'url') return { type: 'file', mediaType: 'image/*', data: { type: 'url', url: new URL(block.source.url) } };
  throw unsupported(block, 'user');
}

function assistantPart(block: Block): AssistantPart | undefined {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'tool_use':
      return { type: 'tool-call', toolCallId: block.id, toolName: block.name, input: block.input };
    case 'thinking':
      return { type: 'reasoning', text: block.thinking };
    case 'redacted_thinking':
      // Anthropic's encrypted reasoning means nothing to another provider.
      return undefined;
    default:
      throw unsupported(block, 'assistant');
  }
}

/** The AI SDK prompt for a system prompt and a transcript. */
export function languageModelPrompt(system: string | undefined, messages: readonly MessageParam[]): LanguageModelV4Prompt {
  const prompt: LanguageModelV4Prompt = system ? [{ role: 'system', content: system }] : [];
  const toolNames = new Map<string, string>();
  for (const message of messages) {
    const blocks: Block[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    if (message.role === 'assistant') {
      const content = blocks.flatMap((block) => assistantPart(block) ?? []);
      for (const block of blocks) if (block.type === 'tool_use') toolNames.set(block.id, block.name);
      prompt.push({ role: 'assistant', content });
      continue;
    }
    // A user message may answer tool calls and add words: the answers go first, in a tool message, as the calls
    // they answer come right before them.
    const results = blocks.filter((block): block is ToolResultBlock => block.type === 'tool_result');
    if (results.length) {
      prompt.push({
        role: 'tool',
        content: results.map((block) => ({
          type: 'tool-result',
          toolCallId: block.tool_use_id,
          toolName: toolNames.get(block.tool_use_id) ?? 'unknown_tool',
          output: resultOutput(block),
        })),
      });
    }
    const rest = blocks.filter((block) => block.type !== 'tool_result');
    if (rest.length) prompt.push({ role: 'user', content: rest.map(userPart) });
  }
  return prompt;
}

export function languageModelTools(tools: readonly ModelTool[]): LanguageModelV4FunctionTool[] {
  return tools.map((tool) => ({ type: 'function', name: tool.name, description: tool.description, inputSchema: tool.inputSchema }));
}

/** A tool call's JSON input as the transcript keeps it: an object (what Anthropic's API accepts back). */
export function toolInputOf(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json || '{}');
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // The model wrote input that is not JSON: the tool's schema check answers it with an error result.
  }
  return { invalid_json_input: json };
}

/** How the loop reads an AI SDK finish reason: in Anthropic's words, which history has always recorded. */
export function stopReasonOf(unified: string, raw: string | undefined): string | null {
  switch (unified) {
    case 'stop':
      return 'end_turn';
    case 'tool-calls':
      return 'tool_use';
    case 'length':
      return 'max_tokens';
    case 'content-filter':
      return 'refusal';
    default:
      return raw ?? unified;
  }
}

/** The answer's blocks: its text, then its tool calls in the order the model made them. */
export function answerBlocks(text: string, calls: ReadonlyArray<{ toolCallId: string; toolName: string; input: string }>): ContentBlockParam[] {
  return [
    ...(text ? [{ type: 'text' as const, text }] : []),
    ...calls.map((call) => ({ type: 'tool_use' as const, id: call.toolCallId, name: call.toolName, input: toolInputOf(call.input) })),
  ];
}
