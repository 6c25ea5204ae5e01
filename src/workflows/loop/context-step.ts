// Before a model step: fit its request into the run's context budget (Task `context`). The decision is the
// ContextWindow's (context-window.ts), taken for seeded steps too so every execution reaches the same state; with the
// `summarize` strategy a summarisation turn runs first as a step of its own (`step-<index>-summarize`, a callModel
// activity), taken from the seed when an earlier execution completed it.
import { patched } from '@temporalio/workflow';
import type { ContextCompaction, ModelCallResult } from '../../core/types.js';
import { stepContextOf } from '../context-window.js';
import { summarizeActivityId, textOf, type ModelStepPlan } from '../conversation.js';
import type { RunContext } from './context.js';
import { track } from './live-status.js';
import { PATCHES } from './patches.js';

/** Makes the callModel activity of a step (model-step.ts's modelCall). */
export type ModelCallMaker = (ctx: RunContext, plan: ModelStepPlan, context: ContextCompaction) => () => Promise<ModelCallResult>;

/**
 * The compaction model step `plan` sends (undefined: the whole transcript), after its summarisation step if one is
 * due (made by `modelCall`).
 */
export async function fitContext(ctx: RunContext, plan: ModelStepPlan, modelCall: ModelCallMaker): Promise<ContextCompaction | undefined> {
  const { contextWindow, conversation } = ctx;
  const first = contextWindow.plan(conversation.messages, true, dropAllowed);
  if (!first.summarize || !first.compaction) return first.compaction;
  const summary = await summarizeStep(ctx, plan, first.compaction, modelCall);
  if (summary) contextWindow.applySummary(first.summarize.through, summary);
  return contextWindow.plan(conversation.messages, false, dropAllowed).compaction;
}

/** Whether clear-tool-results may leave out the oldest turns (asked only when clearing every result is not enough). */
function dropAllowed(): boolean {
  return patched(PATCHES.contextDropTurns.id);
}

/** The summarisation step's summary: from the seed, or from a callModel activity; undefined when it cannot run. */
async function summarizeStep(ctx: RunContext, plan: ModelStepPlan, compaction: ContextCompaction, modelCall: ModelCallMaker): Promise<string | undefined> {
  const step: ModelStepPlan = { ...plan, activityId: summarizeActivityId(plan.index), name: 'summarize' };
  const recorded = ctx.seeded(step.activityId);
  let result: ModelCallResult;
  if (recorded?.kind === 'model') {
    result = recorded.result;
  } else {
    if (!patched(PATCHES.contextCompaction.id)) return undefined;
    result = await track(ctx, step, modelCall(ctx, step, compaction), undefined, stepContextOf(compaction));
    ctx.stopper.addUsage(result.usage);
    // A stop or budget that came while it ran lets the model step it came before not start (as after any step).
    ctx.stopper.beforeNewSteps(ctx.conversation.stepCount - 1, 1);
  }
  return textOf(result.content).trim() || undefined;
}
