// What the run shows while it runs: the steps, transcript and call-settings queries, the Web UI's "Current Details"
// (status, reason and the transcript so far) and the status search attribute. None of it is a command but the upsert.
import { CancellationScope, isCancellation, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { RunStatus, StepContext, StepResult } from '../../core/types.js';
import type { StepPlan } from '../conversation.js';
import { callSettingsQuery, LEGACY_NAMES, statusSearchAttribute, stepsQuery, transcriptQuery } from '../definitions.js';
import { renderCurrentDetails } from '../current-details.js';
import { runWarnings } from '../run-warnings.js';
import { modelCallSettings } from '../model-call-settings.js';
import { stepFailure } from '../step-failure.js';
import type { RunContext } from './context.js';

/** Registers the run's queries and shows its first details (before the stopper starts: see RunContext). */
export function answerQueries(ctx: RunContext): void {
  for (const query of [stepsQuery, LEGACY_NAMES.steps]) setHandler(query, () => ctx.allSteps());
  showDetails(ctx);
  CancellationScope.current().cancelRequested.catch(() => {
    ctx.details.reason = 'cancel requested: waiting for the running steps to stop';
    showDetails(ctx);
  });
  for (const query of [transcriptQuery, LEGACY_NAMES.transcript]) setHandler(query, (count) => ctx.conversation.messages.slice(0, count));
  setHandler(callSettingsQuery, () => modelCallSettings(ctx.input));
}

/**
 * Queues a flush of the Current Details. Rendered once per activation however often the loop changes (a microtask runs
 * before the activation completes): the details are the same when a query reads them, at a fraction of the CPU per step.
 */
export function showDetails(ctx: RunContext): void {
  const details = ctx.details;
  if (details.queued) return;
  details.queued = true;
  void details.flushAfter.then(() => {
    details.queued = false;
    const { task, seed, conversation } = ctx;
    const steps = ctx.allSteps();
    const warnings = runWarnings(steps, seed?.snapshot);
    setCurrentDetails(
      renderCurrentDetails({
        status: details.status,
        ...(details.reason !== undefined ? { reason: details.reason } : {}),
        execution: ctx.execution,
        ...(seed ? { continuedFrom: seed.continuedFrom } : {}),
        ...(seed?.snapshot ? { earlierSteps: seed.snapshot.steps } : {}),
        messages: task.memory ? conversation.messages.slice(task.memory.messages.length) : conversation.messages,
        steps,
        ...(warnings.length ? { warnings } : {}),
      }),
    );
  });
}

/** Sets the run's status (and why) in its details and, when the run has search attributes, in its status attribute. */
export function markStatus(ctx: RunContext, status: RunStatus, reason?: string): void {
  ctx.details.status = status;
  ctx.details.reason = reason;
  showDetails(ctx);
  if (ctx.input.searchAttributes) upsertSearchAttributes([{ key: statusSearchAttribute, value: status }]);
}

/**
 * Runs a step's call as a live step: listed while it runs, then completed, cancelled or error. `context`: how a model
 * step's request was compacted (as the history reader reports it).
 */
export async function track<T>(ctx: RunContext, plan: StepPlan, call: () => Promise<T>, subRunId?: string, context?: StepContext): Promise<T> {
  const step: StepResult = {
    index: plan.index,
    name: plan.name,
    status: 'running',
    activityId: plan.activityId,
    execution: ctx.execution,
    startedAt: new Date().toISOString(),
    ...(plan.kind === 'tool' ? { toolUseId: plan.toolUseId, toolInput: plan.input } : {}),
    // As the history reader reports it, so a live view of an agentTool's step links its sub-run while it runs.
    ...(subRunId !== undefined ? { subRunId } : {}),
    ...(context ? { context } : {}),
  };
  ctx.liveSteps.push(step);
  showDetails(ctx);
  try {
    const result = await call();
    step.status = 'completed';
    return result;
  } catch (err) {
    step.status = isCancellation(err) ? 'cancelled' : 'error';
    if (isCancellation(err)) throw err;
    throw stepFailure(plan, err);
  } finally {
    step.endedAt = new Date().toISOString();
    showDetails(ctx);
  }
}
