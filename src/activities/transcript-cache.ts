// Model calls carry only the messages the worker has not seen (see ModelCallInput.transcript), refer to tool results
// their steps recorded instead of carrying them again, and carry their settings only on an execution's first call. The
// worker keeps each open execution's transcript, settings and the results its tool steps returned here; a worker that
// lacks one (restart, another worker) asks the workflow.
import { Context } from '@temporalio/activity';
import type { ContentBlockParam, MessageParam, ModelCallInput, ModelCallSettings, RecordedResult, SnapshotResult, ToolCallResult } from '../core/types.js';
import { recordedToolResults } from '../history/read-execution.js';
import { callSettingsQuery, snapshotResultsQuery, transcriptQuery } from '../workflows/definitions.js';
import { carriedSettings } from '../workflows/model-call-settings.js';
import { toolResultBlock } from '../workflows/conversation.js';
import { digestOfHeld, mapToolResults } from '../workflows/recorded-results.js';

export class TranscriptCache {
  private readonly entries = new Map<string, MessageParam[]>();
  /**
   * Tool results returned on this worker, by execution and activity id, and by execution and `#` tool_use id (each is
   * hashed once, digestOfHeld).
   */
  private readonly toolResults = new Map<string, ToolCallResult>();
  /** The model call settings of each execution, from its first call. */
  private readonly settings = new Map<string, ModelCallSettings>();

  constructor(private readonly capacity = 1000) {}

  /** Adds the model's answer to the transcript this call was given (the workflow will not send it back). */
  append(input: ModelCallInput, message: MessageParam): void {
    const key = this.keyOf();
    const entry = this.entries.get(key);
    // Only onto the transcript this very call resolved: anything else is left to the transcript query.
    if (entry && entry.length === lengthOf(input.transcript)) this.entries.set(key, [...entry, message]);
  }

  /** Keeps what a tool step returned (called by the tool activity): the next model call refers to it. */
  rememberToolResult(result: ToolCallResult, toolUseId: string): void {
    for (const key of [this.resultKey(), this.resultKey(`#${toolUseId}`)]) {
      this.toolResults.delete(key);
      this.toolResults.set(key, result);
    }
    evictOldest(this.toolResults, this.capacity * 20);
  }

  /**
   * The user message of the results of `assistant`'s tool calls, as the workflow put it together (conversation.ts
   * applyToolResults), from this worker's tool steps; undefined if one is missing or is not the one recorded.
   */
  private toolResultMessage(assistant: MessageParam | undefined, digests: string[]): MessageParam | undefined {
    if (assistant?.role !== 'assistant' || typeof assistant.content === 'string') return undefined;
    const uses = assistant.content.filter((block) => block.type === 'tool_use');
    if (uses.length !== digests.length) return undefined;
    const content: ContentBlockParam[] = [];
    for (const [i, use] of uses.entries()) {
      const result = this.toolResults.get(this.resultKey(`#${use.id}`));
      if (!result || digestOfHeld(result) !== digests[i]) return undefined;
      content.push(toolResultBlock(use.id, result));
    }
    return { role: 'user', content };
  }

  private keyOf(): string {
    const execution = Context.current().info.workflowExecution;
    if (!execution) throw new Error('callModel runs only as a workflow activity');
    return `${execution.workflowId}/${execution.runId}`;
  }

  private resultKey(activityId = Context.current().info.activityId): string {
    return `${this.keyOf()}/${activityId}`;
  }

  /** The call's messages with what it left out put back from this worker's tool steps; undefined if one is missing. */
  private fillIn(head: MessageParam[] | undefined, transcript: ModelCallInput['transcript']): MessageParam[] | undefined {
    let { messages } = transcript;
    if (transcript.toolResults) {
      const rebuilt = head && head.length >= transcript.base ? this.toolResultMessage(head[transcript.base - 1], transcript.toolResults) : undefined;
      if (!rebuilt) return undefined;
      messages = [rebuilt, ...messages];
    }
    return transcript.recordedResults ? this.fill(messages, transcript.recordedResults) : messages;
  }

  /** The messages with every referred tool result filled in from this worker's tool steps; undefined if one is missing. */
  private fill(messages: MessageParam[], recorded: Record<string, RecordedResult>): MessageParam[] | undefined {
    let missing = false;
    const filled = mapToolResults(messages, (block) => {
      const ref = recorded[block.tool_use_id];
      if (!ref) return block;
      const kept = this.toolResults.get(this.resultKey(ref.activityId));
      if (kept?.content === undefined || digestOfHeld(kept) !== ref.digest) {
        missing = true;
        return block;
      }
      const { content } = kept;
      // Content back where the transcript has it (after tool_use_id): the request is the very prompt the workflow's
      // transcript makes, byte for byte, so a later call that re-sends it (a continuation) reads the prompt cache.
      const { type, tool_use_id, ...rest } = block;
      return { type, tool_use_id, content, ...rest };
    });
    return missing ? undefined : filled;
  }

  /** The call's settings: those it carries (kept for the execution's later calls), else kept ones, else the workflow's. */
  async settingsOf(input: ModelCallInput): Promise<ModelCallSettings> {
    const key = this.keyOf();
    let settings = carriedSettings(input) ?? this.settings.get(key);
    if (!settings) {
      const { workflowId, runId } = Context.current().info.workflowExecution!;
      settings = await Context.current().client.workflow.getHandle(workflowId, runId).query(callSettingsQuery);
    }
    this.settings.delete(key);
    this.settings.set(key, settings);
    evictOldest(this.settings, this.capacity);
    return settings;
  }

  async resolve(input: ModelCallInput): Promise<MessageParam[]> {
    const ctx = Context.current();
    const execution = ctx.info.workflowExecution;
    if (!execution) throw new Error('callModel runs only as a workflow activity');
    const { workflowId, runId } = execution;
    const key = `${workflowId}/${runId}`;
    const ask = async (count: number): Promise<MessageParam[]> => {
      const messages = await ctx.client.workflow.getHandle(workflowId, runId).query(transcriptQuery, count);
      if (messages.length !== count) throw new Error(`workflow returned ${messages.length} messages, expected ${count}`);
      // What the workflow answers may refer to results instead of carrying them (a run that continued as new).
      return this.fillSnapshotResults(messages);
    };
    const { base, recordedResults, toolResults } = input.transcript;
    let { messages } = input.transcript;
    let head = base === 0 ? [] : this.entries.get(key);
    if (recordedResults || toolResults) {
      const end = lengthOf(input.transcript);
      // From this worker's tool steps; on a retry here, from the transcript the first attempt put together; else the workflow's.
      const filled = this.fillIn(head, input.transcript) ?? (head && head.length >= end ? head.slice(base, end) : undefined);
      if (filled) {
        messages = filled;
      } else {
        head = await ask(end);
        messages = head.slice(base);
      }
    }
    if (!head || head.length < base) head = await ask(base);
    // The kept head is filled already (so is what `ask` answered): only the new messages are looked at, so a call costs
    // what it adds, not the length of the run behind it.
    const full = [...head.slice(0, base), ...(await this.fillSnapshotResults(messages))];
    this.entries.delete(key);
    this.entries.set(key, full);
    evictOldest(this.entries, this.capacity);
    return full;
  }

  /**
   * The transcript with the tool results it refers to since the run continued as new (tool_result blocks without
   * content: ConversationSnapshot.results) filled in: from this worker's tool steps, else from the history of the
   * execution that recorded them.
   */
  private async fillSnapshotResults(messages: MessageParam[]): Promise<MessageParam[]> {
    if (!messages.some((m) => m.role === 'user' && typeof m.content !== 'string' && m.content.some((b) => b.type === 'tool_result' && !('content' in b)))) return messages;
    const { workflowId, runId } = Context.current().info.workflowExecution!;
    const results = await Context.current().client.workflow.getHandle(workflowId, runId).query(snapshotResultsQuery);
    const read = new Map<string, Promise<Map<string, ToolCallResult>>>();
    const fromHistory = (ref: SnapshotResult): Promise<ToolCallResult | undefined> => {
      let recorded = read.get(ref.execution);
      if (!recorded) read.set(ref.execution, (recorded = recordedToolResults(Context.current().client, workflowId, ref.execution)));
      return recorded.then((m) => m.get(ref.activityId));
    };
    const contents = new Map<string, unknown>();
    for (const [toolUseId, ref] of Object.entries(results)) {
      const key = `${workflowId}/${ref.execution}/${ref.activityId}`;
      const kept = this.toolResults.get(key);
      let result = kept && digestOfHeld(kept) === ref.digest ? kept : undefined;
      if (!result) {
        result = await fromHistory(ref);
        if (!result || digestOfHeld(result) !== ref.digest) throw new Error(`the result of ${ref.activityId} (execution ${ref.execution}) is not the one the run recorded`);
        // Kept for the next execution's first call, which refers to it again.
        this.toolResults.set(key, result);
      }
      contents.set(toolUseId, result.content);
    }
    evictOldest(this.toolResults, this.capacity * 20);
    return mapToolResults(messages, (block) => {
      if ('content' in block || !contents.has(block.tool_use_id)) return block;
      // Content where the transcript had it (after tool_use_id), as fill() puts it back.
      const { type, tool_use_id, ...rest } = block;
      return { type, tool_use_id, content: contents.get(block.tool_use_id) as string, ...rest };
    });
  }
}

/** The length of the transcript a call resolves to: a message of tool results left out counts. */
function lengthOf(transcript: ModelCallInput['transcript']): number {
  return transcript.base + transcript.messages.length + (transcript.toolResults ? 1 : 0);
}

function evictOldest(map: Map<string, unknown>, capacity: number): void {
  while (map.size > capacity) {
    const oldest = map.keys().next().value;
    if (oldest === undefined) return;
    map.delete(oldest);
  }
}
