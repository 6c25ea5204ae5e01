// The one reader of recorded history. It turns an execution's events into an ExecutionRecord, and that record into
// both the RunOutput users see (do(), show) and the seed a continuation starts from — one source of truth.
import type { Client } from '@temporalio/client';
import { isGrpcServiceError, WorkflowNotFoundError } from '@temporalio/client';
import type { LoadedDataConverter, ProtoFailure } from '@temporalio/common';
import { ApplicationFailure, TemporalFailure, TimeoutFailure } from '@temporalio/common';
import {
  decodeArrayFromPayloads,
  decodeOptionalFailureToOptionalError,
} from '@temporalio/common/lib/internal-non-workflow/index.js';
import type { temporal } from '@temporalio/proto';
import {
  RunStatus,
  type AgentRunResult,
  type ContinuationSeed,
  type ModelCallInput,
  type ModelCallProgress,
  type ModelCallResult,
  type Requirement,
  type RunError,
  type RunInput,
  type RunOutput,
  type StepOutcome,
  type StepResult,
  type StepStatus,
  type ToolCallInput,
  type ToolCallResult,
  type Usage,
} from '../types.js';
import { replayConversation, textOf, type ToolStepPlan } from '../workflows/conversation.js';
import { requirementOf } from '../workflows/requirements.js';
import { isUndecodableEncrypted } from './encrypted-runs.js';
import { RunEncryptedError, RunNotFoundError } from './errors.js';
import { fetchEvents } from './history-pages.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Timestamp = { seconds?: { toString(): string } | number | null; nanos?: number | null } | null | undefined;

export type ExecutionState = 'running' | 'completed' | 'failed' | 'cancelled' | 'terminated' | 'timed_out' | 'continued_as_new';

export interface ActivityRecord {
  activityId: string;
  activityType: 'callModel' | 'callTool' | string;
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
  result?: AgentRunResult;
  failure?: RunError;
  startedAt?: string;
  closedAt?: string;
  historyEvents: number;
}

function isoTime(ts: Timestamp): string | undefined {
  if (!ts?.seconds) return undefined;
  return new Date(Number(ts.seconds.toString()) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
}

function numberOf(value: { toString(): string } | number | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value.toString());
}

async function decodeFirst<T>(converter: LoadedDataConverter, payloads: temporal.api.common.v1.IPayloads | null | undefined): Promise<T | undefined> {
  const values = await decodeArrayFromPayloads(converter, payloads?.payloads ?? []);
  return values[0] as T | undefined;
}

async function decodeFailure(converter: LoadedDataConverter, failure: ProtoFailure | null | undefined): Promise<Error | undefined> {
  return decodeOptionalFailureToOptionalError(converter, failure);
}

function describeError(err: Error | undefined): string | undefined {
  if (!err) return undefined;
  if (err instanceof TimeoutFailure) return `timed out (${String(err.timeoutType)})`;
  const cause = err.cause instanceof Error && err instanceof TemporalFailure && !(err instanceof ApplicationFailure) ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}

function runErrorOf(err: Error | undefined): RunError | undefined {
  if (!err) return undefined;
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

const GRPC_NOT_FOUND = 5;
/** Activities that are steps; others (e.g. checking a human's input) are not part of the transcript. */
const STEP_ACTIVITIES = new Set(['callModel', 'callTool']);

export function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (isGrpcServiceError(err) && err.code === GRPC_NOT_FOUND);
}

/** Reads one execution (the latest when `executionRunId` is omitted) of a run from the Temporal server. */
export async function readExecution(client: Client, runId: string, executionRunId?: string): Promise<ExecutionRecord> {
  try {
    return await readAndDecode(client, runId, executionRunId);
  } catch (err) {
    if (isUndecodableEncrypted(err)) throw new RunEncryptedError(runId);
    throw err;
  }
}

async function readAndDecode(client: Client, runId: string, executionRunId?: string): Promise<ExecutionRecord> {
  const converter = client.options.loadedDataConverter;
  let events: HistoryEvent[];
  try {
    events = await fetchEvents(client, runId, executionRunId);
  } catch (err) {
    if (isNotFound(err)) throw new RunNotFoundError(runId);
    throw err;
  }
  const first = events[0]?.workflowExecutionStartedEventAttributes;
  if (!first) throw new RunNotFoundError(runId, 'its history has no start event');
  const input = await decodeFirst<RunInput>(converter, first.input);
  if (!input?.task) throw new RunNotFoundError(runId, 'it is not a durable-agent run');

  const record: ExecutionRecord = {
    runId,
    executionRunId: executionRunId ?? first.originalExecutionRunId ?? '',
    state: 'running',
    taskQueue: first.taskQueue?.name ?? '',
    cancelRequested: false,
    input,
    activities: [],
    historyEvents: events.length,
  };
  const startedAt = isoTime(events[0]?.eventTime as Timestamp);
  if (startedAt) record.startedAt = startedAt;
  const bySchedule = new Map<number, ActivityRecord>();

  for (const event of events) {
    const at = isoTime(event.eventTime as Timestamp);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled && !STEP_ACTIVITIES.has(scheduled.activityType?.name ?? '')) continue;
    if (scheduled) {
      const activity: ActivityRecord = {
        activityId: scheduled.activityId ?? '',
        activityType: scheduled.activityType?.name ?? '',
        input: (await decodeFirst<ModelCallInput | ToolCallInput>(converter, scheduled.input)) as ModelCallInput | ToolCallInput,
        status: 'running',
        attempts: 0,
        scheduledEventId: numberOf(event.eventId),
        ...(at ? { scheduledAt: at } : {}),
      };
      bySchedule.set(numberOf(event.eventId), activity);
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
    if (completed) {
      const activity = bySchedule.get(numberOf(completed.scheduledEventId));
      if (activity) {
        const result = await decodeFirst<ModelCallResult | ToolCallResult>(converter, completed.result);
        activity.status = 'completed';
        activity.closedEventId = numberOf(event.eventId);
        activity.outcome =
          activity.activityType === 'callModel'
            ? { kind: 'model', result: result as ModelCallResult }
            : { kind: 'tool', result: result as ToolCallResult };
        if (at) activity.endedAt = at;
      }
      continue;
    }
    const failed = event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes;
    if (failed) {
      const activity = bySchedule.get(numberOf(failed.scheduledEventId));
      if (activity) {
        activity.status = 'error';
        activity.closedEventId = numberOf(event.eventId);
        const error = describeError(await decodeFailure(converter, failed.failure));
        if (error) activity.error = error;
        if (at) activity.endedAt = at;
      }
      continue;
    }
    const cancelled = event.activityTaskCanceledEventAttributes;
    if (cancelled) {
      const activity = bySchedule.get(numberOf(cancelled.scheduledEventId));
      if (activity) {
        activity.status = 'cancelled';
        activity.closedEventId = numberOf(event.eventId);
        const details = await decodeFirst<ModelCallProgress>(converter, cancelled.details);
        if (activity.activityType === 'callModel' && details?.usage) activity.progress = details;
        if (at) activity.endedAt = at;
      }
      continue;
    }
    if (event.workflowExecutionCancelRequestedEventAttributes) {
      record.cancelRequested = true;
      continue;
    }
    if (event.workflowExecutionCompletedEventAttributes) {
      record.state = 'completed';
      const result = await decodeFirst<AgentRunResult>(converter, event.workflowExecutionCompletedEventAttributes.result);
      if (result) record.result = result;
    } else if (event.workflowExecutionFailedEventAttributes) {
      record.state = 'failed';
      const failure = runErrorOf(await decodeFailure(converter, event.workflowExecutionFailedEventAttributes.failure));
      if (failure) record.failure = failure;
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
  return record;
}

export function executionNumber(record: ExecutionRecord): number {
  return (record.input.seed?.executions ?? 0) + 1;
}

function activityUsage(activity: ActivityRecord): Usage | undefined {
  if (activity.outcome?.kind === 'model') return activity.outcome.result.usage;
  return activity.progress?.usage;
}

export function stepResultOf(activity: ActivityRecord, execution: number): StepResult {
  const isModel = activity.activityType === 'callModel';
  const toolInput = activity.input as ToolCallInput;
  const usage = activityUsage(activity);
  const output =
    activity.outcome?.kind === 'model'
      ? textOf(activity.outcome.result.content)
      : activity.outcome?.kind === 'tool'
        ? activity.outcome.result.content
        : activity.progress?.partialText || undefined;
  const started = activity.startedAt ?? activity.scheduledAt;
  return {
    index: activity.input.stepIndex,
    name: isModel ? 'model' : `tool:${toolInput.toolName}`,
    status: activity.status,
    activityId: activity.activityId,
    execution,
    attempts: activity.attempts,
    ...(started ? { startedAt: started } : {}),
    ...(activity.endedAt ? { endedAt: activity.endedAt } : {}),
    ...(started && activity.endedAt ? { durationMs: Date.parse(activity.endedAt) - Date.parse(started) } : {}),
    ...(usage ? { usage } : {}),
    ...(isModel ? {} : { toolUseId: toolInput.toolUseId, toolInput: toolInput.input }),
    ...(output !== undefined ? { output } : {}),
    ...(activity.outcome?.kind === 'tool' && activity.outcome.result.isError ? { error: activity.outcome.result.content } : {}),
    ...(activity.error ? { error: activity.error } : {}),
  };
}

export function addUsage(a: Usage, b: Usage | undefined): Usage {
  return b ? { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens } : a;
}

/** Every completed step of the run so far: the earlier executions' (from the seed) and this one's. */
function completedOutcomes(record: ExecutionRecord): Record<string, StepOutcome> {
  const completed: Record<string, StepOutcome> = { ...(record.input.seed?.completed ?? {}) };
  for (const activity of record.activities) if (activity.outcome) completed[activity.activityId] = activity.outcome;
  return completed;
}

/** Tool calls of an open execution that wait for a human: planned, needing one, and not yet scheduled. */
function pendingRequirements(record: ExecutionRecord, openToolSteps: ToolStepPlan[]): Requirement[] {
  if (record.state !== 'running') return [];
  const scheduled = new Set(record.activities.map((a) => a.activityId));
  const policies = new Map(record.input.task.tools.map((t) => [t.name, t]));
  return openToolSteps.flatMap((plan) => {
    const kind = policies.get(plan.toolName)?.requires;
    if (!kind || scheduled.has(plan.activityId)) return [];
    return [requirementOf(plan, kind)];
  });
}

function statusOf(record: ExecutionRecord, requirements: Requirement[]): RunStatus {
  switch (record.state) {
    case 'running':
      return requirements.length ? RunStatus.paused : RunStatus.running;
    case 'completed':
      return RunStatus.completed;
    case 'cancelled':
      return RunStatus.cancelled;
    default:
      return RunStatus.error;
  }
}

export function toRunOutput(record: ExecutionRecord): RunOutput {
  const execution = executionNumber(record);
  const seed = record.input.seed;
  const stepResults = [...(seed?.previousSteps ?? []), ...record.activities.map((a) => stepResultOf(a, execution))];
  const usage = record.activities.reduce((sum, a) => addUsage(sum, activityUsage(a)), seed?.usage ?? { inputTokens: 0, outputTokens: 0 });
  const completed = completedOutcomes(record);
  const { conversation, openToolSteps } = replayConversation(record.input.task, (id) => completed[id]);
  const requirements = pendingRequirements(record, openToolSteps);
  const status = statusOf(record, requirements);
  return {
    runId: record.runId,
    executionRunId: record.executionRunId,
    status,
    isCancelled: status === RunStatus.cancelled,
    isCompleted: status === RunStatus.completed,
    isError: status === RunStatus.error,
    isPaused: status === RunStatus.paused,
    output: record.result ? record.result.output : null,
    stepResults,
    messages: conversation.messages,
    usage,
    ...(record.failure ? { error: record.failure } : {}),
    executions: execution,
    requirements,
    ...(record.input.forkedFrom ? { forkedFrom: record.input.forkedFrom } : {}),
  };
}

export function toSeed(record: ExecutionRecord): ContinuationSeed {
  const output = toRunOutput(record);
  return {
    completed: completedOutcomes(record),
    previousSteps: output.stepResults,
    usage: output.usage,
    executions: executionNumber(record),
    continuedFrom: record.executionRunId,
  };
}
