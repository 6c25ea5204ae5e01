// Activity policies as constants: a change here changes the commands the loop emits, so treat it like loop code.
import { ActivityCancellationType } from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/workflow';
import { FailureTypes, type FallbackModels, type StepTimeouts } from '../core/types.js';
import { fallbackAttempts } from '../models/fallbacks.js';

const NON_RETRYABLE = [
  FailureTypes.toolNotRegistered,
  FailureTypes.payloadTooLarge,
  FailureTypes.badRequest,
  FailureTypes.authentication,
  FailureTypes.permission,
  FailureTypes.notFound,
  FailureTypes.requestTooLarge,
];

/**
 * How long a step may go without a heartbeat before Temporal takes its worker for dead and retries the step on another:
 * most of the time a crashed worker's step waits to run again (bench: handover). Steps heartbeat far more often (model
 * calls every 200 ms, tool calls at least every quarter of this, src/activities/heartbeat-loop.ts), so a busy worker is
 * not taken for a dead one. Temporal's own AI SDK sample uses the same 3 s.
 */
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 3_000;

export const MODEL_ACTIVITY_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  // The activity heartbeats on a timer and on every stream event; a silent worker is a dead worker.
  heartbeatTimeout: DEFAULT_HEARTBEAT_TIMEOUT_MS,
  // Wait for the activity to acknowledge the cancel so its partial usage is recorded before the run closes.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 6,
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
};

export const TOOL_ACTIVITY_OPTIONS: ActivityOptions = {
  // A backstop: the activity enforces the tool's own timeout and answers the model with an error result.
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: DEFAULT_HEARTBEAT_TIMEOUT_MS,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 3,
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
};

/**
 * The task's own timeouts over a step's defaults. With none set the options are the constants themselves, so runs that
 * set none schedule exactly the commands recorded before timeouts were configurable.
 */
export function withTimeouts(options: ActivityOptions, kind: 'model' | 'tool', timeouts: StepTimeouts | undefined): ActivityOptions {
  const startToClose = kind === 'model' ? timeouts?.modelCallTimeoutMs : timeouts?.toolCallTimeoutMs;
  return {
    ...options,
    ...(timeouts?.heartbeatTimeoutMs !== undefined ? { heartbeatTimeout: timeouts.heartbeatTimeoutMs } : {}),
    ...(startToClose !== undefined ? { startToCloseTimeout: startToClose } : {}),
  };
}

/** Resolving the run's tools on a worker: quick, and a missing or different tool fails the run at once. */
export const RESOLVE_TOOLS_OPTIONS: ActivityOptions = {
  activityId: 'resolve-tools',
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: [FailureTypes.toolNotRegistered, FailureTypes.toolMismatch] },
};

/** Checking a human's values against the tool's schema: quick, and a failure leaves the run paused, not failed. */
/** The decideGate activity (a policy gate's per-call decision): quick, retried like the user input check. */
export const DECIDE_GATE_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
};

export const USER_INPUT_CHECK_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
};

/**
 * A run with fallback models gives its model steps every model's attempts (src/models/fallbacks.ts); without any the
 * options are unchanged, so runs without fallbacks schedule the commands recorded before fallbacks existed.
 */
export function withFallbacks(options: ActivityOptions, fallbacks: FallbackModels | undefined): ActivityOptions {
  if (!fallbacks?.models.length) return options;
  return { ...options, retry: { ...options.retry, maximumAttempts: fallbackAttempts(fallbacks) } };
}
