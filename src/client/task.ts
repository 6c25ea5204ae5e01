import type { Tool } from '../tools/tool-definition.js';
import type { z } from 'zod';
import type { OutputSpec, RunLimits, StepTimeouts, TaskSpec } from '../core/types.js';
import type { MemoryOptions } from '../task/memory-options.js';
import { checkTaskOptions, taskSpecOf, type TaskOptions } from '../task/task-options.js';

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
  /** The output schema (see TaskOptions.output). */
  readonly output: z.ZodType<O> | undefined;
  /** The worker's guardrails this task picks by name (see TaskOptions.guardrails). */
  readonly guardrails: string[] | undefined;
  private readonly outputSpec: OutputSpec | undefined;
  /**
   * The id of the run this task was last started as: set by agent.start(task) / agent.do(task) as soon as the start is
   * sent (the one property the API sets on a Task), so `continueRun({ task })` finds the run again.
   */
  runId: string | undefined;

  constructor(options: TaskOptions<O> | string) {
    const checked = checkTaskOptions(typeof options === 'string' ? { description: options } : options);
    this.description = checked.description;
    this.tools = checked.tools;
    this.system = checked.system;
    this.maxSteps = checked.maxSteps;
    this.maxTokens = checked.maxTokens;
    this.timeouts = checked.timeouts;
    this.memory = checked.memory;
    this.limits = checked.limits;
    this.output = checked.output;
    this.outputSpec = checked.outputSpec;
    this.guardrails = checked.guardrails;
  }

  /**
   * The task as a run's input carries it (`TaskSpec`): tools by name and fingerprint, the output schema as JSON Schema.
   */
  toSpec(): TaskSpec {
    return taskSpecOf({ ...this, outputSpec: this.outputSpec });
  }
}
