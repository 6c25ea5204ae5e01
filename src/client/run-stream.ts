// Streams a run's event log to a client. It polls what Temporal already records (the history, and the heartbeat
// details of a model call in flight), so streaming adds nothing to history, and any client can pick the stream up
// at any offset, from any process, across cancels and continuations.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { STEP_ACTIVITY } from '../activities/contract.js';
import type { ExecutionRecord } from '../history/decode.js';
import { eventLog, logSize, type LiveText } from '../history/event-log.js';
import { payloadDecoderOf, type PayloadDecoder } from '../history/payload-decoder.js';
import { executionNumber, toRunOutput } from '../history/projections.js';
import { RunStatus, type ModelCallProgress, type StreamEvent } from '../types.js';
import { getClient, type ConnectionOptions } from './connection.js';
import { checkRunId } from './run-id.js';
import { isNotFound, readExecution } from './read-execution.js';

/** Where a stream starts and how it follows the run (an Agent's stream methods take these; connection from the Agent). */
export interface StreamOptions {
  /** Resume here: the `nextOffset` of the last event received. Default 0, the start of the run. */
  fromOffset?: number;
  /** How often to look for news while the run works. Default 100 ms. */
  pollIntervalMs?: number;
  /** End the stream when the run pauses for a human (default), or keep following it until it closes. */
  stopAtPause?: boolean;
}

const DEFAULT_POLL_MS = 100;

/** Every execution of the run id, oldest first, following the continuation chain back through the seeds. */
async function readChain(client: Client, runId: string, closed: Map<string, ExecutionRecord>): Promise<ExecutionRecord[]> {
  const latest = await readExecution(client, runId);
  const chain = [latest];
  let record = latest;
  // A fork's seed points into its parent run: its log starts with itself.
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

async function liveText(client: Client, record: ExecutionRecord, decoder: PayloadDecoder): Promise<LiveText | undefined> {
  const running = record.activities.find((a) => a.status === 'running' && a.activityType === STEP_ACTIVITY.model);
  if (!running) return undefined;
  let pending;
  try {
    const description = await client.workflow.getHandle(record.runId, record.executionRunId).describe();
    pending = description.raw.pendingActivities?.find((p) => p.activityId === running.activityId);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  if (!pending?.heartbeatDetails?.payloads?.length) return undefined;
  const [progress] = (await decoder.values(pending.heartbeatDetails.payloads)) as [ModelCallProgress | undefined];
  // Temporal keeps the last heartbeat across attempts: until the new attempt reports, its text is empty.
  const attempt = pending.attempt ?? 1;
  if (!progress || (progress.attempt !== undefined && progress.attempt !== attempt)) return { activityId: running.activityId, attempt, text: '' };
  return { activityId: running.activityId, attempt, text: progress.partialText };
}

/** Where the run's log ends now: a stream from here yields only what happens next. */
export async function logEnd(client: Client, runId: string): Promise<number> {
  return logSize(eventLog(await readChain(client, runId, new Map())));
}

/** The events of a run from `fromOffset` on, live, until its latest execution closes (or pauses). */
export async function* streamEvents(client: Client, runId: string, options: StreamOptions = {}): AsyncGenerator<StreamEvent> {
  const pollMs = options.pollIntervalMs ?? DEFAULT_POLL_MS;
  const decoder = payloadDecoderOf(client.options.loadedDataConverter);
  const closed = new Map<string, ExecutionRecord>();
  // What this stream sent of each step's text: text only grows within an attempt, a retry starts it over.
  const sentText = new Map<string, string>();
  let cursor = options.fromOffset ?? 0;
  let pausedOn = '';
  for (;;) {
    const chain = await readChain(client, runId, closed);
    const latest = chain[chain.length - 1]!;
    const open = latest.state === 'running';
    const items = eventLog(chain, open ? await liveText(client, latest, decoder) : undefined);
    let offset = 0;
    for (const entry of items) {
      if (entry.text) {
        const sent = sentText.get(entry.text.key);
        if (sent !== undefined && !entry.text.value.startsWith(sent)) {
          yield entry.text.restarted(offset);
          sentText.set(entry.text.key, '');
          cursor = Math.min(cursor, offset);
        }
      }
      const end = offset + entry.size;
      if (end > cursor) {
        yield entry.build(Math.max(offset, cursor), Math.max(0, cursor - offset));
        cursor = end;
        if (entry.text) sentText.set(entry.text.key, entry.text.value);
      }
      offset = end;
    }
    if (!open) return;
    const output = toRunOutput(latest);
    if (output.status === RunStatus.paused) {
      const key = output.requirements.map((r) => r.id).join(',');
      if (key !== pausedOn) {
        pausedOn = key;
        const execution = executionNumber(latest);
        yield { type: 'paused', runId, execution, offset: cursor, nextOffset: cursor, requirements: output.requirements };
      }
      if (options.stopAtPause ?? true) return;
    } else {
      pausedOn = '';
    }
    await sleep(pollMs);
  }
}

/** Reconnect to a run's stream from any process: `streamRun(runId, { fromOffset: last.nextOffset, ...connection })`. */
export async function* streamRun(runId: string, options: StreamOptions & ConnectionOptions = {}): AsyncGenerator<StreamEvent> {
  checkRunId(runId);
  yield* streamEvents(await getClient(options), runId, options);
}
