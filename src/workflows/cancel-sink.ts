// The workflow tells its worker, through a sink (no command, nothing in history), that the run's running steps are
// being cut (a cancel, an interrupt, the time limit: src/workflows/run-stop.ts). Tool steps heartbeat slowly until
// then; the worker then heartbeats them at once and quickly, so the cancel, which Temporal delivers in a heartbeat's
// response, still reaches them fast (src/activities/cancel-watch.ts).
import { proxySinks, type Sinks } from '@temporalio/workflow';

export interface CancelSinks extends Sinks {
  durableAgentCancel: {
    requested(): void;
  };
}

export const cancelSinks = proxySinks<CancelSinks>();
