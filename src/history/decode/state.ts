// What the event handlers of ExecutionDecoder share: the record being built, the steps open by their schedule event,
// and the few helpers every family uses (decode a payload, open a step, close one).
import type { Payload } from '@temporalio/common';
import { STEP_ACTIVITY, type StepActivityType, type StepStatus, type ToolCallInput } from '../../core/types.js';
import { toolStepOf } from '../../workflows/conversation.js';
import { failedToolResult } from '../../workflows/tool-results.js';
import type { ActivityRecord, ExecutionIds, ExecutionRecord, HistoryEvent } from '../decode.js';
import type { PayloadDecoder } from '../payload-decoder.js';

export type Timestamp = { seconds?: { toString(): string } | number | null; nanos?: number | null } | null | undefined;

export interface DecodeState {
  readonly record: ExecutionRecord;
  readonly ids: ExecutionIds;
  readonly decoder: PayloadDecoder;
  /** The open steps by the event id that scheduled them (an activity's schedule, a child's initiation). */
  readonly bySchedule: Map<number, ActivityRecord>;
  /** The resolveTools activity's schedule event: its completion is the run's resolved tools, not a step. */
  resolveToolsEventId: number | undefined;
  /** decideGate activities by the event id that scheduled them: their step's activity id. */
  readonly gates: Map<number, string>;
}

/** The names of HistoryEvent's attribute fields, one per event type (`activityTaskScheduledEventAttributes`, …). */
export type EventAttributesKey = { [K in keyof HistoryEvent]-?: K extends `${string}EventAttributes` ? K : never }[keyof HistoryEvent];

/** Any one of EventHandlers' handlers, as the dispatch calls it. */
export type EventHandler = (attributes: unknown, event: HistoryEvent, state: DecodeState, at: string | undefined) => Promise<void> | void;

/**
 * Handlers by event type (the event's attributes field): each gets those attributes, the event, the shared state and
 * the event's time. An event type without a handler changes nothing.
 */
export type EventHandlers = {
  [K in EventAttributesKey]?: (attributes: NonNullable<HistoryEvent[K]>, event: HistoryEvent, state: DecodeState, at: string | undefined) => Promise<void> | void;
};

/** A history event's time (its `eventTime`) in milliseconds since the epoch; undefined where it has none. */
export function timeMs(ts: Timestamp): number | undefined {
  if (!ts?.seconds) return undefined;
  return Number(ts.seconds.toString()) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

export function isoTime(ts: Timestamp): string | undefined {
  const ms = timeMs(ts);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

export function numberOf(value: { toString(): string } | number | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value.toString());
}

export function isStepActivity(type: string | null | undefined): type is StepActivityType {
  return type === STEP_ACTIVITY.model || type === STEP_ACTIVITY.tool;
}

/** The first payload's value, decoded. */
export async function first<T>(decoder: PayloadDecoder, payloads: { payloads?: Payload[] | null } | null | undefined): Promise<T | undefined> {
  return (await decoder.values(payloads?.payloads ?? []))[0] as T | undefined;
}

export function openStep(state: DecodeState, activity: ActivityRecord): void {
  state.bySchedule.set(activity.scheduledEventId, activity);
  state.record.activities.push(activity);
}

/** The step a close event refers to, closed at this event; undefined for activities that are not steps. */
export function closeStep(state: DecodeState, scheduledEventId: Parameters<typeof numberOf>[0], event: HistoryEvent, status: StepStatus, at: string | undefined): ActivityRecord | undefined {
  const activity = state.bySchedule.get(numberOf(scheduledEventId));
  if (!activity) return undefined;
  activity.status = status;
  activity.closedEventId = numberOf(event.eventId);
  if (at) activity.endedAt = at;
  return activity;
}

/** An activityTool's or agentTool's step: what the loop scheduled in place of a `callTool` activity. */
export function temporalToolStep(state: DecodeState, activityId: string, kind: 'activity' | 'agent', activityType?: string): ToolCallInput | undefined {
  const names = (state.record.resolvedTools ?? []).filter((t) => (kind === 'agent' ? t.agent : t.activity?.activityType === activityType)).map((t) => t.name);
  const step = toolStepOf(activityId, names);
  return step && { runId: state.ids.runId, stepIndex: step.index, toolName: step.toolName, toolUseId: step.toolUseId, input: undefined };
}

/** The tool result the loop made of a temporal tool step's failure (its call settled; the model read the error). */
export async function settleFailed(state: DecodeState, activity: ActivityRecord | undefined, failure: Parameters<PayloadDecoder['failure']>[0] | null | undefined): Promise<void> {
  if (!activity || !failure) return;
  activity.status = 'completed';
  activity.outcome = { kind: 'tool', result: failedToolResult((activity.input as ToolCallInput).toolName, await state.decoder.failure(failure)) };
}
