// The run context: the state one execution of the loop shares between its parts (the loop, the model step, the tool
// step, human gates, stop and limits, live status). Made once at the start of the run and passed to every part.
import { workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import {
  DEFAULT_MAX_STEPS,
  type Requirement,
  type RequirementResolution,
  type RunInput,
  type RunStatus,
  type StepOutcome,
  type StepResult,
} from '../../core/types.js';
import { MODEL_ACTIVITY_OPTIONS, TOOL_ACTIVITY_OPTIONS, withFallbacks, withTimeouts } from '../activity-options.js';
import { ContextWindow } from '../context-window.js';
import { Conversation } from '../conversation.js';
import { modelCallSettings } from '../model-call-settings.js';
import { describeStop, RunStopper } from '../run-stop.js';
import type { LoopToolPolicy } from '../temporal-tools.js';
import { answerQueries, showDetails } from './live-status.js';

/** A tool call waiting for a human, and the answer once it came. */
export interface WaitingCall {
  requirement: Requirement;
  resolution?: RequirementResolution;
}

/** The Web UI's "Current Details" as the loop last set them (user metadata, not history). */
export interface DetailsState {
  status: RunStatus;
  reason: string | undefined;
  /** A flush is queued for this activation. */
  queued: boolean;
  /** One settled promise for the run: each flush costs one promise (the SDK records a stack trace for every promise). */
  readonly flushAfter: Promise<void>;
}

export class RunContext {
  readonly input: RunInput;
  readonly task: RunInput['task'];
  readonly seed: RunInput['seed'];
  readonly execution: number;
  readonly maxSteps: number;
  readonly conversation: Conversation;
  /** What the model calls send: the budget, what was cleared or summarised (Task `context`; context-window.ts). */
  readonly contextWindow: ContextWindow;
  /** The steps this execution ran or runs (the seed's previous steps come before them). */
  readonly liveSteps: StepResult[] = [];
  /** Runs recorded before tools were resolved on the worker use the policy their input carries; newer ones the worker's. */
  toolPolicies: Map<string, LoopToolPolicy>;
  readonly runId: string;
  readonly modelOptions: ActivityOptions;
  readonly toolOptions: ActivityOptions;
  /** Messages the worker was already sent in this execution; the next model call carries only what follows. */
  sentMessages = 0;
  /** Tool steps run in this execution, by tool_use id: their results are in history already. */
  readonly toolStepsRun = new Map<string, string>();
  /** Tool steps whose results this execution's seed carried (a continuation's), by tool_use id: they are in its input. */
  readonly toolStepsSeeded = new Map<string, string>();
  readonly details: DetailsState = { status: 'running', reason: undefined, queued: false, flushAfter: Promise.resolve() };
  /** cancelRun's modes and reasons, the time limit and the budgets: one way to stop (run-stop.ts). */
  readonly stopper: RunStopper;
  /** Tool calls waiting for a human, by tool_use id. */
  readonly waiting = new Map<string, WaitingCall>();
  /** What this run's sub-runs wait for, by sub-run id, as they last reported (sub-run-approvals.ts). */
  readonly subRunWaiting = new Map<string, Requirement[]>();
  /** What this run last reported to the run that called it (a sub-run's), to send only changes. */
  reportedToCaller: string | undefined;
  /** Set once answers set the status back to running in the update handler; the same for a whole run. */
  statusSetByAnswers = false;

  /** Making it answers the loop's queries and starts the stopper, in the order the loop always has. */
  constructor(input: RunInput) {
    this.input = input;
    this.task = input.task;
    this.seed = input.seed;
    this.execution = (this.seed?.executions ?? 0) + 1;
    this.maxSteps = this.task.maxSteps ?? DEFAULT_MAX_STEPS;
    this.conversation = new Conversation(this.task, this.seed?.redirects, this.seed?.snapshot);
    // A run that continued as new: its worker asks the transcript query for the snapshot's messages rather than have
    // the first model call write them into this execution's history again.
    if (this.seed?.snapshot) this.sentMessages = this.seed.snapshot.messages.length;
    const { model, maxTokens, system } = modelCallSettings(input);
    this.contextWindow = new ContextWindow(this.task.context, model, maxTokens, system, this.task.description);
    if (this.seed?.snapshot?.context) this.contextWindow.restore(this.seed.snapshot.context, this.seed.snapshot.results);
    this.toolPolicies = new Map<string, LoopToolPolicy>(this.task.tools.map((ref) => [ref.name, ref]));
    this.runId = workflowInfo().workflowId;
    this.modelOptions = withFallbacks(withTimeouts(MODEL_ACTIVITY_OPTIONS, 'model', this.task.timeouts), input.fallbacks);
    this.toolOptions = withTimeouts(TOOL_ACTIVITY_OPTIONS, 'tool', this.task.timeouts);
    answerQueries(this);
    this.stopper = new RunStopper(input, (stop) => {
      this.details.reason = `stopping: ${describeStop(stop)}`;
      showDetails(this);
    });
  }

  /** The seed's result of a step an earlier execution completed. */
  seeded(activityId: string): StepOutcome | undefined {
    return this.seed?.completed[activityId];
  }

  /** The steps of the whole run: the earlier executions' and this one's. */
  allSteps(): StepResult[] {
    return [...(this.seed?.previousSteps ?? []), ...this.liveSteps];
  }
}
