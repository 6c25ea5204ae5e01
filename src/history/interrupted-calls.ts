// Honest resume: the tool calls a continuation must not run again. A call of a tool that is not safe to repeat
// (`idempotent: false`) that an execution cut mid-flight may have acted before it was cut; the continuation seeds its
// result as "interrupted, may or may not have taken effect" (with its last checkpoint), so the loop hands the model that
// result instead of calling the tool again. Read from history alone, so every reader and every replay agree. Pure.
import { STEP_ACTIVITY, type StepOutcome, type ToolCallInput, type ToolPolicy } from '../core/types.js';
import { interruptedResult } from '../workflows/tool-results.js';
import type { ActivityRecord, ExecutionRecord } from './decode.js';

/** The worker's policy of each tool where the run resolved its tools there, else what the run's task names. */
function policies(record: ExecutionRecord): Map<string, ToolPolicy> {
  return new Map<string, ToolPolicy>((record.resolvedTools ?? record.input.task.tools).map((t) => [t.name, t]));
}

/**
 * Whether the cut call may have run: it started on a worker, or its execution closed without waiting for it to stop
 * (terminated, timed out: history may not show the start of an activity that was running).
 */
function mayHaveRun(activity: ActivityRecord, record: ExecutionRecord): boolean {
  return activity.startedAt !== undefined || (record.state !== 'cancelled' && record.state !== 'failed');
}

/**
 * The "interrupted" results of the calls of non-idempotent tools this execution cut mid-flight and nothing completed
 * since, by activity id: the continuation takes them as completed steps.
 */
export function interruptedCalls(record: ExecutionRecord, completed: Record<string, StepOutcome>): Record<string, StepOutcome> {
  const policy = policies(record);
  const interrupted: Record<string, StepOutcome> = {};
  for (const activity of record.activities) {
    if (activity.activityType !== STEP_ACTIVITY.tool || activity.temporalTool || activity.status !== 'cancelled') continue;
    if (completed[activity.activityId] || !mayHaveRun(activity, record)) continue;
    const { toolName } = activity.input as ToolCallInput;
    if (policy.get(toolName)?.idempotent !== false) continue;
    const checkpoint = activity.checkpoint ?? record.input.seed?.checkpoints?.[activity.activityId];
    interrupted[activity.activityId] = { kind: 'tool', result: interruptedResult(toolName, checkpoint) };
  }
  return interrupted;
}
