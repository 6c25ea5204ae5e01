// agentTool(): another agent offered to the model as a tool. Each call is a sub-run: an agent run of its own (a child
// workflow of the calling run, with a run id derived from the caller's and the call's), whose final output is the tool
// result. Cancelling the caller cancels it; continuing the caller continues it where it was cut.
import { z } from 'zod';
import type { AgentToolSpec } from '../core/types.js';
import { modelId } from '../core/model-id.js';
import { checkTaskOptions, taskSpecOf, type TaskOptions } from '../task/task-options.js';
import { tool, type Tool } from './tool-definition.js';

/** Options of `agentTool`. */
export interface AgentToolOptions {
  /** What the model calls it: 1–64 characters of letters, digits, `_` and `-`. */
  name: string;
  /** What the agent is for: the model reads it to decide when to call it. */
  description: string;
  /** The inner agent's model ('anthropic/<model>'); default the calling run's. */
  model?: string;
  /** The inner agent's tools, system prompt and limits; its task description is the `task` the model gives the tool. */
  task?: Omit<TaskOptions, 'description'>;
  /** The task queue of the sub-runs; default the calling run's. Its workers need this tool's inner tools. */
  taskQueue?: string;
}

const input = z.object({ task: z.string().describe('The complete task for the agent: it sees nothing of this conversation but this text.') });

/**
 * Another agent as a tool: each call is a sub-run, an agent run of its own started as a child workflow, whose run id is
 * `<outer run id>.<the step's activity id>`. Its final output is the tool result.
 */
export function agentTool(options: AgentToolOptions): Tool<z.infer<typeof input>> {
  const inner = checkTaskOptions({ ...options.task, description: options.description });
  const { description: _description, ...task } = taskSpecOf(inner);
  const spec: AgentToolSpec = {
    task,
    ...(options.model !== undefined ? { model: modelId(options.model) } : {}),
    ...(options.taskQueue !== undefined ? { taskQueue: options.taskQueue } : {}),
  };
  const base = tool({
    name: options.name,
    description: options.description,
    input,
    run: () => {
      throw new Error(`${options.name} is an agent: the run starts it as a child workflow, not callTool.`);
    },
  });
  return { ...base, agent: spec, subTools: inner.tools };
}
