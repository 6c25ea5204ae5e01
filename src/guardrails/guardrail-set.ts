// The worker's guardrails as the activities apply them: the ones a step's task picked (by name; all of them when it
// names none), run in order on each text of a stage. A rewrite feeds the next guardrail and is noted (GuardrailNote);
// a block ends the step with a non-retryable GuardrailBlockedError that the loop turns into a `guardrail` stop.
import { ApplicationFailure } from '@temporalio/common';
import { FailureTypes, type ContentBlockParam, type GuardrailBlock, type GuardrailNote, type MessageParam } from '../core/types.js';
import type { Guardrail, GuardrailContext, GuardrailStage } from './guardrail.js';

/** What a stage's check made of its texts. */
export interface Guarded<T> {
  value: T;
  notes: GuardrailNote[];
}

type Where = Omit<GuardrailContext, 'stage'>;

export class GuardrailSet {
  private readonly byName: Map<string, Guardrail>;

  constructor(private readonly all: readonly Guardrail[] = []) {
    this.byName = new Map();
    for (const guardrail of all) {
      if (this.byName.has(guardrail.name)) throw new TypeError(`Two guardrails are named ${guardrail.name}: give each its own name.`);
      this.byName.set(guardrail.name, guardrail);
    }
  }

  /** The guardrails a task picked by name (all of them when it names none); a name the worker lacks fails the step. */
  select(names: readonly string[] | undefined): GuardrailSet {
    if (names === undefined) return this;
    const missing = names.filter((name) => !this.byName.has(name));
    if (missing.length) {
      throw ApplicationFailure.create({
        type: FailureTypes.guardrailNotRegistered,
        message: `The task names guardrail${missing.length === 1 ? '' : 's'} ${missing.join(', ')}, which this worker has not registered (it has: ${[...this.byName.keys()].join(', ') || 'none'}).`,
        nonRetryable: true,
      });
    }
    return new GuardrailSet(names.map((name) => this.byName.get(name)!));
  }

  get empty(): boolean {
    return this.all.length === 0;
  }

  /** One text through every guardrail of `stage`, in order. */
  async text(text: string, stage: GuardrailStage, where: Where, notes: GuardrailNote[]): Promise<string> {
    let current = text;
    for (const guardrail of this.all) {
      if (!guardrail.stages.includes(stage)) continue;
      const verdict = await guardrail.check(current, { ...where, stage });
      if (verdict.action === 'block') throw blocked({ guardrail: guardrail.name, stage, reason: verdict.reason });
      if (verdict.action === 'rewrite' && verdict.text !== current) {
        current = verdict.text;
        notes.push({ guardrail: guardrail.name, stage, detail: verdict.detail });
      }
    }
    return current;
  }

  /** What leaves for the model: the system prompt and the text of user messages (tool results included). */
  async modelInput(system: string | undefined, messages: MessageParam[], where: Where): Promise<Guarded<{ system: string | undefined; messages: MessageParam[] }>> {
    const notes: GuardrailNote[] = [];
    if (!this.has('modelInput')) return { value: { system, messages }, notes };
    const out: MessageParam[] = [];
    for (const message of messages) {
      if (message.role !== 'user') {
        out.push(message);
        continue;
      }
      const content = typeof message.content === 'string' ? await this.text(message.content, 'modelInput', where, notes) : await this.blocks(message.content, where, notes);
      out.push({ ...message, content });
    }
    const guardedSystem = system === undefined ? undefined : await this.text(system, 'modelInput', where, notes);
    return { value: { system: guardedSystem, messages: out }, notes: merged(notes) };
  }

  /** The model's answer: its text blocks (tool calls are checked as tool input when they run). */
  async modelOutput(content: ContentBlockParam[], where: Where): Promise<Guarded<ContentBlockParam[]>> {
    const notes: GuardrailNote[] = [];
    if (!this.has('modelOutput')) return { value: content, notes };
    const out: ContentBlockParam[] = [];
    for (const block of content) out.push(block.type === 'text' ? { ...block, text: await this.text(block.text, 'modelOutput', where, notes) } : block);
    return { value: out, notes: merged(notes) };
  }

  /** A tool call's input, as JSON: a rewrite must stay JSON. */
  async toolInput(input: unknown, where: Where): Promise<Guarded<unknown>> {
    const notes: GuardrailNote[] = [];
    if (!this.has('toolInput')) return { value: input, notes };
    const json = JSON.stringify(input) ?? 'null';
    const checked = await this.text(json, 'toolInput', where, notes);
    if (checked === json) return { value: input, notes };
    try {
      return { value: JSON.parse(checked) as unknown, notes };
    } catch {
      throw blocked({ guardrail: notes.at(-1)?.guardrail ?? 'unknown', stage: 'toolInput', reason: 'its rewrite of the tool input is not JSON' });
    }
  }

  /** A tool's result text, as the model will read it and the step records it. */
  async toolOutput(content: string, where: Where): Promise<Guarded<string>> {
    const notes: GuardrailNote[] = [];
    if (!this.has('toolOutput')) return { value: content, notes };
    return { value: await this.text(content, 'toolOutput', where, notes), notes: merged(notes) };
  }

  private has(stage: GuardrailStage): boolean {
    return this.all.some((g) => g.stages.includes(stage));
  }

  /** The text blocks and tool results of a user message. */
  private async blocks(content: ContentBlockParam[], where: Where, notes: GuardrailNote[]): Promise<ContentBlockParam[]> {
    const out: ContentBlockParam[] = [];
    for (const block of content) {
      if (block.type === 'text') {
        out.push({ ...block, text: await this.text(block.text, 'modelInput', where, notes) });
      } else if (block.type === 'tool_result' && typeof block.content === 'string') {
        out.push({ ...block, content: await this.text(block.content, 'modelInput', where, notes) });
      } else if (block.type === 'tool_result' && Array.isArray(block.content)) {
        const inner = [];
        for (const part of block.content) inner.push(part.type === 'text' ? { ...part, text: await this.text(part.text, 'modelInput', where, notes) } : part);
        out.push({ ...block, content: inner });
      } else {
        out.push(block);
      }
    }
    return out;
  }
}

/** The notes of one stage, one per guardrail and detail (a transcript redacted in several places says it once each). */
function merged(notes: GuardrailNote[]): GuardrailNote[] {
  const seen = new Set<string>();
  return notes.filter((n) => {
    const key = `${n.guardrail}\u0000${n.stage}\u0000${n.detail}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** What a block throws: non-retryable (the same text would be blocked again), the block as its details. */
export function blocked(block: GuardrailBlock): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureTypes.guardrailBlocked,
    message: `guardrail ${block.guardrail} blocked the ${block.stage}: ${block.reason}`,
    nonRetryable: true,
    details: [block],
  });
}
