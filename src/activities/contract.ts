// The activity interface the workflow schedules against; the workflow imports this file as types only.
import type { ModelCallInput, ModelCallResult, ResolvedTool, ToolCallInput, ToolCallResult } from '../types.js';
import type { ResolveToolsInput } from './tool-resolution.js';

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
}

/** The activity types that are steps of a run, as history records them (the keys of AgentActivities). */
export const STEP_ACTIVITY = { model: 'callModel', tool: 'callTool' } as const satisfies Record<string, keyof AgentActivities>;
export type StepActivityType = (typeof STEP_ACTIVITY)[keyof typeof STEP_ACTIVITY];

/** The activity type that resolves a run's tools on the worker (not a step): readers take the worker's policies from it. */
export const RESOLVE_TOOLS_ACTIVITY = 'resolveTools' satisfies keyof AgentActivities;
