// Shared by both activities: heartbeats on a timer (so Temporal's cancel reaches us even while the work is silent)
// and turns Temporal's cancellation into an abort of our own controller, which also serves timeouts.
import { once } from 'node:events';
import { Context } from '@temporalio/activity';

export interface HeartbeatLoop {
  /** Aborted on cancellation, on `abort()`, or when the activity's own deadline passes. */
  readonly signal: AbortSignal;
  abort(reason: Error): void;
  stop(): void;
}

export function startHeartbeatLoop(intervalMs: number, details: () => unknown): HeartbeatLoop {
  const ctx = Context.current();
  const controller = new AbortController();
  const onCancel = (): void => controller.abort(ctx.cancellationSignal.reason);
  if (ctx.cancellationSignal.aborted) onCancel();
  else ctx.cancellationSignal.addEventListener('abort', onCancel, { once: true });
  // No heartbeat at once: a call shorter than one interval needs none, and a heartbeat RPC costs ~2 ms a step. A cancel
  // still arrives within about one interval, the same bound the SDK's heartbeat throttle sets anyway.
  const timer = setInterval(() => ctx.heartbeat(details()), intervalMs);
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    stop: () => {
      clearInterval(timer);
      ctx.cancellationSignal.removeEventListener('abort', onCancel);
    },
  };
}

/** The signal's reason as an Error: what a wait cut by the signal rejects with. */
export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason ?? 'aborted'));
}

/** A promise that rejects when the signal aborts: raced against work that may ignore the signal. */
export async function whenAborted(signal: AbortSignal): Promise<never> {
  if (!signal.aborted) await once(signal, 'abort');
  throw abortReason(signal);
}
