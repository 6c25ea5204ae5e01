// The checkpoints a continuation hands to the tool calls it runs again: the last progress each tool call a cancel cut
// had reported (its ActivityTaskCanceled details), by activity id. Pure, like the rest of src/history.
import type { StepOutcome } from '../core/types.js';
import type { ExecutionRecord } from './decode.js';

/**
 * The checkpoint of every cut tool call not completed since: this execution's, and an earlier execution's when this
 * one cut the call again before it reported anything (or never started it).
 */
export function toolCheckpoints(record: ExecutionRecord, completed: Record<string, StepOutcome>): Record<string, unknown> | undefined {
  const checkpoints: Record<string, unknown> = { ...(record.input.seed?.checkpoints ?? {}) };
  for (const activity of record.activities) if (activity.checkpoint !== undefined) checkpoints[activity.activityId] = activity.checkpoint;
  for (const activityId of Object.keys(checkpoints)) if (completed[activityId]) delete checkpoints[activityId];
  return Object.keys(checkpoints).length ? checkpoints : undefined;
}
