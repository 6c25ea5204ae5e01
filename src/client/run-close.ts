// Waiting for an execution to close: the history API's long-poll for the close event, which decodes nothing (so it
// works on encrypted runs without their key) and returns as soon as the server records the close.
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { isNotFound } from './read-execution.js';
import { RunNotFoundError } from './errors.js';

const CLOSE_EVENT = proto.temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT;

/**
 * Resolves once the execution has closed (whatever its outcome). With `signal`, rejects with the signal's reason if
 * it aborts first.
 */
export async function awaitClose(client: Client, runId: string, executionRunId: string, signal?: AbortSignal): Promise<void> {
  const poll = async (): Promise<void> => {
    for (;;) {
      signal?.throwIfAborted();
      const page = await client.workflowService.getWorkflowExecutionHistory({
        namespace: client.options.namespace,
        execution: { workflowId: runId, runId: executionRunId },
        waitNewEvent: true,
        historyEventFilterType: CLOSE_EVENT,
        skipArchival: true,
      });
      if (page.history?.events?.length) return;
    }
  };
  try {
    await (signal ? client.withAbortSignal(signal, poll) : poll());
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    if (isNotFound(err)) throw new RunNotFoundError(runId);
    throw err;
  }
}
