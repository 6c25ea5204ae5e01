// Shared by both activities: heartbeats on a timer (so Temporal's cancel reaches us even while the work is silent)
// and turns Temporal's cancellation into an abort of our own controller, which also serves timeouts.
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

/** A promise that rejects when the signal aborts: raced against work that may ignore the signal. */
export function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}
