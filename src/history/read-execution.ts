// Fetch → decode: one execution of a run, read from the Temporal server (history-pages.ts fetches the events) and
// decoded with the client's own data converter (src/history/decode.ts). The only place the client reads history.
import type { Client } from '@temporalio/client';
import { isGrpcServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { decodeExecution, type ExecutionRecord } from './decode.js';
import { payloadDecoderOf } from './payload-decoder.js';
import { RunNotFoundError } from '../core/errors.js';
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

/**
 * The closed executions before `latest`, oldest first, following the continuation chain back through the seeds
 * (a fork's seed points into its parent run: its chain starts with itself). `closed` caches what was read.
 */
export async function readPredecessors(client: Client, runId: string, latest: ExecutionRecord, closed: Map<string, ExecutionRecord>): Promise<ExecutionRecord[]> {
  const chain: ExecutionRecord[] = [];
  let record = latest;
  while (record.input.seed && record.input.seed.executions > 0 && !record.input.forkedFrom) {
    const previousId = record.input.seed.continuedFrom;
    let previous = closed.get(previousId);
    if (!previous) {
      previous = await readExecution(client, runId, previousId);
      closed.set(previousId, previous);
    }
    chain.unshift(previous);
    record = previous;
  }
  return chain;
}
