// History → ExecutionRecord: the one decoder of an execution's recorded events. Pure (no server): it takes the events
// (fetched by src/history/history-pages.ts, or read from a saved history file) and a PayloadDecoder, and returns what
// the execution did — its input, each step's activity with its outcome, and how the execution closed. Everything
// users see of a run (RunOutput, the event log, the continuation seed) is a projection of these records.
import { ValueError } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { StepActivityType, Requirement, ResolvedTool, AgentRunResult, ModelCallInput, ModelCallProgress, RunError, RunInput, RunStop, StepOutcome, StopRequest, StepStatus, ToolCallInput } from '../core/types.js';
import { RunCompressedError, RunEncryptedError, RunNotFoundError } from '../core/errors.js';
import { ENCRYPTED_ENCODING } from '../codec/aes-gcm-codec.js';
import { ZLIB_ENCODING } from '../codec/zlib-codec.js';
import type { PayloadDecoder } from './payload-decoder.js';
import { activityEvents } from './decode/activity-events.js';
import { childEvents } from './decode/child-events.js';
import { runEvents } from './decode/run-events.js';
import { first, isoTime, type DecodeState, type EventAttributesKey, type EventHandler, type EventHandlers, type Timestamp } from './decode/state.js';

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export type ExecutionState = 'running' | 'completed' | 'failed' | 'cancelled' | 'terminated' | 'timed_out' | 'continued_as_new';

export interface ActivityRecord {
  activityId: string;
  activityType: StepActivityType;
  input: ModelCallInput | ToolCallInput;
  status: StepStatus;
  scheduledAt?: string;
  startedAt?: string;
  endedAt?: string;
  attempts: number;
  /** History event ids: where the step starts and ends in the run's order of events (the stream's order). */
  scheduledEventId: number;
  closedEventId?: number;
  outcome?: StepOutcome;
  /** Heartbeat/cancel details of a cut model call: its partial text and usage. */
  progress?: ModelCallProgress;
  /** Cancel details of a cut tool call: the last progress it reported (its checkpoint when it runs again). */
  checkpoint?: unknown;
  error?: string;
  /** A tool step that is not a `callTool` activity: an activityTool's own activity, or an agentTool's sub-run. */
  temporalTool?: 'activity' | 'agent';
  /** An agentTool step's sub-run: its run id (the child workflow id). */
  subRunId?: string;
}

export interface ExecutionRecord {
  runId: string;
  executionRunId: string;
  state: ExecutionState;
  /** The task queue the execution was started on: where its continuation belongs unless the caller moves it. */
  taskQueue: string;
  /** Someone asked Temporal to cancel this execution (it may still be stopping). */
  cancelRequested: boolean;
  input: RunInput;
  activities: ActivityRecord[];
  /** The worker's policy of each tool, once the run resolved its tools there (runs since that patch). */
  resolvedTools?: ResolvedTool[];
  /** What each sub-run last reported it waits for (its subRunRequirements signals), by sub-run id. */
  subRunRequirements?: Record<string, Requirement[]>;
  /** Policy gates decided so far (decideGate activities), by the step's activity id: true when the call waits for a human. */
  gateDecisions?: Record<string, boolean>;
  result?: AgentRunResult;
  failure?: RunError;
  /** How cancelRun asked the run to stop (its `stop` signals): the last mode, the first reason given. */
  stopRequest?: StopRequest;
  /** The run stopped itself (time limit, budget): the stop its RunStoppedError carries. */
  stop?: RunStop;
  startedAt?: string;
  closedAt?: string;
  historyEvents: number;
  /** Closed by continuing as new: the Temporal run id of the execution that goes on. */
  continuedAs?: string;
  /**
   * The run's executions before this one, oldest first: set by the reader (read-execution.ts) when this one started
   * from a snapshot (it continued as new, or continues such a run), whose earlier steps are in their histories.
   */
  earlier?: ExecutionRecord[];
}

export interface ExecutionIds {
  /** The run id (Temporal workflow id): history events do not carry it. */
  runId: string;
  /** The execution's Temporal run id; default the one its start event names. */
  executionRunId?: string;
}

/**
 * The typed error for a payload this client has no codec for, or undefined for any other error. A payload converter
 * that meets one says "Unknown encoding: binary/encrypted" (an encrypted run, no key) or "…: binary/zlib" (a
 * compressed run, no zlib codec).
 */
export function missingCodecError(err: unknown, runId: string): RunEncryptedError | RunCompressedError | undefined {
  if (!(err instanceof ValueError)) return undefined;
  if (err.message.includes(ENCRYPTED_ENCODING)) return new RunEncryptedError(runId);
  if (err.message.includes(ZLIB_ENCODING)) return new RunCompressedError(runId);
  return undefined;
}

/**
 * Decodes one execution's events. Throws RunNotFoundError when they are not a durable-agent run's, and
 * RunEncryptedError when its payloads are encrypted and the decoder has no key for them (RunCompressedError when they
 * are compressed and it has no zlib codec).
 */
export async function decodeExecution(events: HistoryEvent[], decoder: PayloadDecoder, ids: ExecutionIds): Promise<ExecutionRecord> {
  const incremental = new ExecutionDecoder(decoder, ids);
  await incremental.add(events);
  return incremental.record!;
}

/** Every event type the decoder reads, one handler each (./decode/*-events.ts); other events change nothing. */
const HANDLERS: EventHandlers = { ...activityEvents, ...childEvents, ...runEvents };
const HANDLED = Object.keys(HANDLERS) as EventAttributesKey[];

/**
 * Decodes an execution's events as they arrive, page by page (a stream follows an open execution this way): the
 * record after `add(a); add(b)` is the record of `a ++ b`. `record` is mutated in place; `snapshot()` copies it.
 */
export class ExecutionDecoder {
  record: ExecutionRecord | undefined;
  private state: DecodeState | undefined;
  private events = 0;

  constructor(
    private readonly decoder: PayloadDecoder,
    private readonly ids: ExecutionIds,
  ) {}

  /** A copy that later events do not change (activities copied one level deep). */
  snapshot(): ExecutionRecord | undefined {
    if (!this.record) return undefined;
    return { ...this.record, activities: this.record.activities.map((a) => ({ ...a })) };
  }

  async add(events: HistoryEvent[]): Promise<void> {
    try {
      await this.apply(events);
    } catch (err) {
      throw missingCodecError(err, this.ids.runId) ?? err;
    }
  }

  private async apply(events: HistoryEvent[]): Promise<void> {
    const state = this.state ?? (this.state = await this.start(events));
    this.events += events.length;
    state.record.historyEvents = this.events;
    for (const event of events) {
      // The event's type is the attributes field it has; its handler takes those attributes (EventHandlers pairs them).
      const key = HANDLED.find((name) => event[name]);
      if (key) await (HANDLERS[key] as EventHandler)(event[key], event, state, isoTime(event.eventTime as Timestamp));
    }
    if (state.record.state !== 'running') {
      // Activities still open when the execution closed were abandoned with it.
      for (const activity of state.record.activities) if (activity.status === 'running') activity.status = 'cancelled';
    }
  }

  /** The record of the execution whose first events these are: its start event's input, task queue and time. */
  private async start(events: HistoryEvent[]): Promise<DecodeState> {
    const { runId, executionRunId } = this.ids;
    const start = events[0]?.workflowExecutionStartedEventAttributes;
    if (!start) throw new RunNotFoundError(runId, 'its history has no start event');
    const input = await first<RunInput>(this.decoder, start.input);
    if (!input?.task) throw new RunNotFoundError(runId, 'it is not a durable-agent run');
    const record: ExecutionRecord = {
      runId,
      executionRunId: executionRunId ?? start.originalExecutionRunId ?? '',
      state: 'running',
      taskQueue: start.taskQueue?.name ?? '',
      cancelRequested: false,
      input,
      activities: [],
      historyEvents: 0,
    };
    const startedAt = isoTime(events[0]?.eventTime as Timestamp);
    if (startedAt) record.startedAt = startedAt;
    this.record = record;
    return { record, ids: this.ids, decoder: this.decoder, bySchedule: new Map(), resolveToolsEventId: undefined, gates: new Map() };
  }
}
