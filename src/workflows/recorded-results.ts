// History near its content: a tool result is recorded once, as its tool step's result. The next model call refers to
// it by the step's activity id instead of carrying it again; the worker fills it back in from what its tool steps
// returned, or from the workflow's transcript (src/activities/transcript-cache.ts).
import type { ContentBlockParam, MessageParam, ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { ModelCallInput, RecordedResult } from '../core/types.js';

/**
 * FNV-1a (32 bits) of a tool result's content as JSON: lets the worker check that the result it kept is the one the
 * workflow recorded (an attempt whose completion never reached the server may have returned something else).
 */
export function digestOf(content: unknown): string {
  const text = JSON.stringify(content ?? '');
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${text.length}:${hash.toString(16)}`;
}

/**
 * Digests already computed, by what holds the content: a tool_result block (the workflow refers to a result at the next
 * model call and again when the run continues as new) or a tool's result the worker kept. Neither changes once made.
 */
const heldDigests = new WeakMap<object, string>();

/** The digest (digestOf) of the content a tool_result block or a tool's result holds, computed once per holder. */
export function digestOfHeld(holder: { readonly content?: unknown }): string {
  let digest = heldDigests.get(holder);
  if (digest === undefined) heldDigests.set(holder, (digest = digestOf(holder.content)));
  return digest;
}

/** The messages with each tool_result block (in user messages) replaced by what `replace` makes of it; others as they are. */
export function mapToolResults(messages: MessageParam[], replace: (block: ToolResultBlockParam) => ContentBlockParam): MessageParam[] {
  return messages.map((message) => {
    if (message.role !== 'user' || typeof message.content === 'string') return message;
    return { ...message, content: message.content.map((block) => (block.type === 'tool_result' ? replace(block) : block)) };
  });
}

/**
 * Lean commands: a transcript whose first message is the user message of tool results all referred to (see
 * referToRecordedResults) without that message, referred to by their digests in order (`toolResults`); undefined when
 * its first message is anything else (a temporal tool's result, a redirect's text after the results).
 */
export function leaveOutToolResults(transcript: ModelCallInput['transcript']): ModelCallInput['transcript'] | undefined {
  const [first, ...messages] = transcript.messages;
  const { recordedResults, base } = transcript;
  if (!recordedResults || first?.role !== 'user' || typeof first.content === 'string' || first.content.length === 0) return undefined;
  const left = { ...recordedResults };
  const toolResults: string[] = [];
  for (const block of first.content) {
    const ref = block.type === 'tool_result' ? left[block.tool_use_id] : undefined;
    if (!ref || block.type !== 'tool_result') return undefined;
    toolResults.push(ref.digest);
    delete left[block.tool_use_id];
  }
  return { base, messages, ...(Object.keys(left).length ? { recordedResults: left } : {}), toolResults };
}

/**
 * The transcript with the content of every tool_result block whose step ran in this execution (`activityIds`: tool_use
 * id → activity id) left out and referred to instead. Unchanged when there is none.
 */
export function referToRecordedResults(transcript: ModelCallInput['transcript'], activityIds: ReadonlyMap<string, string>): ModelCallInput['transcript'] {
  const recordedResults: Record<string, RecordedResult> = {};
  const messages = mapToolResults(transcript.messages, (block) => {
    const activityId = activityIds.get(block.tool_use_id);
    if (activityId === undefined) return block;
    recordedResults[block.tool_use_id] = { activityId, digest: digestOfHeld(block) };
    const { content: _content, ...rest } = block;
    return rest;
  });
  return Object.keys(recordedResults).length ? { ...transcript, messages, recordedResults } : transcript;
}
