// History → ExecutionRecord: the one decoder of an execution's recorded events. Pure (no server): it takes the events
// (fetched by src/history/history-pages.ts, or read from a saved history file) and a PayloadDecoder, and returns what
// the execution did — its input, each step's activity with its outcome, and how the execution closed. Everything
// users see of a run (RunOutput, the event log, the continuation seed) is a projection of these records.
import { ApplicationFailure, TemporalFailure, TimeoutFailure, ValueError, type Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import {
  RESOLVE_TOOLS_ACTIVITY,
  STEP_ACTIVITY,
  type StepActivityType,
  type ResolvedTool,
  type AgentRunResult,
  type ModelCallInput,
  type ModelCallProgress,
  type ModelCallResult,
  type RunError,
  type RunInput,
  type RunStop,
  type StepOutcome,
  type StopRequest,
  type StepStatus,
  type ToolCallInput,
  type ToolCallResult,
} from '../core/types.js';
import { RunCompressedError, RunEncryptedError, RunNotFoundError } from '../core/errors.js';
import { ENCRYPTED_ENCODING } from '../codec/aes-gcm-codec.js';
import { ZLIB_ENCODING } from '../codec/zlib-codec.js';
import { toolStepOf } from '../workflows/conversation.js';
import { subRunStep } from '../workflows/sub-run.js';
import { failedToolResult, subRunCancelledResult, toolValueResult } from '../workflows/tool-results.js';
import type { PayloadDecoder } from './payload-decoder.js';
import { FailureTypes } from '../core/types.js';
import { STOP_SIGNAL } from '../workflows/stop-signal.js';

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
  result?: AgentRunResult;
  failure?: RunError;
  /** How cancelRun asked the run to stop (its `stop` signals): the last mode, the first reason given. */
  stopRequest?: StopRequest;
  /** The run stopped itself (time limit, budget): the stop its RunStoppedError carries. */
  stop?: RunStop;
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

/**
 * Decodes an execution's events as they arrive, page by page (a stream follows an open execution this way): the
 * record after `add(a); add(b)` is the record of `a ++ b`. `record` is mutated in place; `snapshot()` copies it.
 */
/** temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW (a number, or its name in JSON). */
function isResetCause(cause: unknown): boolean {
  return cause === 20 || cause === 'WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW';
}

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
      throw missingCodecError(err, this.ids.runId) ?? err;
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
    /** An activityTool's or agentTool's step: what the loop scheduled in place of a `callTool` activity. */
    const temporalToolStep = (activityId: string, kind: 'activity' | 'agent', activityType?: string): ToolCallInput | undefined => {
      const names = (record.resolvedTools ?? []).filter((t) => (kind === 'agent' ? t.agent : t.activity?.activityType === activityType)).map((t) => t.name);
      const step = toolStepOf(activityId, names);
      return step && { runId, stepIndex: step.index, toolName: step.toolName, toolUseId: step.toolUseId, input: undefined };
    };
    const openStep = (activity: ActivityRecord): void => {
      bySchedule.set(activity.scheduledEventId, activity);
      record.activities.push(activity);
    };
    /** The tool result the loop made of a temporal tool step's failure (its call settled; the model read the error). */
    const settleFailed = async (activity: ActivityRecord | undefined, failure: Parameters<PayloadDecoder['failure']>[0] | null | undefined): Promise<void> => {
      if (!activity || !failure) return;
      activity.status = 'completed';
      activity.outcome = { kind: 'tool', result: failedToolResult((activity.input as ToolCallInput).toolName, await decoder.failure(failure)) };
    };

    for (const event of events) {
      const at = isoTime(event.eventTime as Timestamp);
      // A Temporal reset made this execution: its start event (copied) names the execution it was reset from, the
      // reset's failed workflow task names this one. The latest such event is this execution's own id.
      const failedTask = event.workflowTaskFailedEventAttributes;
      if (failedTask && isResetCause(failedTask.cause) && failedTask.newRunId && !executionRunId) this.record.executionRunId = failedTask.newRunId;
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled) {
        const type = scheduled.activityType?.name;
        if (type === RESOLVE_TOOLS_ACTIVITY) this.resolveToolsEventId = numberOf(event.eventId);
        const base = { activityId: scheduled.activityId ?? '', status: 'running' as const, attempts: 0, scheduledEventId: numberOf(event.eventId), ...(at ? { scheduledAt: at } : {}) };
        const toolStep = isStepActivity(type) ? undefined : temporalToolStep(base.activityId, 'activity', type ?? undefined);
        // An activityTool's step: the user's activity, given the model's input.
        if (toolStep) openStep({ ...base, activityType: STEP_ACTIVITY.tool, temporalTool: 'activity', input: { ...toolStep, input: await first(scheduled.input) } });
        // Activities that are not steps (e.g. checking a human's input) are not part of the transcript.
        if (!isStepActivity(type)) continue;
        openStep({ ...base, activityType: type, input: (await first<ModelCallInput | ToolCallInput>(scheduled.input))! });
        continue;
      }
      const child = event.startChildWorkflowExecutionInitiatedEventAttributes;
      if (child) {
        // An agentTool's step: a sub-run whose run id names the step.
        const activityId = subRunStep(runId, child.workflowId ?? '');
        const toolStep = activityId !== undefined ? temporalToolStep(activityId, 'agent') : undefined;
        if (activityId !== undefined && toolStep) {
          const childInput = await first<RunInput>(child.input);
          openStep({
            activityId,
            activityType: STEP_ACTIVITY.tool,
            temporalTool: 'agent',
            subRunId: child.workflowId ?? '',
            input: { ...toolStep, input: { task: childInput?.task.description } },
            status: 'running',
            attempts: 0,
            scheduledEventId: numberOf(event.eventId),
            ...(at ? { scheduledAt: at } : {}),
          });
        }
        continue;
      }
      const childStarted = event.childWorkflowExecutionStartedEventAttributes;
      if (childStarted) {
        const activity = bySchedule.get(numberOf(childStarted.initiatedEventId));
        if (activity) {
          activity.attempts = 1;
          if (at) activity.startedAt = at;
        }
        continue;
      }
      const childCompleted = event.childWorkflowExecutionCompletedEventAttributes;
      if (childCompleted) {
        const activity = close(childCompleted.initiatedEventId, event, 'completed', at);
        if (activity) {
          const result = await first<AgentRunResult>(childCompleted.result);
          activity.outcome = { kind: 'tool', result: toolValueResult((activity.input as ToolCallInput).toolName, result?.output) };
        }
        continue;
      }
      const childFailed = event.childWorkflowExecutionFailedEventAttributes;
      if (childFailed) {
        await settleFailed(close(childFailed.initiatedEventId, event, 'error', at), childFailed.failure);
        continue;
      }
      const childCancelled = event.childWorkflowExecutionCanceledEventAttributes;
      if (childCancelled && !record.cancelRequested) {
        // Cancelled on its own, not through this run (whose cancel request would come first): the model was told.
        const activity = close(childCancelled.initiatedEventId, event, 'completed', at);
        if (activity) activity.outcome = { kind: 'tool', result: subRunCancelledResult((activity.input as ToolCallInput).toolName, activity.subRunId ?? '') };
        continue;
      }
      const childClosed =
        childCancelled ??
        event.childWorkflowExecutionTerminatedEventAttributes ??
        event.childWorkflowExecutionTimedOutEventAttributes ??
        event.startChildWorkflowExecutionFailedEventAttributes;
      if (childClosed) {
        close(childClosed.initiatedEventId, event, event.childWorkflowExecutionCanceledEventAttributes ? 'cancelled' : 'error', at);
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
              : activity.temporalTool
                ? { kind: 'tool', result: toolValueResult((activity.input as ToolCallInput).toolName, result) }
                : { kind: 'tool', result: result as ToolCallResult };
        }
        continue;
      }
      const failed = event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes;
      if (failed && bySchedule.get(numberOf(failed.scheduledEventId))?.temporalTool) {
        await settleFailed(close(failed.scheduledEventId, event, 'error', at), failed.failure);
        continue;
      }
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
        } else if (activity?.activityType === STEP_ACTIVITY.tool) {
          const checkpoint = await first<unknown>(cancelled.details);
          if (checkpoint !== undefined && checkpoint !== null) activity.checkpoint = checkpoint;
        }
        continue;
      }
      const signal = event.workflowExecutionSignaledEventAttributes;
      if (signal?.signalName === STOP_SIGNAL) {
        const request = await first<StopRequest>(signal.input);
        const reason = record.stopRequest?.reason ?? request?.reason;
        if (request) record.stopRequest = { mode: request.mode, ...(reason !== undefined ? { reason } : {}) };
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
        const err = failure ? await decoder.failure(failure) : undefined;
        if (err instanceof ApplicationFailure && err.type === FailureTypes.runStopped) record.stop = err.details?.[0] as RunStop;
        else if (err) record.failure = runErrorOf(err);
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
