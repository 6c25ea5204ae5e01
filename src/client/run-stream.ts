// Streams a run's event log to a client. It reads what Temporal already records (the history, and the heartbeat
// details of a model call in flight; run-follower.ts reads each once per process), so streaming adds nothing to
// history, and any client can pick the stream up at any offset, from any process, across cancels and continuations.
import type { Client } from '@temporalio/client';
import type { ExecutionRecord } from '../history/decode.js';
import { eventLog, logSize } from '../history/event-log.js';
import { executionNumber, toRunOutput } from '../history/projections.js';
import { RunStatus, type StreamEvent } from '../core/types.js';
import { getClient, type ConnectionOptions } from './connection.js';
import { checkRunId } from './run-id.js';
import { readExecution, readPredecessors } from '../history/read-execution.js';
import { RunFollower } from './run-follower.js';

/** Where a stream starts and how it follows the run (an Agent's stream methods take these; connection from the Agent). */
export interface StreamOptions {
  /** Resume here: the `nextOffset` of the last event received. Default 0, the start of the run. */
  fromOffset?: number;
  /** How often to read a model call's live text while one is in flight (history news arrives as it is recorded). Default 100 ms. */
  pollIntervalMs?: number;
  /** End the stream when the run pauses for a human (default), or keep following it until it closes. */
  stopAtPause?: boolean;
}

const DEFAULT_POLL_MS = 100;

/** Every execution of the run id, oldest first. */
async function readChain(client: Client, runId: string): Promise<ExecutionRecord[]> {
  const latest = await readExecution(client, runId);
  return [...(latest.earlier ?? (await readPredecessors(client, runId, latest, new Map()))), latest];
}

/** Where the run's log ends now: a stream from here yields only what happens next. */
export async function logEnd(client: Client, runId: string): Promise<number> {
  return logSize(eventLog(await readChain(client, runId)));
}

/** The events of a run from `fromOffset` on, live, until its latest execution closes (or pauses). */
export async function* streamEvents(client: Client, runId: string, options: StreamOptions = {}): AsyncGenerator<StreamEvent> {
  const pollMs = options.pollIntervalMs ?? DEFAULT_POLL_MS;
  // What this stream sent of each step's text: text only grows within an attempt, a retry starts it over.
  const sentText = new Map<string, string>();
  let cursor = options.fromOffset ?? 0;
  let pausedOn = '';
  // The run's one follower in this process (run-follower.ts) reads what is new; this stream serves it from its offset.
  for (;;) {
    const subscription = RunFollower.of(client, runId).join(pollMs);
    try {
      let version = 0;
      for (;;) {
        const state = await subscription.next(version);
        version = state.version;
        const { chain, live } = state;
        const latest = chain[chain.length - 1]!;
        const open = latest.state === 'running';
        const items = eventLog(chain, open ? live : undefined);
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
        if (!open) {
          if (!state.ended) continue;
          // The follower's last look for a newer execution began before this stream joined: look again, afresh.
          if (subscription.joinedAt > state.checkedAfter) break;
          return;
        }
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
      }
    } finally {
      subscription.leave();
    }
  }
}

/** Reconnect to a run's stream from any process: `streamRun(runId, { fromOffset: last.nextOffset, ...connection })`. */
export async function* streamRun(runId: string, options: StreamOptions & ConnectionOptions = {}): AsyncGenerator<StreamEvent> {
  checkRunId(runId);
  yield* streamEvents(await getClient(options), runId, options);
}
