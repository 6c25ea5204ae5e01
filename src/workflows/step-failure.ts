// Turns a step's final failure into the run's failure: one readable, non-retryable error that names the step.
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { FailureTypes } from '../core/types.js';
import type { StepPlan } from './conversation.js';

export function stepFailure(plan: StepPlan, err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure && err.nonRetryable) return err;
  const cause = err instanceof ActivityFailure ? err.cause : err;
  let type: string = plan.kind === 'model' ? FailureTypes.modelCallFailed : FailureTypes.toolCallFailed;
  let reason = cause instanceof Error ? cause.message : String(cause);
  if (cause instanceof ApplicationFailure && cause.type) type = cause.type;
  if (cause instanceof TimeoutFailure) reason = `timed out (${cause.timeoutType !== undefined ? String(cause.timeoutType) : 'unknown'})`;
  return ApplicationFailure.create({
    type,
    message: `Step ${plan.index} (${plan.name}, activity ${plan.activityId}) failed: ${reason}`,
    nonRetryable: true,
    details: [{ stepIndex: plan.index, activityId: plan.activityId }],
    cause: err instanceof Error ? err : undefined,
  });
}

/**
 * An activity's non-retryable refusal (a typed error it raised as an ApplicationFailure) as the failure itself, not
 * wrapped in the ActivityFailure that carried it; anything else is returned as it is.
 */
export function unwrappedRefusal(err: unknown): unknown {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  if (!(cause instanceof ApplicationFailure && cause.nonRetryable)) return err;
  return ApplicationFailure.create({ type: cause.type ?? undefined, message: cause.message, nonRetryable: true, details: [...(cause.details ?? [])] });
}
