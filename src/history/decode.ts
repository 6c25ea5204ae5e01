// History → ExecutionRecord: the one decoder of an execution's recorded events. Pure (no server): it takes the events
// (fetched by src/client/history-pages.ts, or read from a saved history file) and a PayloadDecoder, and returns what
// the execution did — its input, each step's activity with its outcome, and how the execution closed. Everything
// users see of a run (RunOutput, the event log, the continuation seed) is a projection of these records.
import { ApplicationFailure, TemporalFailure, TimeoutFailure, ValueError, type Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { RESOLVE_TOOLS_ACTIVITY, STEP_ACTIVITY, type StepActivityType } from '../activities/contract.js';
import type {
  ResolvedTool,
  AgentRunResult,
  ModelCallInput,
  ModelCallProgress,
  ModelCallResult,
  RunError,
  RunInput,
  StepOutcome,
  StepStatus,
  ToolCallInput,
  ToolCallResult,
} from '../types.js';
import { RunEncryptedError, RunNotFoundError } from '../client/errors.js';
import type { PayloadDecoder } from './payload-decoder.js';

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Timestamp = { seconds?: { toString(): string } | number | null; nanos?: number | null } | null | undefined;

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
  error?: string;
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
  result?: AgentRunResult;
  failure?: RunError;
  startedAt?: string;
  closedAt?: string;
  historyEvents: number;
}

export interface ExecutionIds {
  /** The run id (Temporal workflow id): history events do not carry it. */
  runId: string;
  /** The execution's Temporal run id; default the one its start event names. */
  executionRunId?: string;
}

function isoTime(ts: Timestamp): string | undefined {
  if (!ts?.seconds) return undefined;
  return new Date(Number(ts.seconds.toString()) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
}

function numberOf(value: { toString(): string } | number | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value.toString());
}

function describeError(err: Error | undefined): string | undefined {
  if (!err) return undefined;
  if (err instanceof TimeoutFailure) return `timed out (${String(err.timeoutType)})`;
  const cause = err.cause instanceof Error && err instanceof TemporalFailure && !(err instanceof ApplicationFailure) ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}

function runErrorOf(err: Error): RunError {
  if (err instanceof ApplicationFailure) {
    const detail = (err.details?.[0] ?? {}) as { stepIndex?: number; activityId?: string };
    return {
      name: err.type ?? 'ApplicationFailure',
      message: err.message,
      ...(detail.stepIndex !== undefined ? { stepIndex: detail.stepIndex } : {}),
      ...(detail.activityId !== undefined ? { activityId: detail.activityId } : {}),
    };
  }
  return { name: err.name, message: err.message };
}

function isStepActivity(type: string | null | undefined): type is StepActivityType {
  return type === STEP_ACTIVITY.model || type === STEP_ACTIVITY.tool;
}

const ENCRYPTED_ENCODING = 'binary/encrypted';

/** A payload converter that meets an encrypted payload it has no codec for says "Unknown encoding: binary/encrypted". */
export function isUndecodableEncrypted(err: unknown): boolean {
  return err instanceof ValueError && err.message.includes(ENCRYPTED_ENCODING);
}

/**
 * Decodes one execution's events. Throws RunNotFoundError when they are not a durable-agent run's, and
 * RunEncryptedError when its payloads are encrypted and the decoder has no key for them.
 */
export async function decodeExecution(events: HistoryEvent[], decoder: PayloadDecoder, ids: ExecutionIds): Promise<ExecutionRecord> {
  const incremental = new ExecutionDecoder(decoder, ids);
  await incremental.add(events);
  return incremental.record!;
}

/**
 * Decodes an execution's events as they arrive, page by page (a stream follows an open execution this way): the
 * record after `add(a); add(b)` is the record of `a ++ b`. `record` is mutated in place; `snapshot()` copies it.
 */
export class ExecutionDecoder {
  record: ExecutionRecord | undefined;
  private readonly bySchedule = new Map<number, ActivityRecord>();
  private resolveToolsEventId: number | undefined;
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
      if (isUndecodableEncrypted(err)) throw new RunEncryptedError(this.ids.runId);
      throw err;
    }
  }

  private async apply(events: HistoryEvent[]): Promise<void> {
    const { decoder } = this;
    const { runId, executionRunId } = this.ids;
    const first = async <T>(payloads: { payloads?: Payload[] | null } | null | undefined): Promise<T | undefined> =>
      (await decoder.values(payloads?.payloads ?? []))[0] as T | undefined;
    if (!this.record) {
      const start = events[0]?.workflowExecutionStartedEventAttributes;
      if (!start) throw new RunNotFoundError(runId, 'its history has no start event');
      const input = await first<RunInput>(start.input);
      if (!input?.task) throw new RunNotFoundError(runId, 'it is not a durable-agent run');
      this.record = {
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
      if (startedAt) this.record.startedAt = startedAt;
    }
    const record = this.record;
    this.events += events.length;
    record.historyEvents = this.events;
    const { bySchedule } = this;
    /** The step a close event refers to, closed at this event; undefined for activities that are not steps. */
    const close = (scheduledEventId: Parameters<typeof numberOf>[0], event: HistoryEvent, status: StepStatus, at: string | undefined): ActivityRecord | undefined => {
      const activity = bySchedule.get(numberOf(scheduledEventId));
      if (!activity) return undefined;
      activity.status = status;
      activity.closedEventId = numberOf(event.eventId);
      if (at) activity.endedAt = at;
      return activity;
    };

    for (const event of events) {
      const at = isoTime(event.eventTime as Timestamp);
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled) {
        const type = scheduled.activityType?.name;
        if (type === RESOLVE_TOOLS_ACTIVITY) this.resolveToolsEventId = numberOf(event.eventId);
        // Activities that are not steps (e.g. checking a human's input) are not part of the transcript.
        if (!isStepActivity(type)) continue;
        const activity: ActivityRecord = {
          activityId: scheduled.activityId ?? '',
          activityType: type,
          input: (await first<ModelCallInput | ToolCallInput>(scheduled.input))!,
          status: 'running',
          attempts: 0,
          scheduledEventId: numberOf(event.eventId),
          ...(at ? { scheduledAt: at } : {}),
        };
        bySchedule.set(activity.scheduledEventId, activity);
        record.activities.push(activity);
        continue;
      }
      const started = event.activityTaskStartedEventAttributes;
      if (started) {
        const activity = bySchedule.get(numberOf(started.scheduledEventId));
        if (activity) {
          activity.attempts = started.attempt ?? 1;
          if (at) activity.startedAt = at;
        }
        continue;
      }
      const completed = event.activityTaskCompletedEventAttributes;
      if (completed && numberOf(completed.scheduledEventId) === this.resolveToolsEventId) {
        const resolved = await first<ResolvedTool[]>(completed.result);
        if (resolved) record.resolvedTools = resolved;
        continue;
      }
      if (completed) {
        const activity = close(completed.scheduledEventId, event, 'completed', at);
        if (activity) {
          const result = await first<ModelCallResult | ToolCallResult>(completed.result);
          activity.outcome =
            activity.activityType === STEP_ACTIVITY.model
              ? { kind: 'model', result: result as ModelCallResult }
              : { kind: 'tool', result: result as ToolCallResult };
        }
        continue;
      }
      const failed = event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes;
      if (failed) {
        const activity = close(failed.scheduledEventId, event, 'error', at);
        const error = activity && failed.failure ? describeError(await decoder.failure(failed.failure)) : undefined;
        if (activity && error) activity.error = error;
        continue;
      }
      const cancelled = event.activityTaskCanceledEventAttributes;
      if (cancelled) {
        const activity = close(cancelled.scheduledEventId, event, 'cancelled', at);
        if (activity?.activityType === STEP_ACTIVITY.model) {
          const details = await first<ModelCallProgress>(cancelled.details);
          if (details?.usage) activity.progress = details;
        }
        continue;
      }
      if (event.workflowExecutionCancelRequestedEventAttributes) {
        record.cancelRequested = true;
        continue;
      }
      if (event.workflowExecutionCompletedEventAttributes) {
        record.state = 'completed';
        const result = await first<AgentRunResult>(event.workflowExecutionCompletedEventAttributes.result);
        if (result) record.result = result;
      } else if (event.workflowExecutionFailedEventAttributes) {
        record.state = 'failed';
        const failure = event.workflowExecutionFailedEventAttributes.failure;
        if (failure) record.failure = runErrorOf(await decoder.failure(failure));
      } else if (event.workflowExecutionCanceledEventAttributes) {
        record.state = 'cancelled';
      } else if (event.workflowExecutionTerminatedEventAttributes) {
        record.state = 'terminated';
        record.failure = { name: 'RunTerminatedError', message: event.workflowExecutionTerminatedEventAttributes.reason || 'terminated' };
      } else if (event.workflowExecutionTimedOutEventAttributes) {
        record.state = 'timed_out';
        record.failure = { name: 'RunTimedOutError', message: 'the workflow execution timed out' };
      } else if (event.workflowExecutionContinuedAsNewEventAttributes) {
        record.state = 'continued_as_new';
      } else {
        continue;
      }
      if (at) record.closedAt = at;
    }
    if (record.state !== 'running') {
      // Activities still open when the execution closed were abandoned with it.
      for (const activity of record.activities) if (activity.status === 'running') activity.status = 'cancelled';
    }
  }
}
