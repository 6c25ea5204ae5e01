// `tool()`: a typed tool whose input the model fills from a zod schema. Tools are code: the worker owns their
// implementations (createWorker({ tools })) and a run refers to them by name.
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { abortReason } from './heartbeat-loop.js';
import type { RequirementKind } from '../types.js';

export interface ToolContext {
  /** Aborted when the run is cancelled, the tool's timeout passes or the worker shuts down: pass it on. */
  signal: AbortSignal;
  /** Reports progress to Temporal (recorded as heartbeat details). The wrapper also heartbeats on a timer. */
  heartbeat(details?: unknown): void;
  runId: string;
  toolUseId: string;
  /** 1 on the first attempt of this step. */
  attempt: number;
}

export interface ToolOptions<I> {
  /** What the model calls it: 1–64 characters of letters, digits, `_` and `-`. */
  name: string;
  description: string;
  input: z.ZodType<I>;
  run(input: I, context: ToolContext): unknown;
  /** The tool is aborted and the model gets an error result after this long. Default 5 minutes. */
  timeoutMs?: number;
  /** Activity attempts on infrastructure failures (worker crash, lost heartbeat). Default 3. */
  maxAttempts?: number;
  /** Pause the run until a human approves (or rejects) each call. */
  requiresConfirmation?: boolean;
  /** Pause the run until a human supplies these values; they are merged into the model's input. */
  requiresUserInput?: z.ZodType<Record<string, unknown>>;
  /** Never run on the worker: pause until the result is submitted from outside. */
  externalExecution?: boolean;
}

export interface Tool<I = unknown> extends ToolOptions<I> {
  readonly kind: 'durable-agent-tool';
  /** The JSON schema sent to the model as `input_schema`. */
  readonly inputSchema: Record<string, unknown>;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

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
  const humanOptions = [options.requiresConfirmation, options.requiresUserInput, options.externalExecution].filter(Boolean);
  if (humanOptions.length > 1) {
    throw new TypeError(`Tool ${options.name}: choose one of requiresConfirmation, requiresUserInput, externalExecution.`);
  }
  return { ...options, kind: 'durable-agent-tool', inputSchema };
}

export function requirementKind(t: Tool): RequirementKind | undefined {
  if (t.requiresConfirmation) return 'confirmation';
  if (t.requiresUserInput) return 'userInput';
  if (t.externalExecution) return 'externalExecution';
  return undefined;
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
