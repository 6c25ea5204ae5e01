// The signal cancelRun sends a run before it asks Temporal to cancel it: how (mode) and why (reason). Kept apart from
// the loop so the client can import it without pulling the workflow body into its bundle.
import { defineSignal } from '@temporalio/workflow';
import type { RunStop, StopRequest } from '../core/types.js';

export const STOP_SIGNAL = 'stop';
export const stopSignal = defineSignal<[StopRequest]>(STOP_SIGNAL);

/** The stop of a run Temporal was asked to cancel: as its `stop` signal says, else today's cancel (`now`). */
export function stopOfCancel(request: StopRequest | undefined): RunStop {
  return { reason: 'cancelled', mode: request?.mode ?? 'now', message: request?.reason ?? 'cancelRun' };
}
