// Context management: what a run sends the model stays under a token budget (Task `context`). The loop decides, before
// each model step, how to shrink the request (ContextWindow.plan); the worker applies that decision to the transcript
// it resolved (compactedTranscript). Both are pure functions of the transcript, the run's input and the usage earlier
// calls recorded, so the request is rebuilt from history byte for byte: a replay, a continuation or a fork sends what
// the first execution sent. Bundle-safe: no I/O.
import type { ContentBlockParam, ContextCompaction, ContextSpec, ContextStrategy, ContextWindowState, MessageParam, ModelCallResult, SnapshotResult, StepContext, Usage } from '../core/types.js';

/** Characters a token, the estimator's ratio before the first reported usage calibrates it. */
export const CHARS_PER_TOKEN = 4;
/** Share of the room the model's window leaves after `maxTokens` that the default budget takes. */
export const DEFAULT_BUDGET_SHARE = 0.8;
/** Turns kept as they are (tool results whole, or after a summary) by default. */
export const DEFAULT_KEEP_RECENT = 2;
/** The window of a model none of KNOWN_WINDOWS matches. */
export const DEFAULT_CONTEXT_WINDOW = 128_000;

/** Context windows of known model families, by a pattern of the run's model id (first match wins). */
const KNOWN_WINDOWS: readonly (readonly [RegExp, number])[] = [
  [/claude/, 200_000],
  [/gpt-5/, 400_000],
  [/gpt-4\.1/, 1_047_576],
  [/gpt-4o/, 128_000],
  [/(^|\/)o\d(-|$)/, 200_000],
  [/gemini/, 1_048_576],
];

/** The instruction a summarisation step adds after the turns it summarises. */
export const SUMMARIZE_INSTRUCTION =
  'Summarise the conversation above so that the work can go on from your summary alone: what was asked, what was done, ' +
  'every result and fact still needed, and what is left to do. Answer with the summary only; do not call tools.';

/** The model's context window in tokens, from the table of known families. */
export function contextWindowOf(model: string): number {
  return KNOWN_WINDOWS.find(([pattern]) => pattern.test(model))?.[1] ?? DEFAULT_CONTEXT_WINDOW;
}

/** The budget of each request: the task's, else a safe share of what the model's window leaves after `maxTokens`. */
export function budgetOf(spec: ContextSpec | undefined, model: string, maxTokens: number): number {
  if (spec?.budgetTokens !== undefined) return spec.budgetTokens;
  return Math.floor(Math.max(0, contextWindowOf(model) - maxTokens) * DEFAULT_BUDGET_SHARE);
}

/** The placeholder a cleared tool result is sent as. */
export function clearedPlaceholder(chars: number, toolName: string): string {
  return `[tool result cleared to fit the context window: ${chars} characters of ${toolName} output]`;
}

function charsOf(content: unknown): number {
  return typeof content === 'string' ? content.length : JSON.stringify(content ?? '').length;
}

/** A message whose tool_result blocks clearing replaces (a user message with at least one). */
function isClearable(message: MessageParam): boolean {
  return message.role === 'user' && typeof message.content !== 'string' && message.content.some((block) => block.type === 'tool_result');
}

/** The name of the tool the latest tool_use block with this id before message `index` called. */
function toolNameBefore(messages: readonly MessageParam[], index: number, toolUseId: string): string | undefined {
  for (let i = index - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.role !== 'assistant' || typeof message.content === 'string') continue;
    for (let b = message.content.length - 1; b >= 0; b--) {
      const block = message.content[b]!;
      if (block.type === 'tool_use' && block.id === toolUseId) return block.name;
    }
  }
  return undefined;
}

/** Message `index` with the content of each of its tool_result blocks replaced by its placeholder (others as they are). */
function clearedAt(messages: readonly MessageParam[], index: number): MessageParam {
  const message = messages[index]!;
  if (!isClearable(message) || typeof message.content === 'string') return message;
  const content = message.content.map((block): ContentBlockParam => {
    if (block.type !== 'tool_result') return block;
    const placeholder = clearedPlaceholder(charsOf(block.content), toolNameBefore(messages, index, block.tool_use_id) ?? 'the tool');
    return { type: 'tool_result', tool_use_id: block.tool_use_id, content: placeholder, ...(block.is_error !== undefined ? { is_error: block.is_error } : {}) };
  });
  return { role: 'user', content };
}

/** The user message with `text` added after its blocks (tool results first, as the API wants them). */
function withText(message: MessageParam, text: string): MessageParam {
  const blocks: ContentBlockParam[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : [...message.content];
  return { role: 'user', content: [...blocks, { type: 'text', text }] };
}

/**
 * What a model call sends, given the whole transcript and the loop's decision: older tool results cleared, the turns a
 * summary covers replaced by it, and on a summarisation step the turns it summarises followed by the instruction.
 */
export function compactedTranscript(messages: MessageParam[], context: ContextCompaction | undefined): MessageParam[] {
  if (!context) return messages;
  // Only the messages sent are looked at: a long run's request costs what it sends, not what the run has behind it.
  const from = context.summary?.through ?? 0;
  const end = context.summarize?.through ?? messages.length;
  const before = context.cleared?.before ?? 0;
  const kept: MessageParam[] = [];
  for (let i = from; i < end && i < messages.length; i++) kept.push(i < before ? clearedAt(messages, i) : messages[i]!);
  const sent: MessageParam[] = context.summary ? [{ role: 'user', content: context.summary.text }, ...kept] : kept;
  if (!context.summarize) return sent;
  const last = sent[sent.length - 1];
  if (last?.role !== 'user') throw new Error('a summarisation step must summarise turns that end with a user message');
  return [...sent.slice(0, -1), withText(last, SUMMARIZE_INSTRUCTION)];
}

/**
 * Share of the budget a request is brought down to when older turns have to be left out: the line then moves again only
 * after the request has grown by the rest, not at every turn.
 */
export const DROP_TARGET_SHARE = 0.5;

/** The user message sent instead of the turns clear-tool-results leaves out: the task, and what is missing. */
export function droppedText(task: string, messages: number): string {
  return `The ${messages} earliest messages of this conversation were left out to fit the context window.\n\nThe task:\n${task}`;
}

/** The user message a summary is sent as: the task, then the summary. */
export function summaryText(task: string, summary: string): string {
  return `The earlier turns of this conversation were summarised to fit the context window.\n\nThe task:\n${task}\n\nSummary of the work so far:\n${summary}`;
}

/** Input tokens a call's usage reports, prompt-cache reads and writes included. */
function inputTokensOf(usage: Usage): number {
  return usage.inputTokens + (usage.cacheReadInputTokens ?? 0) + (usage.cacheCreationInputTokens ?? 0);
}

/** What the next model step sends, and the summarisation step to run before it, if one is due. */
export interface ContextPlan {
  /** The compaction the call carries; undefined while the run has never had to compact. */
  compaction?: ContextCompaction;
  /**
   * Run a summarisation step of the messages before `through` first (strategy `summarize`; `compaction` is that step's),
   * then plan again.
   */
  summarize?: { through: number };
}

/**
 * The loop's context state for one execution: what it has cleared or summarised so far and the estimator's
 * calibration. Driven in step order by the loop, for seeded steps too, so every execution reaches the same state.
 *
 * The estimate is the request's characters (messages and system prompt as JSON) over four, plus what the last model
 * call's reported usage showed the estimate to miss (tool definitions, a tokenizer denser than four characters).
 */
export class ContextWindow {
  readonly budgetTokens: number;
  readonly strategy: ContextStrategy;
  private readonly keepRecent: number;
  private cleared: { before: number; results: number } | undefined;
  private summary: { through: number; text: string; dropped?: boolean } | undefined;
  /** Tokens the character estimate missed in the last call the API reported usage for. */
  private overhead = 0;
  /** The character estimate of the last call planned (the call `calibrate` reads the usage of). */
  private lastCharsEstimate: number | undefined;
  /** Characters of each tool result the transcript refers to (a run that continued as new), by tool_use id. */
  private readonly referred = new Map<string, number>();
  /**
   * What each message adds to the estimate (its JSON, the referred results it sends), as it is and once cleared: a
   * message never changes once in the transcript (a changed last message is a new object), so each is measured once and
   * a request's estimate costs a sum over the messages it sends.
   */
  private sizes = new WeakMap<MessageParam, number>();
  private clearedSizes = new WeakMap<MessageParam, number>();

  constructor(
    spec: ContextSpec | undefined,
    model: string,
    maxTokens: number,
    private readonly system: string | undefined,
    private readonly task: string,
  ) {
    this.budgetTokens = budgetOf(spec, model, maxTokens);
    this.strategy = spec?.strategy ?? 'clear-tool-results';
    this.keepRecent = Math.max(1, spec?.keepRecent ?? DEFAULT_KEEP_RECENT);
  }

  /** The compaction in effect (cleared results, summary), with the estimate of the request it makes. */
  private current(messages: MessageParam[]): ContextCompaction {
    const base = { estimatedTokens: 0, budgetTokens: this.budgetTokens, ...(this.cleared ? { cleared: this.cleared } : {}), ...(this.summary ? { summary: this.summary } : {}) };
    return { ...base, estimatedTokens: this.tokensOf(this.sentChars(messages, base)) + this.overhead };
  }

  private charsEstimate(sent: MessageParam[]): number {
    return this.tokensOf(JSON.stringify(sent).length + this.referredChars(sent));
  }

  /** The estimate's tokens (before the overhead) of a request whose messages are `chars` characters, referred results included. */
  private tokensOf(chars: number): number {
    return Math.ceil((chars + (this.system?.length ?? 0)) / CHARS_PER_TOKEN);
  }

  /**
   * The characters of what `compactedTranscript(messages, compaction)` sends (no summarisation step), as JSON with the
   * referred results it carries: what charsEstimate measures of the built request, added up from each message's size.
   */
  private sentChars(messages: MessageParam[], compaction: ContextCompaction): number {
    const before = compaction.cleared?.before ?? 0;
    let chars = 0;
    let count = 0;
    if (compaction.summary) {
      chars += JSON.stringify({ role: 'user', content: compaction.summary.text }).length;
      count++;
    }
    for (let i = compaction.summary?.through ?? 0; i < messages.length; i++, count++) chars += this.sizeAt(messages, i, before);
    // The array's brackets and the commas between its messages.
    return chars + 2 + Math.max(0, count - 1);
  }

  /** What message `index` adds to the estimate (its JSON and the referred results it sends), cleared if before `before`. */
  private sizeAt(messages: MessageParam[], index: number, before: number): number {
    const message = messages[index]!;
    const cleared = index < before && isClearable(message);
    const sizes = cleared ? this.clearedSizes : this.sizes;
    let size = sizes.get(message);
    if (size === undefined) {
      const sent = cleared ? clearedAt(messages, index) : message;
      size = JSON.stringify(sent).length + this.referredChars([sent]);
      sizes.set(message, size);
    }
    return size;
  }

  /**
   * The characters of the tool results a continued-as-new transcript refers to instead of carrying (blocks without
   * content, ConversationSnapshot.results) that the request sends whole: the worker fills them in.
   */
  private referredChars(sent: MessageParam[]): number {
    if (!this.referred.size) return 0;
    let chars = 0;
    for (const message of sent) {
      if (message.role !== 'user' || typeof message.content === 'string') continue;
      for (const block of message.content) if (block.type === 'tool_result' && !('content' in block)) chars += this.referred.get(block.tool_use_id) ?? 0;
    }
    return chars;
  }

  private estimate(sent: MessageParam[]): number {
    return this.charsEstimate(sent) + this.overhead;
  }

  /**
   * Before a model step: what its request sends. Over the budget, the strategy shrinks it: older tool results are
   * cleared, or (`summarize`, when `summarizeAllowed`) a summarisation step is asked for first.
   */
  plan(messages: MessageParam[], summarizeAllowed = true, dropAllowed?: () => boolean): ContextPlan {
    let compaction = this.current(messages);
    if (compaction.estimatedTokens > this.budgetTokens && this.strategy !== 'off') {
      const through = this.strategy === 'summarize' && summarizeAllowed ? this.summaryCut(messages) : undefined;
      if (through !== undefined) {
        const summarize = { ...compaction, summarize: { through } };
        return { compaction: { ...summarize, estimatedTokens: this.estimate(compactedTranscript(messages, summarize)) }, summarize: { through } };
      }
      for (let keep = this.keepRecent; keep >= 1 && compaction.estimatedTokens > this.budgetTokens; keep--) {
        const cleared = this.clearCut(messages, keep);
        if (cleared && cleared.before > (this.cleared?.before ?? 0)) {
          this.cleared = cleared;
          compaction = this.current(messages);
        }
      }
      // Every result cleared, the turns themselves pass the budget (a run of many turns): the oldest are left out.
      // `dropAllowed` is asked only here, so runs that never came here replay as they were recorded.
      if (compaction.estimatedTokens > this.budgetTokens && this.strategy === 'clear-tool-results' && dropAllowed?.()) {
        const through = this.dropCut(messages);
        if (through !== undefined) {
          this.summary = { through, text: droppedText(this.task, through), dropped: true };
          compaction = this.current(messages);
        }
      }
    }
    const active = compaction.cleared !== undefined || compaction.summary !== undefined;
    this.lastCharsEstimate = compaction.estimatedTokens - this.overhead;
    return active ? { compaction } : {};
  }

  /** The decisions so far, for the next execution when the run continues as new (src/workflows/loop/continue-as-new.ts). */
  state(): ContextWindowState {
    return { ...(this.cleared ? { cleared: this.cleared } : {}), ...(this.summary ? { summary: this.summary } : {}), overhead: this.overhead };
  }

  /**
   * Takes up the decisions an earlier execution made (its snapshot's `context`), and the sizes of the tool results its
   * transcript refers to (`results`: their digests start with the length of the content as JSON).
   */
  restore(state: ContextWindowState, results: Record<string, SnapshotResult> = {}): void {
    this.cleared = state.cleared;
    this.summary = state.summary;
    this.overhead = state.overhead;
    for (const [toolUseId, ref] of Object.entries(results)) this.referred.set(toolUseId, Number(ref.digest.split(':')[0]) || 0);
    this.sizes = new WeakMap();
    this.clearedSizes = new WeakMap();
  }

  /** After a summarisation step: its answer stands for the messages before `through` from now on. */
  applySummary(through: number, summary: string): void {
    this.summary = { through, text: summaryText(this.task, summary) };
  }

  /** After a model step (not a summarisation step): what its reported usage says the estimate missed. */
  calibrate(result: ModelCallResult): void {
    if (this.lastCharsEstimate === undefined) return;
    this.overhead = Math.max(0, inputTokensOf(result.usage) - this.lastCharsEstimate);
  }

  /** Where clearing keeps the tool results of the last `keep` turns: the boundary and the results before it. */
  private clearCut(messages: MessageParam[], keep: number): { before: number; results: number } | undefined {
    // Only what is sent counts: the turns a summary stands for are not.
    const from = this.summary?.through ?? 0;
    // The `keep`-th last message with results, looked for from the end: the cost is what is sent, not the whole run.
    let before: number | undefined;
    for (let i = messages.length - 1, found = 0; i >= from; i--) {
      if (resultsIn(messages[i]!) > 0 && ++found === keep) {
        before = i;
        break;
      }
    }
    if (before === undefined) return undefined;
    let results = 0;
    for (let i = from; i < before; i++) results += resultsIn(messages[i]!);
    return results > 0 ? { before, results } : undefined;
  }

  /**
   * Where clear-tool-results leaves out the older turns (a dropped summary ends): at the first model turn from which the
   * request fits DROP_TARGET_SHARE of the budget, or the `keepRecent`-th last one; undefined when that leaves out
   * nothing new. Sizes are added up per message (the request as JSON is its messages', commas and brackets), so the
   * search costs one pass over the transcript.
   */
  private dropCut(messages: MessageParam[]): number | undefined {
    const turns = messages.flatMap((message, index) => (message.role === 'assistant' ? [index] : []));
    const last = turns[turns.length - this.keepRecent];
    const after = this.summary?.through ?? 0;
    if (last === undefined || last <= after + 1) return undefined;
    // suffix[i]: messages i.. as sent (cleared before the boundary), each with a comma and the content of the results it
    // refers to; only the turns after the last cut are candidates.
    const before = this.cleared?.before ?? 0;
    const suffix = new Array<number>(messages.length + 1).fill(0);
    for (let i = messages.length - 1; i > after; i--) suffix[i] = suffix[i + 1]! + this.sizeAt(messages, i, before) + 1;
    const target = this.budgetTokens * DROP_TARGET_SHARE;
    const fixed = 1 + (this.system?.length ?? 0);
    for (const through of turns) {
      if (through <= after + 1 || through > last) continue;
      const note = JSON.stringify({ role: 'user', content: droppedText(this.task, through) }).length + 1;
      if (Math.ceil((fixed + note + suffix[through]!) / CHARS_PER_TOKEN) + this.overhead <= target) return through;
    }
    return last;
  }

  /** Where a summary would end: at the `keepRecent`-th last model turn, if that summarises something new. */
  private summaryCut(messages: MessageParam[]): number | undefined {
    const turns = messages.flatMap((message, index) => (message.role === 'assistant' ? [index] : []));
    for (let keep = this.keepRecent; keep >= 1; keep--) {
      const through = turns[turns.length - keep];
      if (through !== undefined && through > (this.summary?.through ?? 0) + 1) return through;
    }
    return undefined;
  }
}

function resultsIn(message: MessageParam): number {
  return message.role === 'user' && typeof message.content !== 'string' ? message.content.filter((block) => block.type === 'tool_result').length : 0;
}

/** What a step's result shows of its request's compaction. */
export function stepContextOf(context: ContextCompaction): StepContext {
  return {
    estimatedTokens: context.estimatedTokens,
    budgetTokens: context.budgetTokens,
    clearedToolResults: context.cleared?.results ?? 0,
    summarizedMessages: context.summarize?.through ?? (context.summary?.dropped ? 0 : context.summary?.through) ?? 0,
    ...(context.summary?.dropped ? { droppedMessages: context.summary.through } : {}),
  };
}

/** One line on a step's compaction, for `show` and the Web UI's Current Details. */
export function describeStepContext(context: StepContext): string {
  const parts = [
    ...(context.summarizedMessages ? [`${context.summarizedMessages} messages summarised`] : []),
    ...(context.droppedMessages ? [`${context.droppedMessages} earliest messages left out`] : []),
    ...(context.clearedToolResults ? [`${context.clearedToolResults} tool results cleared`] : []),
  ];
  return `${parts.join(', ') || 'compacted'}; about ${context.estimatedTokens} of ${context.budgetTokens} budget tokens sent`;
}
