// The workflow tells its worker, through a sink (no command, nothing in history), that someone asked to cancel the
// run. Tool steps heartbeat slowly while nobody has; the worker then heartbeats them at once and quickly, so the
// cancel, which Temporal delivers in a heartbeat's response, still reaches them fast (src/activities/cancel-watch.ts).
import { proxySinks, type Sinks } from '@temporalio/workflow';

export interface CancelSinks extends Sinks {
  durableAgentCancel: {
    requested(): void;
  };
}

export const cancelSinks = proxySinks<CancelSinks>();
