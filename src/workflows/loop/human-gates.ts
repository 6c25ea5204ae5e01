// Human gates: a tool call that requires a confirmation, user input or an external result waits, durably, for the
// resolveRequirement update; the requirements query lists what waits.
import { ApplicationFailure, condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { AgentActivities } from '../../activities/contract.js';
import { FailureTypes, type RequirementKind, type RequirementResolution } from '../../core/types.js';
import { USER_INPUT_CHECK_OPTIONS } from '../activity-options.js';
import type { ToolStepPlan } from '../conversation.js';
import { LEGACY_NAMES, requirementsQuery, resolveRequirementUpdate } from '../definitions.js';
import { checkResolutionShape, requirementOf } from '../requirements.js';
import type { RunContext, WaitingCall } from './context.js';
import { markStatus } from './live-status.js';
import { PATCHES } from './patches.js';
import { allRequirements, registerSubRunApprovals, reportToCaller } from './sub-run-approvals.js';

/** Registers the requirements query and the resolveRequirement update (under both names). */
export function registerHumanGates(ctx: RunContext): void {
  const { waiting } = ctx;
  // What the run's sub-runs wait for is listed too: answered through this run, it reaches them (sub-run-approvals.ts).
  for (const query of [requirementsQuery, LEGACY_NAMES.requirements]) setHandler(query, () => allRequirements(ctx));
  registerSubRunApprovals(ctx);
  // Under both names: recorded histories hold updates by their old name (registering a handler schedules nothing).
  for (const update of [resolveRequirementUpdate, LEGACY_NAMES.resolveRequirement])
  setHandler(
    update,
    (resolution) => resolve(ctx, resolution),
    { validator: (resolution) => checkResolutionShape(resolution, waiting.get(resolution.id)?.requirement, [...waiting.keys()]) },
  );
}

/** The update handler: records a human's answer to a waiting call. */
async function resolve(ctx: RunContext, resolution: RequirementResolution): Promise<void> {
  const { waiting } = ctx;
  const entry = waiting.get(resolution.id);
  if (!entry) throw ApplicationFailure.create({ type: FailureTypes.invalidUserInput, message: `Nothing waits for ${resolution.id}.`, nonRetryable: true });
  if (entry.requirement.kind === 'userInput') {
    const { checkUserInput } = proxyActivities<AgentActivities>(USER_INPUT_CHECK_OPTIONS);
    const problem = await checkUserInput({ toolName: entry.requirement.toolName, values: resolution.values ?? {} });
    if (problem) throw ApplicationFailure.create({ type: FailureTypes.invalidUserInput, message: problem, nonRetryable: true });
  }
  entry.resolution = resolution;
  // Back to running inside the handler, so the status upsert precedes the update's completion in history whatever
  // interceptors wrap the handler (the tracing ones add awaits that would let the loop's upsert go first, and a
  // traced worker could then not replay an untraced worker's run). Runs recorded before upserted in the loop.
  if (patched(PATCHES.statusSetInUpdateHandler.id)) {
    ctx.statusSetByAnswers = true;
    if ([...waiting.values()].every((w) => w.resolution)) markStatus(ctx, 'running');
  }
  // In the handler too, so the report precedes the update's completion in history whatever interceptors wrap it.
  reportToCaller(ctx);
}

/** Pauses a tool call until a human answers it, or the run stops. */
export async function awaitHuman(ctx: RunContext, plan: ToolStepPlan, kind: RequirementKind): Promise<RequirementResolution> {
  const { waiting, stopper } = ctx;
  const entry: WaitingCall = {
    requirement: requirementOf(plan, kind),
  };
  waiting.set(plan.toolUseId, entry);
  reportToCaller(ctx);
  markStatus(ctx, 'paused', `waiting for ${kind === 'confirmation' ? 'a confirmation' : kind === 'userInput' ? 'user input' : 'an external result'} of ${plan.toolName} (${plan.toolUseId})`);
  try {
    // Durable: the wait costs nothing while the run sits paused for hours or days.
    await condition(() => entry.resolution !== undefined || stopper.stopping);
  } finally {
    waiting.delete(plan.toolUseId);
    reportToCaller(ctx);
  }
  if (entry.resolution === undefined) stopper.beforeNewSteps(plan.index, 1);
  if (waiting.size === 0 && !ctx.statusSetByAnswers) markStatus(ctx, 'running');
  return entry.resolution as RequirementResolution;
}
