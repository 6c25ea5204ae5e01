// `tool()`: a typed tool whose input the model fills from a zod schema. Tools are code: the worker owns their
// implementations (createWorker({ tools })) and a run refers to them by name.
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { abortReason } from '../activities/heartbeat-loop.js';
import type { ActivityToolSpec, AgentToolSpec } from '../core/types.js';

/** What a tool's `run` gets besides its input: the abort signal, progress reports and the ids of the call. */
export interface ToolContext {
  /** Aborted when the run is cancelled, the tool's timeout passes or the worker shuts down: pass it on. */
  signal: AbortSignal;
  /**
   * Reports progress to Temporal (recorded as heartbeat details). The wrapper also heartbeats on a timer. The last
   * details reported come back as `checkpoint` when this call runs again after a cancel, a crash or a retry.
   */
  heartbeat(details?: unknown): void;
  runId: string;
  toolUseId: string;
  /** 1 on the first attempt of this step. */
  attempt: number;
  /**
   * The same for every attempt and execution of this call (derived from the run id and the tool_use id): pass it to
   * services that deduplicate by key, e.g. `idempotencyHeaders(ctx)` on an HTTP request. MCP tools send it as
   * `_meta.idempotencyKey`.
   */
  idempotencyKey: string;
  /**
   * The last progress this call reported (`heartbeat(details)`) in an earlier attempt (its worker crashed or shut
   * down) or an earlier execution of the run (it was cancelled, then continued): resume from it instead of starting
   * over. Undefined on a fresh start. Report progress that is enough to resume from, and JSON-serialisable.
   * (Optional in the type, so contexts built by hand in a tool's own unit tests need not name it.)
   */
  checkpoint?: unknown;
}

/**
 * A human acts before each call runs; the run pauses (durably, for as long as it takes) until they answer.
 * `confirmation`: approve or reject. `userInput`: supply values checked against `schema`, merged into the model's
 * input. `externalExecution`: the call never runs on the worker; its result is submitted from outside.
 */
export type HumanGate<I = unknown> =
  | ({ kind: 'confirmation' } & GatePolicy<I>)
  | ({ kind: 'userInput'; schema: z.ZodType<Record<string, unknown>> } & GatePolicy<I>)
  | { kind: 'externalExecution' };

/** What a gate's `when` is given besides the call's input: the call and the run it belongs to. */
export interface GateContext {
  runId: string;
  toolUseId: string;
  sessionId?: string;
  userId?: string;
}

/** A gate decided per call, by policy (confirmation and user input gates). */
export interface GatePolicy<I> {
  /**
   * Decides, for each call, whether the human gate applies: `true` pauses the run for the human, `false` runs the call
   * at once. It runs on the worker before the call (its decision is recorded in the run's history, so replay and every
   * reader of the run agree), e.g. `when: ({ amount }) => amount > 100`. A `when` that throws applies the gate.
   * Absent: every call waits for the human.
   */
  when?(input: I, context: GateContext): boolean | Promise<boolean>;
}

interface ToolBaseOptions<I> {
  /** What the model calls it: 1–64 characters of letters, digits, `_` and `-`. */
  name: string;
  description: string;
  input: z.ZodType<I>;
  /** The tool is aborted and the model gets an error result after this long. Default 5 minutes. */
  timeoutMs?: number;
  /** Activity attempts on infrastructure failures (worker crash, lost heartbeat). Default 3. */
  maxAttempts?: number;
  /**
   * How long a step of this tool may go without a heartbeat before Temporal takes its worker for dead and runs it again
   * on another (ms). Default: the task's `timeouts.heartbeatTimeoutMs`, else 3 s. The worker heartbeats for the tool
   * on a timer (every quarter of this at most), so only a tool that blocks the event loop needs more.
   */
  heartbeatTimeoutMs?: number;
  /**
   * `false`: a call of this tool is not safe to repeat (it pays, sends, books). A call cut mid-flight (a cancel, a worker
   * crash) is then never run again blindly: on a retry or a continuation the model gets a tool result saying the call
   * was interrupted and may or may not have taken effect (with its last checkpoint). Default true: a cut call runs again,
   * from its checkpoint, with the same `idempotencyKey`.
   */
  idempotent?: boolean;
}

/** The spellings of `human` before it existed, one gate at a time. */
interface LegacyGates {
  /** @deprecated use `human: { kind: 'confirmation' }`. */
  requiresConfirmation: boolean;
  /** @deprecated use `human: { kind: 'userInput', schema }`. */
  requiresUserInput: z.ZodType<Record<string, unknown>>;
  /** @deprecated use `human: { kind: 'externalExecution' }` (and leave `run` out). */
  externalExecution: true;
}

/** Every gate option absent but the ones named. */
type OnlyGate<K extends keyof LegacyGates | 'human'> = { [P in Exclude<keyof LegacyGates | 'human', K>]?: never };

interface Runs<I> {
  run(input: I, context: ToolContext): unknown;
}
interface MayRun<I> {
  run?(input: I, context: ToolContext): unknown;
}

/**
 * `tool()`'s options. One human gate at most (`human`), and `run` is required unless the gate is
 * `externalExecution` — both checked by the type checker. `requiresConfirmation`, `requiresUserInput` and
 * `externalExecution` are the deprecated spellings of `human`, still accepted one at a time.
 */
export type ToolOptions<I> = ToolBaseOptions<I> &
  (
    | (OnlyGate<'human'> & { human?: Exclude<HumanGate<I>, { kind: 'externalExecution' }> } & Runs<I>)
    | (OnlyGate<'human'> & { human: { kind: 'externalExecution' } } & MayRun<I>)
    | (OnlyGate<'requiresConfirmation'> & Pick<LegacyGates, 'requiresConfirmation'> & Runs<I>)
    | (OnlyGate<'requiresUserInput'> & Pick<LegacyGates, 'requiresUserInput'> & Runs<I>)
    | (OnlyGate<'externalExecution'> & Pick<LegacyGates, 'externalExecution'> & MayRun<I>)
  );

/**
 * A tool as `tool()`, `activityTool()`, `agentTool()` or an MCP server make it. A task names it (by name and
 * fingerprint); the worker that registers it runs it.
 */
export interface Tool<I = unknown> {
  readonly kind: 'durable-agent-tool';
  readonly name: string;
  readonly description: string;
  readonly input: z.ZodType<I>;
  /** The JSON schema sent to the model as `input_schema`. */
  readonly inputSchema: Record<string, unknown>;
  /** Absent only on an `externalExecution` tool. */
  run?(input: I, context: ToolContext): unknown;
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  readonly heartbeatTimeoutMs?: number;
  /** `false`: a call cut mid-flight is not run again (`tool({ idempotent: false })`). */
  readonly idempotent?: false;
  readonly human?: HumanGate<I>;
  /** activityTool(): the user's activity the loop schedules as this tool's step. */
  readonly activity?: ActivityToolSpec;
  /** activityTool({ activity: fn }): the function the worker registers under `activity.activityType`. */
  readonly activityImpl?: (input: unknown) => unknown;
  /** agentTool(): the agent the loop runs as a child workflow (a sub-run) for each call. */
  readonly agent?: AgentToolSpec;
  /** agentTool(): the inner agent's tools, registered on the worker with it. */
  readonly subTools?: readonly Tool[];
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** The one gate of the options, whichever spelling they use (JavaScript callers get the check the types give). */
function humanGateOf(options: ToolOptions<unknown>): HumanGate | undefined {
  const gates: HumanGate[] = [];
  if (options.human) gates.push(options.human);
  if (options.requiresConfirmation) gates.push({ kind: 'confirmation' });
  if (options.requiresUserInput) gates.push({ kind: 'userInput', schema: options.requiresUserInput });
  if (options.externalExecution) gates.push({ kind: 'externalExecution' });
  if (gates.length > 1) throw new TypeError(`Tool ${options.name}: give it one human gate (human: { kind: ... }), not ${gates.length}.`);
  return gates[0];
}

/**
 * Defines a tool the model can call: a name, a description, a zod input schema and the function that runs it on the
 * worker. Register the same object on the worker (`createWorker({ tools })`) and in the task (`new Task({ tools })`).
 */
export function tool<I>(options: ToolOptions<I>): Tool<I> {
  if (!TOOL_NAME.test(options.name)) {
    throw new TypeError(`Invalid tool name ${JSON.stringify(options.name)}: use 1-64 letters, digits, "_" or "-".`);
  }
  if (!options.description.trim()) throw new TypeError(`Tool ${options.name} needs a description: the model reads it.`);
  const schema = z.toJSONSchema(options.input, { target: 'draft-7', unrepresentable: 'any' }) as Record<string, unknown>;
  if (schema.type !== 'object') {
    throw new TypeError(`Tool ${options.name}: its input must be a z.object(...) schema (the API takes objects).`);
  }
  const { $schema: _ignored, ...inputSchema } = schema;
  const human = humanGateOf(options as ToolOptions<unknown>);
  if (human && 'when' in human && human.when !== undefined && typeof human.when !== 'function') {
    throw new TypeError(`Tool ${options.name}: human.when must be a function (input, context) => boolean.`);
  }
  if (human?.kind === 'userInput' && !(human.schema instanceof z.ZodType)) {
    throw new TypeError(`Tool ${options.name}: human.schema must be a zod schema, e.g. z.object({ ... }).`);
  }
  if (typeof options.run !== 'function' && human?.kind !== 'externalExecution') {
    throw new TypeError(`Tool ${options.name} needs run(input, context) (only a human: { kind: 'externalExecution' } tool has none).`);
  }
  return {
    kind: 'durable-agent-tool',
    name: options.name,
    description: options.description,
    input: options.input,
    inputSchema,
    ...(options.run ? { run: options.run } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.heartbeatTimeoutMs !== undefined ? { heartbeatTimeoutMs: positiveMs(options.name, 'heartbeatTimeoutMs', options.heartbeatTimeoutMs) } : {}),
    ...(options.idempotent === false ? { idempotent: false as const } : {}),
    ...(human ? { human: human as HumanGate<I> } : {}),
  };
}

function positiveMs(tool: string, field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new TypeError(`Tool ${tool}: ${field} must be a positive whole number of ms, got ${String(value)}.`);
  return value;
}

export function isTool(value: unknown): value is Tool {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'durable-agent-tool';
}

/** Resolves `ms` later, or rejects with the signal's reason as soon as it aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (err) {
    if (signal?.aborted) throw abortReason(signal);
    throw err;
  }
}
