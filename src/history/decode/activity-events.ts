// Activity events: a step's activity scheduled, started, closed (completed, failed, timed out, cancelled); and the
// resolveTools activity, whose result is the run's resolved tools.
import { ApplicationFailure, TemporalFailure, TimeoutFailure } from '@temporalio/common';
import { DECIDE_GATE_ACTIVITY, FailureTypes, RESOLVE_TOOLS_ACTIVITY, STEP_ACTIVITY, type ModelCallInput, type ModelCallProgress, type ModelCallResult, type ResolvedTool, type ToolCallInput, type ToolCallResult } from '../../core/types.js';
import { toolValueResult } from '../../workflows/tool-results.js';
import type { temporal } from '@temporalio/proto';
import type { ActivityRecord, HistoryEvent } from '../decode.js';
import { closeStep, first, isStepActivity, numberOf, openStep, settleFailed, temporalToolStep, type DecodeState, type EventHandlers } from './state.js';

function describeError(err: Error | undefined): string | undefined {
  if (!err) return undefined;
  if (err instanceof TimeoutFailure) return `timed out (${String(err.timeoutType)})`;
  const cause = err.cause instanceof Error && err instanceof TemporalFailure && !(err instanceof ApplicationFailure) ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}

type FailedAttributes = temporal.api.history.v1.IActivityTaskFailedEventAttributes | temporal.api.history.v1.IActivityTaskTimedOutEventAttributes;

/** A failed or timed-out step: a temporal tool's failure is its tool result; any other step's is its error. */
async function failed(attributes: FailedAttributes, event: HistoryEvent, state: DecodeState, at: string | undefined): Promise<void> {
  if (state.bySchedule.get(numberOf(attributes.scheduledEventId))?.temporalTool) {
    await settleFailed(state, closeStep(state, attributes.scheduledEventId, event, 'error', at), attributes.failure);
    return;
  }
  const activity = closeStep(state, attributes.scheduledEventId, event, 'error', at);
  const err = activity && attributes.failure ? await state.decoder.failure(attributes.failure) : undefined;
  const error = describeError(err);
  if (activity && error) activity.error = error;
  // A model call cut by the money budget or blocked by a guardrail: what it had used goes with its failure.
  const progress = activity?.activityType === STEP_ACTIVITY.model ? stopProgressOf(err) : undefined;
  if (activity && progress) activity.progress = progress;
}

/** The usage a model step's stop (a money-budget cut, a guardrail's block) reports in its failure's details. */
function stopProgressOf(err: Error | undefined): ModelCallProgress | undefined {
  if (!(err instanceof ApplicationFailure) || (err.type !== FailureTypes.costBudgetExceeded && err.type !== FailureTypes.guardrailBlocked)) return undefined;
  return (err.details ?? []).find((d): d is ModelCallProgress => typeof d === 'object' && d !== null && 'usage' in d && 'partialText' in d);
}

export const activityEvents: EventHandlers = {
  async activityTaskScheduledEventAttributes(scheduled, event, state, at) {
    const type = scheduled.activityType?.name;
    if (type === RESOLVE_TOOLS_ACTIVITY) state.resolveToolsEventId = numberOf(event.eventId);
    if (type === DECIDE_GATE_ACTIVITY) state.gates.set(numberOf(event.eventId), (scheduled.activityId ?? '').replace(/-gate$/, ''));
    const base = { activityId: scheduled.activityId ?? '', status: 'running' as const, attempts: 0, scheduledEventId: numberOf(event.eventId), ...(at ? { scheduledAt: at } : {}) };
    const toolStep = isStepActivity(type) ? undefined : temporalToolStep(state, base.activityId, 'activity', type ?? undefined);
    // An activityTool's step: the user's activity, given the model's input.
    if (toolStep) openStep(state, { ...base, activityType: STEP_ACTIVITY.tool, temporalTool: 'activity', input: { ...toolStep, input: await first(state.decoder, scheduled.input) } });
    // Activities that are not steps (e.g. checking a human's input) are not part of the transcript.
    if (!isStepActivity(type)) return;
    openStep(state, { ...base, activityType: type, input: (await first<ModelCallInput | ToolCallInput>(state.decoder, scheduled.input))! });
  },
  activityTaskStartedEventAttributes(started, _event, state, at) {
    const activity = state.bySchedule.get(numberOf(started.scheduledEventId));
    if (activity) {
      activity.attempts = started.attempt ?? 1;
      if (at) activity.startedAt = at;
    }
  },
  async activityTaskCompletedEventAttributes(completed, event, state, at) {
    if (numberOf(completed.scheduledEventId) === state.resolveToolsEventId) {
      const resolved = await first<ResolvedTool[]>(state.decoder, completed.result);
      if (resolved) state.record.resolvedTools = resolved;
      return;
    }
    const gatedStep = state.gates.get(numberOf(completed.scheduledEventId));
    if (gatedStep !== undefined) {
      const decision = await first<{ required: boolean }>(state.decoder, completed.result);
      state.record.gateDecisions = { ...state.record.gateDecisions, [gatedStep]: decision?.required === true };
      return;
    }
    const activity = closeStep(state, completed.scheduledEventId, event, 'completed', at);
    if (activity) activity.outcome = outcomeOf(activity, await first<ModelCallResult | ToolCallResult>(state.decoder, completed.result));
  },
  activityTaskFailedEventAttributes: failed,
  activityTaskTimedOutEventAttributes: failed,
  async activityTaskCanceledEventAttributes(cancelled, event, state, at) {
    const activity = closeStep(state, cancelled.scheduledEventId, event, 'cancelled', at);
    if (activity?.activityType === STEP_ACTIVITY.model) {
      const details = await first<ModelCallProgress>(state.decoder, cancelled.details);
      if (details?.usage) activity.progress = details;
    } else if (activity?.activityType === STEP_ACTIVITY.tool) {
      const checkpoint = await first<unknown>(state.decoder, cancelled.details);
      if (checkpoint !== undefined && checkpoint !== null) activity.checkpoint = checkpoint;
    }
  },
};

function outcomeOf(activity: ActivityRecord, result: ModelCallResult | ToolCallResult | undefined): ActivityRecord['outcome'] {
  return activity.activityType === STEP_ACTIVITY.model
    ? { kind: 'model', result: result as ModelCallResult }
    : activity.temporalTool
      ? { kind: 'tool', result: toolValueResult((activity.input as ToolCallInput).toolName, result) }
      : { kind: 'tool', result: result as ToolCallResult };
}
