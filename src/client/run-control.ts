// Run-level operations that need no Agent: cancel a run, read what it did.
import type { Client } from '@temporalio/client';
import type { RunOutput, StepResult, StopMode } from '../core/types.js';
import { stopSignal } from '../workflows/stop-signal.js';
import { stepsQuery } from '../workflows/definitions.js';
import { getClient, type ConnectionOptions } from './connection.js';
import { RunNotFoundError, RunNotRunningError } from '../core/errors.js';
import { toRunOutput } from '../history/projections.js';
import { isNotFound, readContinued, readExecution } from '../history/read-execution.js';
import { awaitClose } from './run-close.js';
import { checkRunId } from './run-id.js';

export interface CancelOptions extends ConnectionOptions {
  /**
   * `now` (default): running model and tool calls are aborted and run again on continue. `afterStep`: they finish and
   * keep their results, nothing new starts, then the run closes cancelled (continue takes their results).
   */
  mode?: StopMode;
  /** Why: recorded with the run, shown in RunOutput.stop, `show`, `list` and the Web UI. */
  reason?: string;
  /**
   * Resolve only once the run has stopped, with its RunOutput: status `cancelled`, or `completed` / `error` when the run
   * finished before the cancel took effect (a run's last step can complete while the request travels). Default false:
   * resolve as soon as Temporal accepted the request.
   */
  wait?: boolean;
  /** With `wait`: give up waiting (an AbortError/TimeoutError rejects) when this signal aborts, e.g. AbortSignal.timeout(30_000). */
  signal?: AbortSignal;
}

/**
 * Requests cancellation of the run's open execution and resolves once Temporal accepted the request — or, with
 * `{ wait: true }`, once the run stopped, with its output. The run stops promptly: running model and tool calls are
 * aborted through their activities' heartbeats.
 */
export async function cancelRun(runId: string, options: CancelOptions & { wait: true }): Promise<RunOutput>;
export async function cancelRun(runId: string, options?: CancelOptions): Promise<void>;
export async function cancelRun(runId: string, options: CancelOptions = {}): Promise<RunOutput | void> {
  checkRunId(runId);
  if (options.mode !== undefined && options.mode !== 'now' && options.mode !== 'afterStep') {
    throw new TypeError(`cancelRun mode must be "now" or "afterStep", got ${String(options.mode)}.`);
  }
  const client = await getClient(options);
  const executionRunId = await cancelOpenExecution(client, runId, options);
  if (!options.wait) return;
  await awaitClose(client, runId, executionRunId, options.signal);
  return toRunOutput(await readContinued(client, await readExecution(client, runId, executionRunId)));
}

/**
 * Sends the stop and the cancel request to the run's open execution; returns its Temporal run id. An execution that
 * continued as new between the look and the request hands the request to the one it continued in.
 */
async function cancelOpenExecution(client: Client, runId: string, options: CancelOptions): Promise<string> {
  for (;;) {
    let status: string;
    let executionRunId: string;
    try {
      const description = await client.workflow.getHandle(runId).describe();
      status = description.status.name;
      executionRunId = description.runId;
    } catch (err) {
      if (isNotFound(err)) throw new RunNotFoundError(runId);
      throw err;
    }
    if (status !== 'RUNNING') throw new RunNotRunningError(runId, status);
    // The execution described, not "the latest": a continuation started meanwhile is not this request's to cancel.
    const handle = client.workflow.getHandle(runId, executionRunId);
    try {
      // How and why first, so the run knows both when the cancel reaches it (a worker without the handler ignores it).
      if (options.mode !== undefined || options.reason !== undefined) {
        await handle.signal(stopSignal, { mode: options.mode ?? 'now', ...(options.reason !== undefined ? { reason: options.reason } : {}) });
      }
      await handle.cancel();
      return executionRunId;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      // It closed between describe() and cancel(): by continuing as new the run goes on, so ask its next execution.
      const closed = await client.workflow.getHandle(runId, executionRunId).describe();
      if (closed.status.name !== 'CONTINUED_AS_NEW') throw new RunNotRunningError(runId, 'closed');
    }
  }
}

/** The run as its history shows it now (latest execution), running or closed. */
export async function getRunOutput(runId: string, options: ConnectionOptions = {}): Promise<RunOutput> {
  checkRunId(runId);
  return toRunOutput(await readExecution(await getClient(options), runId));
}

/**
 * The steps of a run so far, running ones included: the latest execution's live step list (a query), and the steps
 * before it from history where that execution started after a continue-as-new (its list starts at the boundary).
 */
export async function getLiveSteps(runId: string, options: ConnectionOptions = {}): Promise<StepResult[]> {
  checkRunId(runId);
  const client = await getClient(options);
  try {
    return await runSteps(client, runId);
  } catch (err) {
    if (isNotFound(err)) throw new RunNotFoundError(runId);
    throw err;
  }
}

/**
 * The open execution's own live step list (a query): the steps since the run last continued as new, running ones
 * included. What a caller that wants a step of the current execution asks, without reading any history.
 */
export async function executionSteps(client: Client, runId: string): Promise<StepResult[]> {
  return client.workflow.getHandle(runId).query(stepsQuery);
}

/** getLiveSteps on a client (RunHandle.steps). */
export async function runSteps(client: Client, runId: string): Promise<StepResult[]> {
  const live = await executionSteps(client, runId);
  if (live[0]?.index === 0) return live;
  // A list that starts past step 0 (or none yet): the execution continued as new, the steps before it are in history.
  const first = live[0]?.index ?? Number.POSITIVE_INFINITY;
  const earlier = toRunOutput(await readExecution(client, runId)).stepResults.filter((step) => step.index < first);
  return [...earlier, ...live];
}
