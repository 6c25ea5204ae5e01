// The Messages API's rules for a request, as the real API enforces them (400 invalid_request_error, 401 without a
// key), so that no test can pass with a request the real API would refuse. Returns the first broken rule, worded as
// the API words it, or undefined for a valid request.
//
// One rule is stricter than the API, on purpose: roles must alternate user/assistant, starting with user (the API
// merges consecutive same-role turns instead of refusing them; an agent loop that produces them has lost track).
import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages';
import { cacheControlProblem } from './prompt-cache.js';
import { outputConfigProblem } from './output-format-rules.js';

interface Block {
  type?: unknown;
  id?: unknown;
  tool_use_id?: unknown;
  text?: unknown;
  name?: unknown;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function blocksOf(content: unknown): Block[] | undefined {
  if (typeof content === 'string') return undefined;
  return Array.isArray(content) ? (content as Block[]) : undefined;
}

function isEmpty(content: unknown): boolean {
  if (typeof content === 'string') return content.length === 0;
  return !Array.isArray(content) || content.length === 0;
}

/** Why the real API would refuse this request: 401 without a key, 400 for a request that breaks a rule. */
export function requestProblem(body: Partial<MessageCreateParams> | null, headers: Record<string, string>): { status: 400 | 401; message: string } | undefined {
  if (!headers['x-api-key'] && !headers.authorization) return { status: 401, message: 'x-api-key header is required' };
  const message = headers['anthropic-version'] ? messagesProblem(body) : 'anthropic-version: header is required';
  return message === undefined ? undefined : { status: 400, message };
}

/**
 * Why the Messages API would refuse this body (400 invalid_request_error), or undefined. Claude on Bedrock and Vertex
 * applies the same rules to the Messages body it carries (model and stream taken from the path).
 */
export function messagesProblem(body: Partial<MessageCreateParams> | null): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'request body must be a JSON object';
  if (typeof body.model !== 'string' || !body.model) return 'model: Field required';
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens ?? 0) < 1) return 'max_tokens: Field required (a positive integer)';
  if (body.system !== undefined && typeof body.system !== 'string' && !Array.isArray(body.system)) return 'system: Input should be a valid string or list of text blocks';
  const tools = body.tools ?? [];
  if (!Array.isArray(tools)) return 'tools: Input should be a valid list';
  const toolNames = new Set<string>();
  for (const [i, tool] of tools.entries()) {
    const name = (tool as { name?: unknown }).name;
    if (typeof name !== 'string' || !TOOL_NAME.test(name)) return `tools.${i}.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`;
    if (toolNames.has(name)) return 'tools: Tool names must be unique.';
    toolNames.add(name);
    const schema = (tool as { input_schema?: { type?: unknown } }).input_schema;
    if (schema !== undefined && schema.type !== 'object') return `tools.${i}.custom.input_schema.type: Input should be 'object'`;
  }
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return 'messages: at least one message is required';
  const extension = outputConfigProblem(body) ?? cacheControlProblem(body);
  if (extension) return extension;
  for (const [i, message] of messages.entries()) {
    const role = (message as { role?: unknown }).role;
    if (role !== 'user' && role !== 'assistant') return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    const expected = i % 2 === 0 ? 'user' : 'assistant';
    if (role !== expected) return `messages.${i}: roles must alternate between "user" and "assistant", starting with "user" (got "${role}")`;
    const last = i === messages.length - 1;
    if (isEmpty(message.content) && !(last && role === 'assistant')) {
      return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    }
    for (const [j, block] of (blocksOf(message.content) ?? []).entries()) {
      if (block.type === 'text' && (typeof block.text !== 'string' || block.text.length === 0)) return `messages.${i}.content.${j}.text: text content blocks must be non-empty`;
      if (block.type === 'tool_use' && role !== 'assistant') return `messages.${i}.content.${j}: tool_use blocks can only be in assistant messages`;
      if (block.type === 'tool_result' && role !== 'user') return `messages.${i}.content.${j}: tool_result blocks can only be in user messages`;
    }
  }
  // Every tool_use is answered in the very next message, and a tool_result answers a tool_use of the message before.
  // A tool_use id is used once in the whole conversation, and answered once.
  const seenUses = new Set<unknown>();
  for (const [i, message] of messages.entries()) {
    const blocks = blocksOf(message.content) ?? [];
    const results = blocks.filter((b) => b.type === 'tool_result');
    if (message.role === 'user' && results.length) {
      const previous = i > 0 ? (blocksOf(messages[i - 1]?.content) ?? []) : [];
      const asked = new Set(previous.filter((b) => b.type === 'tool_use').map((b) => b.id));
      if (asked.size === 0) return `messages.${i}.content.0: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(results[0]?.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      const answered = new Set<unknown>();
      for (const result of results) {
        if (answered.has(result.tool_use_id)) return `messages.${i}: each tool_use must have a single result. Found multiple \`tool_result\` blocks with id: ${String(result.tool_use_id)}`;
        answered.add(result.tool_use_id);
        if (!asked.has(result.tool_use_id)) return `messages.${i}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(result.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
      const firstOther = blocks.findIndex((b) => b.type !== 'tool_result');
      if (firstOther !== -1 && blocks.slice(firstOther).some((b) => b.type === 'tool_result')) return `messages.${i}: tool_result blocks must come first in the content, before any other block`;
    }
    if (message.role === 'assistant') {
      const uses = blocks.filter((b) => b.type === 'tool_use');
      const ids = new Set<unknown>();
      for (const use of uses) {
        if (ids.has(use.id) || seenUses.has(use.id)) return `messages.${i}: \`tool_use\` ids must be unique: ${String(use.id)}`;
        ids.add(use.id);
        seenUses.add(use.id);
      }
      if (!uses.length) continue;
      const next = messages[i + 1];
      if (!next) continue; // a final assistant message with tool_use is the API's own prefill rule: allowed
      const answered = new Set((blocksOf(next.content) ?? []).filter((b) => b.type === 'tool_result').map((b) => b.tool_use_id));
      const missing = uses.filter((u) => !answered.has(u.id)).map((u) => String(u.id));
      if (missing.length) return `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    }
  }
  return undefined;
}
