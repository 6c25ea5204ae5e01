// The update validator for human answers: runs before the update is accepted, so a malformed answer is refused
// without touching history and the run stays paused.
import type { Requirement, RequirementKind, RequirementResolution } from '../core/types.js';
import type { ToolStepPlan } from './conversation.js';

/** The requirement a human-gated tool call raises: the loop waits on it, the history reader reports it. */
export function requirementOf(plan: ToolStepPlan, kind: RequirementKind): Requirement {
  return { id: plan.toolUseId, kind, stepIndex: plan.index, activityId: plan.activityId, toolName: plan.toolName, toolInput: plan.input };
}

export function checkResolutionShape(resolution: RequirementResolution, requirement: Requirement | undefined, waitingFor: string[]): void {
  if (!requirement) {
    throw new Error(`Nothing waits for "${resolution.id}". The run waits for: ${waitingFor.join(', ') || 'nothing'}.`);
  }
  const where = `${requirement.toolName} (${requirement.id})`;
  if (requirement.kind === 'confirmation' && typeof resolution.approve !== 'boolean') {
    throw new Error(`${where} needs a confirmation: { id, approve: true | false, note? }.`);
  }
  if (requirement.kind === 'userInput' && (typeof resolution.values !== 'object' || resolution.values === null)) {
    throw new Error(`${where} needs user input: { id, values: { ... } }.`);
  }
  if (requirement.kind === 'externalExecution' && resolution.result === undefined) {
    throw new Error(`${where} is executed outside the worker: submit { id, result }.`);
  }
}
