import { requirementKind, type Tool } from '../activities/tool-definition.js';
import type { TaskSpec } from '../types.js';

export interface TaskOptions {
  description: string;
  tools?: Tool[];
  system?: string;
  /** Steps (model + tool calls) the run may take before it ends with MaxStepsReachedError. Default 50. */
  maxSteps?: number;
  maxTokens?: number;
}

/** What to do. A Task remembers the id of its latest run, so continueRun({ task }) finds it from any Agent. */
export class Task {
  readonly description: string;
  readonly tools: Tool[];
  readonly system: string | undefined;
  readonly maxSteps: number | undefined;
  readonly maxTokens: number | undefined;
  /** Set by agent.do(task) as soon as the run is started. */
  runId: string | undefined;

  constructor(options: TaskOptions | string) {
    const o = typeof options === 'string' ? { description: options } : options;
    if (typeof o.description !== 'string' || !o.description.trim()) throw new TypeError('Task needs a non-empty description.');
    if (o.maxSteps !== undefined && (!Number.isInteger(o.maxSteps) || o.maxSteps < 1)) {
      throw new TypeError(`Task maxSteps must be a positive integer, got ${String(o.maxSteps)}.`);
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
  }

  toSpec(): TaskSpec {
    return {
      description: this.description,
      tools: this.tools.map((t) => ({
        name: t.name,
        ...(requirementKind(t) ? { requires: requirementKind(t) } : {}),
        ...(t.timeoutMs !== undefined ? { timeoutMs: t.timeoutMs } : {}),
        ...(t.maxAttempts !== undefined ? { maxAttempts: t.maxAttempts } : {}),
      })),
      ...(this.system !== undefined ? { system: this.system } : {}),
      ...(this.maxSteps !== undefined ? { maxSteps: this.maxSteps } : {}),
      ...(this.maxTokens !== undefined ? { maxTokens: this.maxTokens } : {}),
    };
  }
}
