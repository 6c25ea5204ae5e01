import type { Tool } from '../tools/tool-definition.js';
import { toolFingerprint } from '../tools/tool-fingerprint.js';
import { MAX_MEMORY_BYTES, type MemoryOptions } from './session-memory.js';
import type { z } from 'zod';
import type { ContextSpec, OutputSpec, RunLimits, StepTimeouts, TaskSpec } from '../core/types.js';
import { checkLimits } from '../workflows/run-limits.js';
import { outputSpecOf } from './output-schema.js';

/** `O` is the type of RunOutput.output: the final text, or the type of the `output` schema. */
export interface TaskOptions<O = string> {
  description: string;
  tools?: Tool[];
  system?: string;
  /** Steps (model + tool calls) the run may take before it ends with MaxStepsReachedError. Default 50. */
  maxSteps?: number;
  maxTokens?: number;
  /** Temporal timeouts of the run's model and tool steps, e.g. a short heartbeat timeout to notice dead workers sooner. */
  timeouts?: StepTimeouts;
  /**
   * Remember the session: the run starts after the conversation of the Agent's session's earlier runs (oldest first,
   * within a budget; see MemoryOptions). Default false: a run starts fresh, even inside a session.
   */
  memory?: boolean | MemoryOptions;
  /** Time limit and budgets of every run of this task (agent.do(task, { limits }) overrides them per call). */
  limits?: RunLimits;
  /**
   * The final answer must be a JSON object matching this zod schema (no transforms: it travels as JSON Schema). The
   * model is asked for it (Anthropic structured outputs), the worker checks it, and RunOutput.output is the parsed value.
   */
  output?: z.ZodType<O>;
  /** How many times the model is asked to fix an answer that fails the output schema. Default 2. */
  outputRepairs?: number;
  /**
   * Continue as new (a new execution of the same run id whose history starts afresh) after this many steps in one
   * execution. Without it the run continues as new when Temporal suggests it (history length or size); see the
   * long-runs guide.
   */
  continueAsNewEvery?: number;
  /**
   * Context management: the token budget of each model request and how the run stays under it (clear older tool
   * results, or summarise older turns in a step of its own). Default: clear older tool results once a request would
   * pass 80 % of what the model's window leaves after `maxTokens`.
   */
  context?: ContextSpec;
}

const TIMEOUT_FIELDS = ['heartbeatTimeoutMs', 'modelCallTimeoutMs', 'toolCallTimeoutMs'] as const;

function checkTimeouts(timeouts: StepTimeouts | undefined): StepTimeouts | undefined {
  if (timeouts === undefined) return undefined;
  const unknown = Object.keys(timeouts).filter((k) => !(TIMEOUT_FIELDS as readonly string[]).includes(k));
  if (unknown.length) throw new TypeError(`Task timeouts has no ${unknown.join(', ')} (it takes ${TIMEOUT_FIELDS.join(', ')}).`);
  for (const field of TIMEOUT_FIELDS) {
    const value = timeouts[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 1000)) {
      throw new TypeError(`Task timeouts.${field} must be a whole number of milliseconds, at least 1000, got ${String(value)}.`);
    }
  }
  return timeouts;
}

const STRATEGIES: readonly string[] = ['clear-tool-results', 'summarize', 'off'];

function checkContext(context: ContextSpec | undefined): ContextSpec | undefined {
  if (context === undefined) return undefined;
  const { budgetTokens, strategy, keepRecent } = context;
  if (budgetTokens !== undefined && (!Number.isInteger(budgetTokens) || budgetTokens < 1)) {
    throw new TypeError(`Task context.budgetTokens must be a positive whole number of tokens, got ${String(budgetTokens)}.`);
  }
  if (strategy !== undefined && !STRATEGIES.includes(strategy)) throw new TypeError(`Task context.strategy must be one of ${STRATEGIES.join(', ')}, got ${String(strategy)}.`);
  if (keepRecent !== undefined && (!Number.isInteger(keepRecent) || keepRecent < 1)) {
    throw new TypeError(`Task context.keepRecent must be a positive whole number of turns, got ${String(keepRecent)}.`);
  }
  return { ...context };
}

function checkMemory(memory: boolean | MemoryOptions | undefined): boolean | MemoryOptions {
  if (memory === undefined || typeof memory === 'boolean') return memory ?? false;
  const { maxBytes } = memory;
  if (maxBytes !== undefined && (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_MEMORY_BYTES)) {
    throw new TypeError(`Task memory.maxBytes must be a whole number of bytes from 1 to ${MAX_MEMORY_BYTES} (it travels in the run's input), got ${String(maxBytes)}.`);
  }
  return memory;
}

/** What to do. A Task remembers the id of its latest run, so continueRun({ task }) finds it from any Agent. */
export class Task<O = string> {
  readonly description: string;
  readonly tools: Tool[];
  readonly system: string | undefined;
  readonly maxSteps: number | undefined;
  readonly maxTokens: number | undefined;
  readonly timeouts: StepTimeouts | undefined;
  readonly memory: boolean | MemoryOptions;
  readonly limits: RunLimits | undefined;
  /** The context budget and strategy (see TaskOptions.context). */
  readonly context: ContextSpec | undefined;
  /** The output schema (see TaskOptions.output). */
  readonly output: z.ZodType<O> | undefined;
  readonly continueAsNewEvery: number | undefined;
  private readonly outputSpec: OutputSpec | undefined;
  /**
   * The id of the run this task was last started as: set by agent.start(task) / agent.do(task) as soon as the start is
   * sent (the one property the API sets on a Task), so `continueRun({ task })` finds the run again.
   */
  runId: string | undefined;

  constructor(options: TaskOptions<O> | string) {
    const o = typeof options === 'string' ? { description: options } : options;
    if (typeof o.description !== 'string' || !o.description.trim()) throw new TypeError('Task needs a non-empty description.');
    if (o.maxSteps !== undefined && (!Number.isInteger(o.maxSteps) || o.maxSteps < 1)) {
      throw new TypeError(`Task maxSteps must be a positive integer, got ${String(o.maxSteps)}.`);
    }
    if (o.continueAsNewEvery !== undefined && (!Number.isInteger(o.continueAsNewEvery) || o.continueAsNewEvery < 1)) {
      throw new TypeError(`Task continueAsNewEvery must be a positive integer, got ${String(o.continueAsNewEvery)}.`);
    }
    const names = new Set<string>();
    for (const t of o.tools ?? []) {
      if (names.has(t.name)) throw new TypeError(`Task lists tool ${t.name} twice.`);
      names.add(t.name);
    }
    this.description = o.description;
    this.tools = o.tools ?? [];
    this.system = o.system;
    this.maxSteps = o.maxSteps;
    this.maxTokens = o.maxTokens;
    this.timeouts = checkTimeouts(o.timeouts);
    this.memory = checkMemory(o.memory);
    this.limits = checkLimits(o.limits);
    this.context = checkContext(o.context);
    this.output = o.output;
    this.continueAsNewEvery = o.continueAsNewEvery;
    this.outputSpec = o.output ? outputSpecOf(o.output, o.outputRepairs) : undefined;
  }

  /**
   * The task as a run's input carries it (`TaskSpec`): tools by name and fingerprint, the output schema as JSON Schema.
   */
  toSpec(): TaskSpec {
    return {
      description: this.description,
      // A name and what this client saw of the tool: the worker's copy is the one the run uses, checked against it.
      tools: this.tools.map((t) => ({ name: t.name, fingerprint: toolFingerprint(t), ...(t.human ? { requires: t.human.kind } : {}) })),
      ...(this.system !== undefined ? { system: this.system } : {}),
      ...(this.maxSteps !== undefined ? { maxSteps: this.maxSteps } : {}),
      ...(this.maxTokens !== undefined ? { maxTokens: this.maxTokens } : {}),
      ...(this.timeouts !== undefined ? { timeouts: { ...this.timeouts } } : {}),
      ...(this.outputSpec ? { output: this.outputSpec } : {}),
      ...(this.continueAsNewEvery !== undefined ? { continueAsNewEvery: this.continueAsNewEvery } : {}),
      ...(this.context ? { context: { ...this.context } } : {}),
    };
  }
}
