// Approvals that reach the parent: a sub-run (an agentTool call's inner agent) that pauses for a human reports what it
// waits for to the run that called it (the subRunRequirements signal), and again once it waits for nothing. The caller
// lists those requirements among its own (the requirements query, its status and details, and, from the signal in
// its history, RunOutput.requirements, `show` and the stream), and reports them on to its own caller. An answer given
// to the outer run is sent by the client to the run that waits (Requirement.runId).
import { CancellationScope, getExternalWorkflowHandle, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Requirement } from '../../core/types.js';
import { subRunStep } from '../sub-run.js';
import { subRunRequirementsSignal } from '../sub-run-requirements.js';
import type { RunContext } from './context.js';
import { markStatus } from './live-status.js';
import { PATCHES } from './patches.js';

/** What the run's sub-runs wait for, each naming the run that waits. */
export function subRunRequirements(ctx: RunContext): Requirement[] {
  return [...ctx.subRunWaiting.values()].flat();
}

/** What this run and its sub-runs wait for: the requirements query's answer. */
export function allRequirements(ctx: RunContext): Requirement[] {
  const own = [...ctx.waiting.values()].filter((w) => !w.resolution).map((w) => w.requirement);
  return [...own, ...subRunRequirements(ctx)];
}

/** Takes the sub-runs' reports: listed, shown as paused, passed on to this run's own caller. */
export function registerSubRunApprovals(ctx: RunContext): void {
  setHandler(subRunRequirementsSignal, ({ runId, requirements }) => {
    if (requirements.length) ctx.subRunWaiting.set(runId, requirements);
    else ctx.subRunWaiting.delete(runId);
    const waitingFor = subRunRequirements(ctx);
    if (waitingFor.length) {
      const first = waitingFor[0]!;
      markStatus(ctx, 'paused', `waiting for sub-run ${first.runId ?? runId}: a ${first.kind} of ${first.toolName} (${first.id})`);
    } else if (![...ctx.waiting.values()].some((w) => !w.resolution)) {
      markStatus(ctx, 'running');
    }
    reportToCaller(ctx);
  });
}

/**
 * Forgets what a sub-run reported once its step settled (it completed, failed, or was stopped without saying it waits
 * for nothing any more): the run no longer waits for it. Changes nothing when its last report was empty.
 */
export function forgetSubRun(ctx: RunContext, subRunId: string | undefined): void {
  if (subRunId === undefined || !ctx.subRunWaiting.delete(subRunId)) return;
  if (!allRequirements(ctx).length && ctx.details.status === 'paused') markStatus(ctx, 'running');
  reportToCaller(ctx);
}

/**
 * Tells the run that called this one (when this run is an agentTool's sub-run) what this run and its sub-runs wait
 * for now, if that changed since the last report. Not awaited, and not cancelled with the run: a sub-run stopped while
 * it waits still says it waits for nothing.
 */
export function reportToCaller(ctx: RunContext): void {
  const caller = workflowInfo().parent;
  if (!caller || subRunStep(caller.workflowId, ctx.runId) === undefined) return;
  const requirements = allRequirements(ctx).map((r) => ({ ...r, runId: r.runId ?? ctx.runId }));
  const report = JSON.stringify(requirements.map((r) => `${r.runId}/${r.id}`));
  if (report === ctx.reportedToCaller || (ctx.reportedToCaller === undefined && !requirements.length)) return;
  if (!patched(PATCHES.subRunApprovals.id)) return;
  ctx.reportedToCaller = report;
  const handle = getExternalWorkflowHandle(caller.workflowId);
  void CancellationScope.nonCancellable(() => handle.signal(subRunRequirementsSignal, { runId: ctx.runId, requirements })).catch(() => undefined);
}
