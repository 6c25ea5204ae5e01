// Steps that stop the run rather than fail it: a guardrail's block (GuardrailBlockedError, reason `guardrail`) and a
// model call cut by the money budget (CostBudgetExceededError, a `budget` stop on `costUsd`). Both are the step's own
// non-retryable failures; once the loop's steps have settled, the run stops with them through the one stop mechanism
// (RunStopper): it closes with RunStoppedError, continuable, and its failed step runs again in the continuation.
import { ActivityFailure, ApplicationFailure, CancelledFailure, patched } from '@temporalio/workflow';
import { FailureTypes, type GuardrailBlock, type RunStop } from '../../core/types.js';
import type { RunContext } from './context.js';
import { PATCHES } from './patches.js';

const STOPPING: readonly string[] = [FailureTypes.guardrailBlocked, FailureTypes.costBudgetExceeded];

/** The activity's own failure under the loop's wrapping of it (step-failure.ts: step → activity → the activity's). */
function activityFailureOf(err: unknown): ApplicationFailure | undefined {
  let found: ApplicationFailure | undefined;
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e instanceof ApplicationFailure && e.type && STOPPING.includes(e.type)) found = e;
    if (!(e instanceof ApplicationFailure) && !(e instanceof ActivityFailure)) break;
  }
  return found;
}

/** The stop a step's failure stands for; undefined for any other failure. */
export function stopOfStepFailure(err: unknown): RunStop | undefined {
  const failure = activityFailureOf(err);
  if (!failure) return undefined;
  if (failure.type === FailureTypes.guardrailBlocked) {
    const block = failure.details?.[0] as GuardrailBlock | undefined;
    if (!block?.guardrail) return undefined;
    return {
      reason: 'guardrail',
      mode: 'now',
      guardrail: { name: block.guardrail, stage: block.stage },
      message: `guardrail ${block.guardrail} blocked the ${block.stage}: ${block.reason}`,
    };
  }
  if (failure.type === FailureTypes.costBudgetExceeded) {
    return { reason: 'budget', mode: 'now', limit: 'costUsd', message: `a model call was cut: ${failure.message}` };
  }
  return undefined;
}

/** The error the run closes with: a cancellation carrying the stop for a step that stops it, else `err` as it is. */
export function stopOnStepFailure(ctx: RunContext, err: unknown): unknown {
  const stop = stopOfStepFailure(err);
  // Consulted only where a step stopped this way, so every other run issues what it always did.
  if (!stop || !patched(PATCHES.stepStops.id) || !ctx.stopper.halt(stop)) return err;
  return new CancelledFailure(`stopped: ${stop.message}`);
}
