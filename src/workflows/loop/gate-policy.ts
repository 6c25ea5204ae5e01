// Gates decided by policy: a tool whose human gate has a `when` (`human: { kind: 'confirmation', when }`) pauses only
// the calls its policy picks. The policy is the worker's code, so the loop asks the worker (the decideGate activity)
// once per call before the gate; the activity's recorded result is the decision on replay and for every reader.
import { patched, proxyActivities } from '@temporalio/workflow';
import type { AgentActivities } from '../../activities/contract.js';
import { oneLine } from '../../core/text.js';
import { DECIDE_GATE_OPTIONS } from '../activity-options.js';
import type { ToolStepPlan } from '../conversation.js';
import type { LoopToolPolicy } from '../temporal-tools.js';
import type { RunContext } from './context.js';
import { PATCHES } from './patches.js';
import { SUMMARY_LIMIT } from './tool-step.js';

/** The decideGate activity's id for a step: the step's own, suffixed, so the history reader pairs them. */
export function gateActivityId(stepActivityId: string): string {
  return `${stepActivityId}-gate`;
}

/** Whether this call waits for its human gate: always for a static gate, as the worker's policy decides for a `when`. */
export async function gateApplies(ctx: RunContext, plan: ToolStepPlan, policy: LoopToolPolicy): Promise<boolean> {
  if (!policy.requires) return false;
  // Only tools with a policy consult the patch, so runs of static gates schedule what they always did.
  if (!policy.conditional || !patched(PATCHES.gatePolicies.id)) return true;
  const { decideGate } = proxyActivities<AgentActivities>({
    ...DECIDE_GATE_OPTIONS,
    activityId: gateActivityId(plan.activityId),
    summary: oneLine(`gate of ${plan.toolName} ${JSON.stringify(plan.input) ?? ''}`, SUMMARY_LIMIT),
  });
  const { sessionId, userId } = ctx.input;
  const decision = await decideGate({
    toolName: plan.toolName,
    toolUseId: plan.toolUseId,
    input: plan.input,
    runId: ctx.runId,
    ...(sessionId !== undefined ? { sessionId } : {}),
    ...(userId !== undefined ? { userId } : {}),
  });
  return decision.required;
}
