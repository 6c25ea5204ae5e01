// Fetch → decode: one execution of a run, read from the Temporal server (history-pages.ts fetches the events) and
// decoded with the client's own data converter (src/history/decode.ts). The only place the client reads history.
import type { Client } from '@temporalio/client';
import { isGrpcServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { decodeExecution, type ExecutionRecord } from '../history/decode.js';
import { payloadDecoderOf } from '../history/payload-decoder.js';
import { RunNotFoundError } from './errors.js';
import { fetchEvents } from './history-pages.js';

const GRPC_NOT_FOUND = 5;

export function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND);
}

/** Reads one execution (the latest when `executionRunId` is omitted) of a run from the Temporal server. */
export async function readExecution(client: Client, runId: string, executionRunId?: string): Promise<ExecutionRecord> {
  let events;
  try {
    events = await fetchEvents(client, runId, executionRunId);
  } catch (err) {
    if (isNotFound(err)) throw new RunNotFoundError(runId);
    throw err;
  }
  return decodeExecution(events, payloadDecoderOf(client.options.loadedDataConverter), { runId, ...(executionRunId ? { executionRunId } : {}) });
}
