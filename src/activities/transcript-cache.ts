// Model calls carry only the messages the worker has not seen (see ModelCallInput.transcript). The worker keeps
// each open execution's transcript here; a worker that lacks it (restart, another worker) asks the workflow.
import { Context } from '@temporalio/activity';
import { transcriptQuery } from '../workflows/definitions.js';
import type { MessageParam, ModelCallInput } from '../types.js';

export class TranscriptCache {
  private readonly entries = new Map<string, MessageParam[]>();

  constructor(private readonly capacity = 1000) {}

  /** Adds the model's answer to the transcript this call was given (the workflow will not send it back). */
  append(input: ModelCallInput, message: MessageParam): void {
    const key = this.keyOf();
    const entry = this.entries.get(key);
    // Only onto the transcript this very call resolved: anything else is left to the transcript query.
    if (entry && entry.length === input.transcript.base + input.transcript.messages.length) this.entries.set(key, [...entry, message]);
  }

  private keyOf(): string {
    const execution = Context.current().info.workflowExecution;
    if (!execution) throw new Error('callModel runs only as a workflow activity');
    return `${execution.workflowId}/${execution.runId}`;
  }

  async resolve(input: ModelCallInput): Promise<MessageParam[]> {
    const ctx = Context.current();
    const execution = ctx.info.workflowExecution;
    if (!execution) throw new Error('callModel runs only as a workflow activity');
    const { workflowId, runId } = execution;
    const key = `${workflowId}/${runId}`;
    const { base, messages } = input.transcript;
    let head = this.entries.get(key);
    if (base === 0) head = [];
    else if (!head || head.length < base) {
      head = await ctx.client.workflow.getHandle(workflowId, runId).query(transcriptQuery, base);
      if (head.length !== base) throw new Error(`workflow returned ${head.length} messages, expected ${base}`);
    }
    const full = [...head.slice(0, base), ...messages];
    this.entries.delete(key);
    this.entries.set(key, full);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return full;
  }
}
