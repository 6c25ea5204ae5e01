// What a task is before it runs: its options, checked when it is made, and the spec a run's input carries (TaskSpec:
// tools by name and fingerprint, the output schema as JSON Schema). The client's Task and agentTool's inner task are
// both built from here, so a sub-run's task is checked and sent exactly as a run's is.
import type { z } from 'zod';
import type { ContextSpec, OutputSpec, RunLimits, StepTimeouts, TaskSpec } from '../core/types.js';
import type { Tool } from '../tools/tool-definition.js';
import { toolFingerprint, toolGate } from '../tools/tool-fingerprint.js';
import { checkLimits } from '../workflows/run-limits.js';
import { checkMemory, type MemoryOptions } from './memory-options.js';
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
   * Context management: the token budget of each model request and how the run stays under it (clear older tool
   * results, or summarise older turns in a step of their own). Default: clear older tool results once a request would
   * pass 80 % of what the model's window leaves after `maxTokens`.
   */
  context?: ContextSpec;
  /**
   * The worker's guardrails (createWorker({ guardrails })) this task's steps go through, by name. Default: all of the
   * worker's; `[]`: none. A name the worker lacks fails the step with GuardrailNotRegisteredError.
   */
  guardrails?: string[];
  /**
   * Continue as new (a new execution of the same run id whose history starts afresh) after this many steps in one
   * execution. Without it the run continues as new when Temporal suggests it (history length or size); see the
   * long-runs guide.
   */
  continueAsNewEvery?: number;
}

/** A task's options once checked: every field present (undefined when not given), the output schema as its spec. */
export interface CheckedTask<O = string> {
  description: string;
  tools: Tool[];
  system: string | undefined;
  maxSteps: number | undefined;
  maxTokens: number | undefined;
  timeouts: StepTimeouts | undefined;
  memory: boolean | MemoryOptions;
  limits: RunLimits | undefined;
  context: ContextSpec | undefined;
  guardrails: string[] | undefined;
  output: z.ZodType<O> | undefined;
  outputSpec: OutputSpec | undefined;
  continueAsNewEvery: number | undefined;
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

/** Checks a task's options (a TypeError says what is wrong) and turns its output schema into the spec a run carries. */
export function checkTaskOptions<O>(o: TaskOptions<O>): CheckedTask<O> {
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
  return {
    description: o.description,
    tools: o.tools ?? [],
    system: o.system,
    maxSteps: o.maxSteps,
    maxTokens: o.maxTokens,
    timeouts: checkTimeouts(o.timeouts),
    memory: checkMemory(o.memory),
    limits: checkLimits(o.limits),
    context: checkContext(o.context),
    guardrails: o.guardrails ? [...o.guardrails] : undefined,
    output: o.output,
    outputSpec: o.output ? outputSpecOf(o.output, o.outputRepairs) : undefined,
    continueAsNewEvery: o.continueAsNewEvery,
  };
}

/** A tool whose call can wait for a human: its own gate, or a gate of an agentTool's inner agent, at any depth. */
function mayPause(t: Tool): boolean {
  return t.human !== undefined || (t.subTools?.some(mayPause) ?? false);
}

/** The task as a run's input carries it (`TaskSpec`): tools by name and fingerprint, the output schema as JSON Schema. */
export function taskSpecOf(task: Omit<CheckedTask<unknown>, 'memory' | 'limits' | 'output'>): TaskSpec {
  return {
    description: task.description,
    // A name and what this side saw of the tool: the worker's copy is the one the run uses, checked against it.
    tools: task.tools.map((t) => ({ name: t.name, fingerprint: toolFingerprint(t), ...toolGate(t), ...(t.subTools?.some(mayPause) ? { pausesInSubRun: true as const } : {}) })),
    ...(task.system !== undefined ? { system: task.system } : {}),
    ...(task.maxSteps !== undefined ? { maxSteps: task.maxSteps } : {}),
    ...(task.maxTokens !== undefined ? { maxTokens: task.maxTokens } : {}),
    ...(task.timeouts !== undefined ? { timeouts: { ...task.timeouts } } : {}),
    ...(task.outputSpec ? { output: task.outputSpec } : {}),
    ...(task.context ? { context: { ...task.context } } : {}),
    ...(task.guardrails ? { guardrails: [...task.guardrails] } : {}),
    ...(task.continueAsNewEvery !== undefined ? { continueAsNewEvery: task.continueAsNewEvery } : {}),
  };
}
