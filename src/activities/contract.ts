// The activity interface the workflow schedules against; the workflow imports this file as types only.
import type { GateDecisionInput, ModelCallInput, ModelCallResult, ResolvedTool, ToolCallInput, ToolCallResult } from '../core/types.js';
import type { GateDecision } from './gate-decision.js';
import type { ResolveToolsInput } from '../tools/tool-resolution.js';
import type { SubRunContinuation, SubRunContinuationInput } from './sub-run-continuation.js';
import { DECIDE_GATE_ACTIVITY, RESOLVE_TOOLS_ACTIVITY, STEP_ACTIVITY } from '../core/types.js';

export interface UserInputCheck {
  toolName: string;
  values: Record<string, unknown>;
}

export interface AgentActivities {
  callModel(input: ModelCallInput): Promise<ModelCallResult>;
  callTool(input: ToolCallInput): Promise<ToolCallResult>;
  /** The worker's policy and fingerprint of each tool the run names; refuses tools it lacks or has in another version. */
  resolveTools(input: ResolveToolsInput): Promise<ResolvedTool[]>;
  /** Checks a human's values against the tool's `human: { kind: 'userInput', schema }`; returns the problem, or null. */
  checkUserInput(input: UserInputCheck): Promise<string | null>;
  /** Whether a call of a tool whose gate a policy decides (`human: { kind, when }`) waits for a human. */
  decideGate(input: GateDecisionInput): Promise<GateDecision>;
  /** What to start for an agentTool call whose sub-run an earlier execution left unfinished (the one planner's plan). */
  planSubRunContinuation(input: SubRunContinuationInput): Promise<SubRunContinuation>;
}

// The activity type names history records, defined beside the other boundary constants (workflow code reads them
// there); checked here against this interface, so renaming an activity cannot leave them behind.
export { DECIDE_GATE_ACTIVITY, RESOLVE_TOOLS_ACTIVITY, STEP_ACTIVITY, type StepActivityType } from '../core/types.js';
void (STEP_ACTIVITY satisfies Record<string, keyof AgentActivities>);
void (RESOLVE_TOOLS_ACTIVITY satisfies keyof AgentActivities);
void (DECIDE_GATE_ACTIVITY satisfies keyof AgentActivities);
