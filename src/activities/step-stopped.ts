// What a step throws when it was told to stop: Temporal's cancel of the run (a CancelledFailure: the step is recorded
// as cancelled, with its last progress as details) or its worker shutting down (a retryable failure that asks for an
// immediate retry, so another worker takes the step over at once instead of after a heartbeat timeout or the retry
// policy's first interval). Either way the step's last progress travels with it.
import { CancelledFailure, Context } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';

/** The failure type of a step handed back by a worker that shuts down (what the next attempt's lastFailure shows). */
export const WORKER_SHUTDOWN_FAILURE = 'WorkerShutdown';
/** The retry delay a handed-back step asks for: at once (Temporal reads a zero delay as "use the retry policy's"). */
const HANDOVER_RETRY_DELAY_MS = 1;

/** True once the SDK cancelled the running activity because its worker is shutting down. */
export function workerShuttingDown(ctx: Context = Context.current()): boolean {
  const reason: unknown = ctx.cancellationSignal.reason;
  return ctx.cancellationDetails?.workerShutdown === true || (reason instanceof CancelledFailure && reason.message === 'WORKER_SHUTDOWN');
}

/** What the activity throws once its cancellation signal fired; `what` names the step for the failure message. */
export function stepStopped(what: string, progress: unknown, ctx: Context = Context.current()): Error {
  if (workerShuttingDown(ctx)) {
    return ApplicationFailure.create({
      type: WORKER_SHUTDOWN_FAILURE,
      message: `${what} handed back: its worker is shutting down`,
      details: [progress],
      nextRetryDelay: HANDOVER_RETRY_DELAY_MS,
      // Expected in every rolling deploy: logged at DEBUG, not counted as an activity error.
      category: ApplicationFailureCategory.BENIGN,
    });
  }
  return new CancelledFailure(`${what} cancelled`, [progress]);
}
