// What a run learns from its worker about a tool that is Temporal itself: one of the user's activities (activityTool)
// or another agent (agentTool). Plain data, shared by the worker (which builds it), the loop (which schedules it) and
// the history reader (which finds the steps it made); types only, so workflow code may import it.
import type { Duration, RetryPolicy } from '@temporalio/common';
import type { TaskSpec } from './types.js';

/** activityTool(): the loop schedules `activityType` itself, with these options, as the tool's step. */
export interface ActivityToolSpec {
  /** The user's activity type (its name on the worker). */
  activityType: string;
  /** Default: the run's own task queue. */
  taskQueue?: string;
  /** Default: 30 minutes when neither this nor scheduleToCloseTimeout is set. */
  startToCloseTimeout?: Duration;
  scheduleToCloseTimeout?: Duration;
  scheduleToStartTimeout?: Duration;
  heartbeatTimeout?: Duration;
  /** Default: the tool steps' own (3 attempts, 1 s doubling to 30 s). The attempts' failures stay inside the step. */
  retry?: RetryPolicy;
}

/** agentTool(): the loop runs this agent as a child workflow whose final output is the tool result. */
export interface AgentToolSpec {
  /** Anthropic model id without the provider prefix; default the outer run's model. */
  model?: string;
  /** The inner run's task; its description is the `task` the model gives the tool. */
  task: Omit<TaskSpec, 'description'>;
  /** Default: the outer run's task queue. */
  taskQueue?: string;
}
