// The activity interface the workflow schedules against; the workflow imports this file as types only.
import type { ModelCallInput, ModelCallResult, ToolCallInput, ToolCallResult } from '../types.js';

export interface UserInputCheck {
  toolName: string;
  values: Record<string, unknown>;
}

export interface AgentActivities {
  callModel(input: ModelCallInput): Promise<ModelCallResult>;
  callTool(input: ToolCallInput): Promise<ToolCallResult>;
  /** Checks a human's values against the tool's `requiresUserInput` schema; returns the problem, or null. */
  checkUserInput(input: UserInputCheck): Promise<string | null>;
}
