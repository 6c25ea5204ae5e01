// Child workflow events: an agentTool's step is a sub-run (a child workflow whose run id names the step), opened when
// the child is initiated and closed with it.
import type { AgentRunResult, RunInput, ToolCallInput } from '../../core/types.js';
import { STEP_ACTIVITY } from '../../core/types.js';
import { subRunStep } from '../../workflows/sub-run.js';
import { subRunCancelledResult, toolValueResult } from '../../workflows/tool-results.js';
import type { HistoryEvent } from '../decode.js';
import { closeStep, first, numberOf, openStep, settleFailed, temporalToolStep, type DecodeState, type EventHandlers } from './state.js';

/** A sub-run that ended without a result the model read (terminated, timed out, never started): the step's error. */
function closedWithError(attributes: { initiatedEventId?: { toString(): string } | number | null }, event: HistoryEvent, state: DecodeState, at: string | undefined): void {
  closeStep(state, attributes.initiatedEventId, event, 'error', at);
}

export const childEvents: EventHandlers = {
  async startChildWorkflowExecutionInitiatedEventAttributes(child, event, state, at) {
    // An agentTool's step: a sub-run whose run id names the step.
    const activityId = subRunStep(state.ids.runId, child.workflowId ?? '');
    const toolStep = activityId !== undefined ? temporalToolStep(state, activityId, 'agent') : undefined;
    if (activityId === undefined || !toolStep) return;
    const childInput = await first<RunInput>(state.decoder, child.input);
    openStep(state, {
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
  },
  childWorkflowExecutionStartedEventAttributes(started, _event, state, at) {
    const activity = state.bySchedule.get(numberOf(started.initiatedEventId));
    if (activity) {
      activity.attempts = 1;
      if (at) activity.startedAt = at;
    }
  },
  async childWorkflowExecutionCompletedEventAttributes(completed, event, state, at) {
    const activity = closeStep(state, completed.initiatedEventId, event, 'completed', at);
    if (!activity) return;
    const result = await first<AgentRunResult>(state.decoder, completed.result);
    activity.outcome = { kind: 'tool', result: toolValueResult((activity.input as ToolCallInput).toolName, result?.output) };
  },
  async childWorkflowExecutionFailedEventAttributes(failed, event, state, at) {
    await settleFailed(state, closeStep(state, failed.initiatedEventId, event, 'error', at), failed.failure);
  },
  childWorkflowExecutionCanceledEventAttributes(cancelled, event, state, at) {
    if (state.record.cancelRequested) {
      // Cancelled through this run's own cancel request: the step is cancelled with it.
      closeStep(state, cancelled.initiatedEventId, event, 'cancelled', at);
      return;
    }
    // Cancelled on its own, not through this run (whose cancel request would come first): the model was told.
    const activity = closeStep(state, cancelled.initiatedEventId, event, 'completed', at);
    if (activity) activity.outcome = { kind: 'tool', result: subRunCancelledResult((activity.input as ToolCallInput).toolName, activity.subRunId ?? '') };
  },
  childWorkflowExecutionTerminatedEventAttributes: closedWithError,
  childWorkflowExecutionTimedOutEventAttributes: closedWithError,
  startChildWorkflowExecutionFailedEventAttributes: closedWithError,
};
