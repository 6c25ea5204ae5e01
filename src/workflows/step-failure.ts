// Turns a step's final failure into the run's failure: one readable, non-retryable error that names the step.
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { FailureTypes } from '../types.js';
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
