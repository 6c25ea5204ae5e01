// An agent run started from inside a user's own workflow: a child workflow of type agentRun whose workflow id is the
// run id, so everything that works on a run (cancelRun, continueRun, show, streaming, the Web UI) works on it as on a
// run a client started. Its RunOutput, and the plan to continue a cut run, come from the one history reader and
// continuation planner through the activities DurableAgentPlugin registers (src/activities/run-access.ts).
import { ApplicationFailure, CancellationScope, ChildWorkflowFailure, isCancellation, proxyActivities, uuid4, workflowInfo } from '@temporalio/workflow';
import type { RunAccessActivities } from '../activities/run-access.js';
import type { StartPlan } from '../history/continuation.js';
import { modelId } from '../core/model-id.js';
import { oneLine } from '../core/text.js';
import { shownId, workflowIdProblem } from '../core/workflow-id.js';
import type { RunInput, RunOutput, StepTimeouts, ToolRef } from '../core/types.js';
import { unwrappedRefusal } from './step-failure.js';
import { startAgentChild } from './sub-run.js';

/** What to do, as workflow code names it: tools by the name they are registered under on the worker (tool({ name })). */
export interface AgentTaskOptions {
  description: string;
  /** Tool names (or refs); the worker's copy of each is the one the run uses. */
  tools?: Array<string | ToolRef>;
  system?: string;
  maxSteps?: number;
  maxTokens?: number;
  timeouts?: StepTimeouts;
}

/** Options of `startAgentRun` and `runAgent` (workflow code). */
export interface StartAgentRunOptions {
  /** e.g. `anthropic/claude-sonnet-4-6`. */
  model: string;
  task: string | AgentTaskOptions;
  /** The run id (the child's workflow id). Default `run-<uuid>`, from the workflow's deterministic uuid4(). */
  runId?: string;
  sessionId?: string;
  userId?: string;
  /** Upsert the DurableAgent* search attributes (the namespace must have them registered). Default false. */
  searchAttributes?: boolean;
  /** Default: the parent's task queue. */
  taskQueue?: string;
}

/** Options of `continueAgentRun` (workflow code). */
export interface ContinueAgentRunOptions {
  /** Default: the run's own task queue. */
  taskQueue?: string;
  /** Default: the run's own model. */
  model?: string;
}

/** A started agent run, as the parent workflow holds it. */
export interface AgentRunChild {
  readonly runId: string;
  /** The Temporal run id of this execution of the run. */
  readonly executionRunId: string;
  /**
   * The run's RunOutput once it closes: completed, cancelled (its own cancel, or the parent's cancellation scope's)
   * or error. Resolves, does not throw, for those three, like agent.do(); read `status`. When the parent's own scope
   * was cancelled, the output is read anyway, so the parent sees how the run ended before it handles its cancel.
   */
  result(): Promise<RunOutput>;
}

const SUMMARY_LIMIT = 200;

const runAccess = proxyActivities<RunAccessActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '5 seconds', maximumAttempts: 30 },
});

/** Options no run can start with fail the calling workflow (not just its task, which would retry them forever). */
function invalid(message: string): never {
  throw ApplicationFailure.create({ type: 'InvalidAgentRunOptions', message, nonRetryable: true });
}

/**
 * The run id the child would start under, checked as the client checks one: a start the server refuses fails the
 * workflow task, which would retry forever. Fails the calling workflow with the client's error name as its type.
 */
function checkedRunId(runId: unknown): string {
  const problem = workflowIdProblem(runId);
  if (problem === undefined) return runId as string;
  throw ApplicationFailure.create({ type: 'InvalidRunIdError', message: `Invalid run id ${shownId(runId)}: ${problem}.`, nonRetryable: true });
}

function checkedModel(model: string): string {
  try {
    return modelId(model);
  } catch (err) {
    return invalid((err as Error).message);
  }
}

function runInputOf(options: StartAgentRunOptions): RunInput {
  const task = typeof options.task === 'string' ? { description: options.task } : options.task;
  if (!task.description?.trim()) invalid('An agent task needs a non-empty description.');
  return {
    task: {
      description: task.description,
      tools: (task.tools ?? []).map((t) => (typeof t === 'string' ? { name: t } : t)),
      ...(task.system !== undefined ? { system: task.system } : {}),
      ...(task.maxSteps !== undefined ? { maxSteps: task.maxSteps } : {}),
      ...(task.maxTokens !== undefined ? { maxTokens: task.maxTokens } : {}),
      ...(task.timeouts !== undefined ? { timeouts: { ...task.timeouts } } : {}),
    },
    model: checkedModel(options.model),
    ...(options.sessionId !== undefined ? { sessionId: options.sessionId } : {}),
    ...(options.userId !== undefined ? { userId: options.userId } : {}),
    searchAttributes: options.searchAttributes ?? false,
  };
}

async function startExecution(runId: string, input: RunInput, summary: string, taskQueue: string | undefined): Promise<AgentRunChild> {
  const handle = await startAgentChild({ runId, input, summary, taskQueue: taskQueue ?? workflowInfo().taskQueue });
  const executionRunId = handle.firstExecutionRunId;
  return {
    runId,
    executionRunId,
    result: async () => {
      try {
        await handle.result();
      } catch (err) {
        // Cancelled or failed: its history says which step and why (the caller reads `status`, as with agent.do()).
        if (!isCancellation(err) && !(err instanceof ChildWorkflowFailure)) throw err;
      }
      // Read even when the caller's own scope is cancelled, so the parent sees how the run ended.
      return CancellationScope.nonCancellable(() => runAccess['durableAgent.readRunOutput']({ runId, executionRunId }));
    },
  };
}

/** Starts an agent run as a child of the calling workflow; cancelling the caller's scope cancels the run. */
export async function startAgentRun(options: StartAgentRunOptions): Promise<AgentRunChild> {
  const input = runInputOf(options);
  const runId = options.runId !== undefined ? checkedRunId(options.runId) : `run-${uuid4()}`;
  return startExecution(runId, input, oneLine(input.task.description.trim(), SUMMARY_LIMIT), options.taskQueue);
}

/** startAgentRun() and its result(): the run's RunOutput once it closes. */
export async function runAgent(options: StartAgentRunOptions): Promise<RunOutput> {
  return (await startAgentRun(options)).result();
}

/**
 * Continues a cancelled (or failed) run from where it stopped, as a child of the calling workflow: completed steps are
 * taken from its history, the cut step and what follows run (same run id, a new execution). Fails with the client's
 * error types (RunAlreadyCompletedError, RunPausedError, RunNotFoundError, InvalidRunIdError, ...) as the `type` of an
 * ApplicationFailure (itself, not wrapped in the ActivityFailure of the activity that planned the continuation).
 */
export async function continueAgentRun(runId: string, options: ContinueAgentRunOptions = {}): Promise<AgentRunChild> {
  const request = {
    runId: checkedRunId(runId),
    ...(options.taskQueue !== undefined ? { taskQueue: options.taskQueue } : {}),
    ...(options.model !== undefined ? { model: checkedModel(options.model) } : {}),
  };
  let plan: StartPlan;
  try {
    plan = await runAccess['durableAgent.planContinueRun'](request);
  } catch (err) {
    // The planner's refusal is the answer, not the activity's: rethrow it as the failure it is.
    throw unwrappedRefusal(err);
  }
  return startExecution(plan.runId, plan.input, plan.summary, plan.taskQueue);
}
