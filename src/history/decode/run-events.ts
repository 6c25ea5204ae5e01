// The execution's own events: a stop signal, a cancel request, a reset (a failed workflow task naming this execution),
// and how the execution closed.
import { ApplicationFailure } from '@temporalio/common';
import { FailureTypes, type AgentRunResult, type RunError, type RunStop, type StopRequest } from '../../core/types.js';
import { STOP_SIGNAL } from '../../workflows/stop-signal.js';
import { SUB_RUN_REQUIREMENTS_SIGNAL, type SubRunRequirements } from '../../workflows/sub-run-requirements.js';
import type { ExecutionState } from '../decode.js';
import { first, type DecodeState, type EventHandlers } from './state.js';

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

/** temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW (a number, or its name in JSON). */
function isResetCause(cause: unknown): boolean {
  return cause === 20 || cause === 'WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW';
}

/** The execution closed in `state` at `at`. */
function closed(state: DecodeState, closedState: ExecutionState, at: string | undefined): void {
  state.record.state = closedState;
  if (at) state.record.closedAt = at;
}

export const runEvents: EventHandlers = {
  workflowTaskFailedEventAttributes(failedTask, _event, state) {
    // A Temporal reset made this execution: its start event (copied) names the execution it was reset from, the
    // reset's failed workflow task names this one. The latest such event is this execution's own id.
    if (isResetCause(failedTask.cause) && failedTask.newRunId && !state.ids.executionRunId) state.record.executionRunId = failedTask.newRunId;
  },
  async workflowExecutionSignaledEventAttributes(signal, _event, state) {
    if (signal.signalName === SUB_RUN_REQUIREMENTS_SIGNAL) {
      const report = await first<SubRunRequirements>(state.decoder, signal.input);
      if (report) state.record.subRunRequirements = { ...state.record.subRunRequirements, [report.runId]: report.requirements };
      return;
    }
    if (signal.signalName !== STOP_SIGNAL) return;
    const request = await first<StopRequest>(state.decoder, signal.input);
    const reason = state.record.stopRequest?.reason ?? request?.reason;
    if (request) state.record.stopRequest = { mode: request.mode, ...(reason !== undefined ? { reason } : {}) };
  },
  workflowExecutionCancelRequestedEventAttributes(_request, _event, state) {
    state.record.cancelRequested = true;
  },
  async workflowExecutionCompletedEventAttributes(completed, _event, state, at) {
    state.record.state = 'completed';
    const result = await first<AgentRunResult>(state.decoder, completed.result);
    if (result) state.record.result = result;
    if (at) state.record.closedAt = at;
  },
  async workflowExecutionFailedEventAttributes({ failure }, _event, state, at) {
    state.record.state = 'failed';
    const err = failure ? await state.decoder.failure(failure) : undefined;
    if (err instanceof ApplicationFailure && err.type === FailureTypes.runStopped) state.record.stop = err.details?.[0] as RunStop;
    else if (err) state.record.failure = runErrorOf(err);
    if (at) state.record.closedAt = at;
  },
  workflowExecutionCanceledEventAttributes(_cancelled, _event, state, at) {
    closed(state, 'cancelled', at);
  },
  workflowExecutionTerminatedEventAttributes(terminated, _event, state, at) {
    state.record.failure = { name: 'RunTerminatedError', message: terminated.reason || 'terminated' };
    closed(state, 'terminated', at);
  },
  workflowExecutionTimedOutEventAttributes(_timedOut, _event, state, at) {
    state.record.failure = { name: 'RunTimedOutError', message: 'the workflow execution timed out' };
    closed(state, 'timed_out', at);
  },
  workflowExecutionContinuedAsNewEventAttributes(continued, _event, state, at) {
    if (continued.newExecutionRunId) state.record.continuedAs = continued.newExecutionRunId;
    closed(state, 'continued_as_new', at);
  },
};
