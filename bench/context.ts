// What every section gets: the servers, the in-process agent worker, the probes, and how to report a result.
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { Agent } from '../src/client/agent.js';
import type { Tool } from '../src/tools/tool-definition.js';
import type { FakeAnthropicServer, RecordedRequest } from '../src/testing/fake-anthropic/index.js';
import type { ToolProbe } from './tools.js';
import { createWorker, type CreateWorkerOptions } from '../src/worker/create-worker.js';

const { temporal } = proto;

export interface BenchContext {
  quick: boolean;
  /** The dev server runs with its transfer-queue poll limit raised (--tuned-server). */
  tunedServer: boolean;
  env: TestWorkflowEnvironment;
  client: Client;
  connection: NativeConnection;
  /** host:port of the Temporal dev server (child processes connect to it). */
  address: string;
  /** The fake model the in-process worker talks to (no latency). */
  fake: FakeAnthropicServer;
  probe: ToolProbe;
  tools: Tool[];
  taskQueue: string;
  agent(): Agent;
  bundle: { code: string };
  log(message: string): void;
}

/** One line of the results table. `pass` undefined = informational. */
export interface Row {
  section: string;
  metric: string;
  goal?: string;
  measured: string;
  pass?: boolean;
}

export interface SectionResult {
  rows: Row[];
  data: Record<string, unknown>;
}

/** What the bench reads of a fake model server's record of one request (the Anthropic fake's, the OpenAI fake's). */
export interface FakeRecord {
  turn: number;
  index: number;
  aborted: boolean;
  completed: boolean;
}

export interface ModelRequestLog<R extends FakeRecord = RecordedRequest> {
  turn: number;
  index: number;
  at: number;
  /** When the fake server saw the client go away (set through a hook on RecordedRequest.aborted). */
  abortedAt?: number;
  /** When the fake server finished the answer (set through a hook on RecordedRequest.completed). */
  completedAt?: number;
  record: R;
}

/** Calls `onSet` the first time `record[key]` turns true, keeping the field readable and writable as before. */
function onceTrue<R extends FakeRecord>(record: R, key: 'aborted' | 'completed', onSet: () => void): void {
  let value = record[key];
  Object.defineProperty(record, key, {
    configurable: true,
    enumerable: true,
    get: () => value,
    set: (next: boolean) => {
      if (next && !value) onSet();
      value = next;
    },
  });
}

/**
 * Wraps a responder so each request the fake answers is logged with its arrival time, and the moments the fake
 * notices the client hung up (it sets `record.aborted = true` on the socket's close) or finishes its answer
 * (`record.completed = true`) are captured exactly. Any fake whose records carry those fields (FakeResponder,
 * FakeOpenAIResponder).
 */
export function timedResponder<R extends FakeRecord, T>(inner: (record: R) => T, log: ModelRequestLog<R>[]): (record: R) => T {
  return (record) => {
    const entry: ModelRequestLog<R> = { turn: record.turn, index: record.index, at: performance.now(), record };
    onceTrue(record, 'aborted', () => (entry.abortedAt = performance.now()));
    onceTrue(record, 'completed', () => (entry.completedAt = performance.now()));
    log.push(entry);
    return inner(record);
  };
}

type History = proto.temporal.api.history.v1.IHistory;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

/** Protobuf-encoded size of a history: what the server stores and sends on fetchHistory. */
export function historyBytes(history: History): number {
  return temporal.api.history.v1.History.encode(temporal.api.history.v1.History.fromObject(history)).finish().length;
}

/** Size each event adds to the encoded History (field 1, length-delimited: tag + varint length + body). */
export function eventBytes(event: HistoryEvent): number {
  const body = temporal.api.history.v1.HistoryEvent.encode(temporal.api.history.v1.HistoryEvent.fromObject(event)).finish().length;
  let varint = 1;
  for (let v = body; v >= 0x80; v >>>= 7) varint++;
  return 1 + varint + body;
}

/** JSON size of a history as `temporal workflow show --output json` style text (payload data base64). */
export function historyJsonBytes(history: History): number {
  const History = temporal.api.history.v1.History;
  return JSON.stringify(History.toObject(History.fromObject(history), { longs: String, enums: String, bytes: String })).length;
}

export const now = (): number => performance.now();

/** Waits until `predicate` holds (it may ask a server: then give an `intervalMs` fit for it), failing after `timeoutMs`. */
export async function waitUntil(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000, intervalMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * A worker of a section's own on `taskQueue`: the bench's server, fake model and workflow bundle unless `options` say
 * otherwise. Run it with `worker.runUntil(...)`, which shuts it down when the section's work settles.
 */
export function sectionWorker(ctx: BenchContext, taskQueue: string, options: Partial<CreateWorkerOptions> = {}): Promise<Worker> {
  return createWorker({
    connection: ctx.connection,
    taskQueue,
    anthropic: { baseURL: ctx.fake.url, apiKey: 'bench-key' },
    workflowBundle: ctx.bundle,
    ...options,
  });
}
