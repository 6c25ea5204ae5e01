// Stop and limits at the loop's step boundaries: a stop (cancelRun, the time limit, a budget: run-stop.ts) lets no new
// step start, and maxSteps bounds the steps run, model turns and tool calls alike.
import { ApplicationFailure, patched } from '@temporalio/workflow';
import { FailureTypes } from '../../core/types.js';
import type { ToolStepPlan } from '../conversation.js';
import type { RunContext } from './context.js';
import { PATCHES } from './patches.js';

/** Before a model turn: stops if a stop is in effect, fails the run if the turn would pass maxSteps. */
export function beforeModelStep(ctx: RunContext): void {
  const { conversation } = ctx;
  ctx.stopper.beforeNewSteps(conversation.stepCount, 1);
  if (conversation.stepCount >= ctx.maxSteps) throw maxStepsReached(ctx, '');
}

/** Before a turn's tool calls (already counted in the conversation's steps): the same, for all of them at once. */
export function beforeToolSteps(ctx: RunContext, tools: ToolStepPlan[]): void {
  const { conversation } = ctx;
  // maxSteps bounds the steps run, so a turn whose tool calls would pass it runs none of them. Runs recorded before
  // this check ran such calls; the patch keeps them replaying (it is only consulted where the two differ).
  if (conversation.stepCount > ctx.maxSteps && patched(PATCHES.maxStepsBoundsToolCalls.id)) {
    const first = tools[0]!.index;
    throw maxStepsReached(
      ctx,
      `: its last model turn asked for ${tools.length} tool call${tools.length === 1 ? '' : 's'} (step${tools.length === 1 ? '' : 's'} ` +
        `${first}${tools.length === 1 ? '' : `-${first + tools.length - 1}`}), which would pass the limit, so none ran`,
    );
  }
  ctx.stopper.beforeNewSteps(conversation.stepCount - tools.length, tools.length);
}

function maxStepsReached(ctx: RunContext, detail: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureTypes.maxStepsReached,
    message: `Run ${ctx.runId} reached its limit of ${ctx.maxSteps} steps without the model ending its turn${detail}.`,
    nonRetryable: true,
  });
}
