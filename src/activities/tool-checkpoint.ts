// A tool's checkpoint: the last progress it reported (`heartbeat(details)`) before it was cut, handed back to it when
// the same call runs again so it can resume mid-step. Two sources, one per way a call runs again:
// - a retry of the same execution (its worker crashed, shut down or lost its heartbeat): Temporal gives the attempt
//   the previous attempt's last heartbeat details;
// - the first attempt of a continued execution (the run was cancelled): the continuation planner read the cut call's
//   progress from the cancelled execution's history and the loop passes it in the call's input.
import type { Context } from '@temporalio/activity';
import type { ToolCallInput } from '../core/types.js';

/** Where an earlier attempt or execution of this tool call got to; undefined on a fresh start. */
export function checkpointOf(input: ToolCallInput, ctx: Context): unknown {
  const fromEarlierAttempt: unknown = ctx.info.attempt > 1 ? ctx.info.heartbeatDetails : undefined;
  return fromEarlierAttempt ?? input.checkpoint;
}
