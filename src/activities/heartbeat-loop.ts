// Shared by both activities: heartbeats on a timer (so Temporal's cancel reaches us even while the work is silent)
// and turns Temporal's cancellation into an abort of our own controller, which also serves timeouts.
import { once } from 'node:events';
import { Context } from '@temporalio/activity';
import type { CancelWatch } from './cancel-watch.js';

export interface HeartbeatLoop {
  /** Aborted on cancellation, on `abort()`, or when the activity's own deadline passes. */
  readonly signal: AbortSignal;
  abort(reason: Error): void;
  stop(): void;
}

/** After the workflow reports a cancel request: about how long its worker takes to have the server record the step's cancel. */
const HURRY_DELAY_MS = 100;

/** Heartbeat slowly until someone asks to cancel the run (cancel-watch.ts), then every `intervalMs`. */
export interface QuietHeartbeats {
  watch: CancelWatch;
  intervalMs: number;
}

export function startHeartbeatLoop(intervalMs: number, details: () => unknown, quiet?: QuietHeartbeats): HeartbeatLoop {
  const ctx = Context.current();
  const controller = new AbortController();
  const onCancel = (): void => controller.abort(ctx.cancellationSignal.reason);
  if (ctx.cancellationSignal.aborted) onCancel();
  else ctx.cancellationSignal.addEventListener('abort', onCancel, { once: true });
  // No heartbeat at once: a call shorter than one interval needs none, and a heartbeat RPC costs ~2 ms a step. A cancel
  // still arrives within about one interval, the same bound the SDK's heartbeat throttle sets anyway.
  const beat = (): void => ctx.heartbeat(details());
  // Quiet: no slower than a quarter of the heartbeat timeout, so a live step is never taken for a lost one.
  const timeoutMs = ctx.info.heartbeatTimeoutMs;
  const execution = ctx.info.workflowExecution;
  const quietMs = quiet && execution ? Math.max(intervalMs, Math.min(quiet.intervalMs, timeoutMs ? timeoutMs / 4 : quiet.intervalMs)) : intervalMs;
  let timer = setInterval(beat, quietMs);
  let unwatch = (): void => undefined;
  if (quiet && execution && quietMs > intervalMs) {
    unwatch = quiet.watch.watch(execution.workflowId, execution.runId, () => {
      if (controller.signal.aborted) return;
      clearInterval(timer);
      // The workflow reports the request before its worker sends the cancel of this step to the server: a heartbeat
      // sent at once would come back without it, and the SDK's throttle would hold the next one a whole interval.
      const first = setTimeout(() => {
        beat();
        timer = setInterval(beat, intervalMs);
      }, HURRY_DELAY_MS);
      timer = first;
    });
  }
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    stop: () => {
      clearInterval(timer);
      unwatch();
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
