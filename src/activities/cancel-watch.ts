// Heartbeats that scale: a tool step heartbeats every `quietIntervalMs` while nobody asked to cancel its run, and at
// the worker's heartbeat interval once someone did. Temporal delivers a cancel in the response to a heartbeat, so a
// slow heartbeat would make cancels slow; but the run's workflow learns of the cancel request first (a workflow task,
// usually on this same worker) and says so through a sink (src/workflows/cancel-sink.ts), which hurries the run's
// steps here. A step whose workflow runs on another worker still learns of the cancel within the quiet interval.
import type { InjectedSinks } from '@temporalio/worker';
import type { CancelSinks } from '../workflows/cancel-sink.js';

/** How often a tool step heartbeats while nobody asked to cancel its run (capped at a quarter of its heartbeat timeout). */
export const DEFAULT_QUIET_HEARTBEAT_INTERVAL_MS = 2_000;

export class CancelWatch {
  private readonly waiting = new Map<string, Set<() => void>>();
  /** Runs asked to cancel recently: a step that starts just after the request hurries at once. */
  private readonly requested = new Map<string, number>();

  /** Calls `hurry` when someone asks to cancel this execution; returns the call that stops watching. */
  watch(workflowId: string, runId: string, hurry: () => void): () => void {
    const key = `${workflowId}/${runId}`;
    if (this.requested.has(key)) {
      hurry();
      return () => undefined;
    }
    let set = this.waiting.get(key);
    if (!set) this.waiting.set(key, (set = new Set()));
    set.add(hurry);
    return () => {
      set.delete(hurry);
      if (set.size === 0 && this.waiting.get(key) === set) this.waiting.delete(key);
    };
  }

  requestedFor(workflowId: string, runId: string): void {
    const key = `${workflowId}/${runId}`;
    this.requested.set(key, Date.now());
    for (const [k, at] of this.requested) if (Date.now() - at > 60_000) this.requested.delete(k);
    const hurries = this.waiting.get(key);
    this.waiting.delete(key);
    for (const hurry of hurries ?? []) hurry();
  }

  /** The worker's side of the workflow's cancel sink. */
  sinks(): InjectedSinks<CancelSinks> {
    return {
      durableAgentCancel: {
        requested: { fn: (info) => this.requestedFor(info.workflowId, info.runId), callDuringReplay: false },
      },
    };
  }
}
