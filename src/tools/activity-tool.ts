// activityTool(): one of the user's Temporal activities offered to the model as a tool. The loop schedules the activity
// itself (its own activity type, on the run's task queue or the one named) with the options given here, so Temporal
// retries and times it out as it would in any workflow; its result, or its final failure, is the tool result.
import { ApplicationFailure } from '@temporalio/activity';
import { z } from 'zod';
import { FailureTypes, type ActivityToolSpec } from '../core/types.js';
import { tool, type Tool } from './tool-definition.js';

/**
 * The Temporal activity options of an activity tool (`startToCloseTimeout`, `heartbeatTimeout`, `retry`, `taskQueue`,
 * …).
 */
export type ActivityToolOptionsSpec = Omit<ActivityToolSpec, 'activityType'>;

/** Options of `activityTool`. */
export interface ActivityToolOptions<I> {
  /** What the model calls it: 1–64 characters of letters, digits, `_` and `-`. */
  name: string;
  description: string;
  /** The activity's input as the model fills it (a z.object); the worker checks it before the activity runs. */
  input: z.ZodType<I>;
  /**
   * The activity: its function (the worker registers it, behind the input check, under `activityType` or the
   * function's name), or the name of an activity the worker registers itself (then the input is not checked first).
   */
  activity: string | ((input: I) => Promise<unknown>);
  /** The activity type when `activity` is a function; default the function's name. */
  activityType?: string;
  /** Temporal activity options of each call: timeouts, retry policy, task queue (default: the run's). */
  options?: ActivityToolOptionsSpec;
}

const ACTIVITY_TYPE = /^[A-Za-z_$][\w$-]*$/;

/**
 * Offers one of your own Temporal activities to the model as a tool: the run schedules the activity itself, with the
 * options given, and its return value is the tool result.
 */
export function activityTool<I>(options: ActivityToolOptions<I>): Tool<I> {
  const fn = typeof options.activity === 'function' ? options.activity : undefined;
  const activityType = typeof options.activity === 'string' ? options.activity : (options.activityType ?? fn?.name ?? '');
  if (!ACTIVITY_TYPE.test(activityType)) {
    throw new TypeError(`activityTool ${options.name}: give the activity a name (activityType), got ${JSON.stringify(activityType)}.`);
  }
  const spec: ActivityToolSpec = { activityType, ...options.options };
  const base = tool<I>({
    name: options.name,
    description: options.description,
    input: options.input,
    run: () => {
      throw new Error(`${options.name} is the Temporal activity ${activityType}: the run schedules it, not callTool.`);
    },
  });
  const schema = options.input;
  // The input check runs in the activity, so the model's bad input is one failed, non-retried attempt it is told about.
  const activityImpl = fn
    ? async (input: unknown): Promise<unknown> => {
        const parsed = schema.safeParse(input);
        if (!parsed.success) {
          throw ApplicationFailure.create({
            type: FailureTypes.invalidToolInput,
            message: `Invalid input for tool ${options.name}: ${z.prettifyError(parsed.error)}`,
            nonRetryable: true,
          });
        }
        return fn(parsed.data);
      }
    : undefined;
  return { ...base, activity: spec, ...(activityImpl ? { activityImpl } : {}) };
}

/** The activities the worker registers for its activityTools' functions, by activity type. */
export function activityToolImplementations(tools: Iterable<Tool>): Record<string, (input: unknown) => unknown> {
  const impls: Record<string, (input: unknown) => unknown> = {};
  for (const t of tools) {
    if (!t.activity || !t.activityImpl) continue;
    if (impls[t.activity.activityType]) throw new TypeError(`Two activityTools register activity ${t.activity.activityType}.`);
    impls[t.activity.activityType] = t.activityImpl;
  }
  return impls;
}
