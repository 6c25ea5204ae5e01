// Graceful shutdown of a durable-agent worker on a process signal: the worker stops polling, its in-flight model and
// tool calls are told to stop (their `signal` aborts) and hand themselves back to Temporal as a retryable
// `WorkerShutdown` failure that asks for an immediate retry (src/activities/step-stopped.ts), so another worker takes
// them over at once — with the tool's checkpoint — instead of after a heartbeat timeout. Completed steps are in the
// run's history already and never run again.
import type { Worker } from '@temporalio/worker';

/** The signals createWorker's workers shut down on by default: what `kill`, Kubernetes, systemd and Ctrl-C send. */
export const DEFAULT_SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/** Options of `shutdownOnSignals`. */
export interface ShutdownOnSignalsOptions {
  /** Default DEFAULT_SHUTDOWN_SIGNALS. */
  signals?: readonly NodeJS.Signals[];
  /** Called with the signal as the shutdown starts (e.g. to log it). */
  onShutdown?: (signal: NodeJS.Signals) => void;
}

/**
 * Shuts `worker` down gracefully on the first of `signals`; its `run()` then resolves once the in-flight steps are
 * handed back. The handlers go after the first signal, so a second one ends the process the usual way. Returns a
 * function that removes them (createWorker's `run()` does so when it ends). A handler of the application's own that
 * calls `worker.shutdown()` on the same signal is fine: this one runs after it and does nothing then.
 */
export function shutdownOnSignals(worker: Worker, options: ShutdownOnSignalsOptions = {}): () => void {
  const signals = options.signals ?? DEFAULT_SHUTDOWN_SIGNALS;
  const remove = (): void => {
    for (const signal of signals) process.off(signal, onSignal);
  };
  function onSignal(signal: NodeJS.Signals): void {
    remove();
    options.onShutdown?.(signal);
    // Deferred, as Temporal's runtime defers its own: whoever shuts the worker down first, the others find it stopping.
    queueMicrotask(() => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    });
  }
  for (const signal of signals) process.on(signal, onSignal);
  return remove;
}
