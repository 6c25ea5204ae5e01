// Fetch → decode: one execution of a run, read from the Temporal server (history-pages.ts fetches the events) and
// decoded with the client's own data converter (src/history/decode.ts). The only place the client reads history.
import type { Client } from '@temporalio/client';
import { isGrpcServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { decodeExecution, type ExecutionRecord } from './decode.js';
import { payloadDecoderOf } from './payload-decoder.js';
import { RunNotFoundError } from '../core/errors.js';
import type { ToolCallResult } from '../core/types.js';
import { fetchEvents } from './history-pages.js';
import { toolResultsOf } from './projections.js';

const GRPC_NOT_FOUND = 5;

export function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND);
}

/**
 * Reads one execution (the latest when `executionRunId` is omitted) of a run from the Temporal server; when it started
 * from a snapshot (the run continued as new), with the earlier executions that hold the steps before it (`earlier`).
 */
export async function readExecution(client: Client, runId: string, executionRunId?: string, options: { earlier?: boolean } = {}): Promise<ExecutionRecord> {
  const record = await readOne(client, runId, executionRunId);
  // Without them (`earlier: false`) only what needs no step before the snapshot may be projected (runSinceSnapshot).
  if (options.earlier ?? true) await linkEarlier(client, record, new Map());
  return record;
}

/**
 * Links the earlier executions to a record that started from a snapshot (see ExecutionRecord.earlier), reading those
 * not in `closed` (which caches what was read); a record that did not is left as it is.
 */
export async function linkEarlier(client: Client, record: ExecutionRecord, closed: Map<string, ExecutionRecord>): Promise<void> {
  if (record.input.seed?.snapshot && !record.earlier) record.earlier = await readPredecessors(client, record.runId, record, closed);
}

/** The execution a run's chain of continue-as-new from `record` ends in (`record` itself unless it continued as new), linked. */
export async function readContinued(client: Client, record: ExecutionRecord): Promise<ExecutionRecord> {
  const closed = new Map<string, ExecutionRecord>([[record.executionRunId, record]]);
  let last = record;
  while (last.continuedAs) {
    last = await readOne(client, record.runId, last.continuedAs);
    closed.set(last.executionRunId, last);
  }
  await linkEarlier(client, last, closed);
  return last;
}

/**
 * The tool results an execution holds, by activity id: what its tool steps recorded and what its seed carried (a worker
 * fills a snapshot's references from them).
 */
export async function recordedToolResults(client: Client, runId: string, executionRunId: string): Promise<Map<string, ToolCallResult>> {
  return toolResultsOf(await readOne(client, runId, executionRunId));
}

async function readOne(client: Client, runId: string, executionRunId?: string): Promise<ExecutionRecord> {
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
 * (a fork's first execution counts none before it: its seed points into its parent run, and its chain starts with
 * itself). `closed` caches what was read. Each one
 * that started from a snapshot is linked to those before it (`earlier`).
 */
export async function readPredecessors(client: Client, runId: string, latest: ExecutionRecord, closed: Map<string, ExecutionRecord>): Promise<ExecutionRecord[]> {
  const chain: ExecutionRecord[] = [];
  let record = latest;
  while (record.input.seed && record.input.seed.executions > 0) {
    const previousId = record.input.seed.continuedFrom;
    let previous = closed.get(previousId);
    if (!previous) {
      previous = await readOne(client, runId, previousId);
      closed.set(previousId, previous);
    }
    chain.unshift(previous);
    record = previous;
  }
  chain.forEach((r, i) => {
    if (r.input.seed?.snapshot && !r.earlier) r.earlier = chain.slice(0, i);
  });
  return chain;
}
