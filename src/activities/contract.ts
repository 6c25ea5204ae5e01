// The activity interface the workflow schedules against; the workflow imports this file as types only.
import type { ModelCallInput, ModelCallResult, ToolCallInput, ToolCallResult } from '../types.js';

export interface AgentActivities {
  callModel(input: ModelCallInput): Promise<ModelCallResult>;
  callTool(input: ToolCallInput): Promise<ToolCallResult>;
}
