// Waiting for an execution to close, whatever its outcome: the SDK's own long-poll for the close event
// (WorkflowHandle.result()), so a time-skipping test client skips time while it waits, as it does for any workflow.
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { missingCodecError } from '../history/decode.js';
import { RunNotFoundError } from '../core/errors.js';
import { isNotFound } from '../history/read-execution.js';

/**
 * Resolves once the execution has closed. A cancelled or failed run is an outcome here, not an error, and so is a
 * result this client cannot decode (an encrypted or compressed run without its codec): the caller reads the history
 * next, which says so. With `signal`, rejects with the signal's reason if it aborts first.
 */
export async function awaitClose(client: Client, runId: string, executionRunId: string, signal?: AbortSignal): Promise<void> {
  const wait = (): Promise<unknown> => client.workflow.getHandle(runId, executionRunId).result();
  try {
    await (signal ? client.withAbortSignal(signal, wait) : wait());
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    if (err instanceof WorkflowFailedError || missingCodecError(err, runId)) return;
    if (isNotFound(err)) throw new RunNotFoundError(runId);
    throw err;
  }
}
