// Where a seed is built. The one planner of what comes after an execution: given the record of a run's latest
// execution (src/history/decode.ts) and what the caller asks — continue it, answer what it is paused on, or fork it
// from a step — it returns the plan the client carries out (start this input on that queue, or send these answers),
// or throws the typed error that says why not. Pure: the client fetches the record and starts what the plan says.
import { RunStatus, type ContinuationSeed, type Requirement, type RequirementResolution, type RunInput, type RunLimits, type RunStart, type StepOutcome, type StepResult } from '../core/types.js';
import { jsonPayloadBytes, MAX_PAYLOAD_BYTES } from '../core/payload-size.js';
import {
  InvalidForkError,
  RunAlreadyCompletedError,
  RunNotPausedError,
  RunPausedError,
  RunStillRunningError,
  RunTooLargeToContinueError,
} from '../core/errors.js';
import { oneLine } from '../core/text.js';
import type { ExecutionRecord } from './decode.js';
import { toolCheckpoints } from './checkpoints.js';
import { interruptedCalls } from './interrupted-calls.js';
import { addUsage, completedOutcomes, executionNumber, NO_USAGE, runSinceSnapshot, toRunOutput, unfinishedSubRuns } from './projections.js';
import { redirectSeed } from './redirect.js';
import { applyForkEdit, type ForkEdit } from './fork-edit.js';

/** Temporal's static summary of a started execution (shown in the Web UI's list). */
export const SUMMARY_LIMIT = 200;

export function runSummary(text: string): string {
  return oneLine(text.trim(), SUMMARY_LIMIT);
}

/** What the next execution of a run keeps from this one: every completed step, the steps so far, their usage. */
export function seedOf(record: ExecutionRecord): ContinuationSeed {
  const output = runSinceSnapshot(record);
  const done = completedOutcomes(record);
  // A cut call of a tool not safe to repeat counts as done: its result says it may or may not have taken effect.
  const completed = { ...done, ...interruptedCalls(record, done) };
  const checkpoints = toolCheckpoints(record, completed);
  // A run that continued as new goes on from its snapshot: the steps before it stay in the earlier executions' histories.
  const snapshot = record.input.seed?.snapshot;
  return {
    completed,
    previousSteps: output.stepResults,
    usage: output.usage,
    executions: executionNumber(record),
    continuedFrom: record.executionRunId,
    ...(checkpoints ? { checkpoints } : {}),
    ...unfinishedSubRuns(record),
    ...(record.input.seed?.redirects ? { redirects: record.input.seed.redirects } : {}),
    elapsedMs: (record.input.seed?.elapsedMs ?? 0) + elapsedOf(record),
    ...(snapshot ? { snapshot } : {}),
  };
}

/** Every completed step of the run, across the executions before a snapshot too (a fork may start before it). */
function runOutcomes(record: ExecutionRecord): Record<string, StepOutcome> {
  return Object.assign({}, ...[...(record.earlier ?? []), record].map(completedOutcomes)) as Record<string, StepOutcome>;
}

/** Workflow time the execution took (start to close; to now's last event while it runs). */
function elapsedOf(record: ExecutionRecord): number {
  return record.startedAt && record.closedAt ? Math.max(0, Date.parse(record.closedAt) - Date.parse(record.startedAt)) : 0;
}

interface StartOptions {
  /** The task queue to start on; default the run's own, as its history records it. */
  taskQueue?: string;
  /**
   * The model (Anthropic id, no provider prefix) the new execution uses. Default: the run's own. A continuation or
   * fork keeps the run's identity — its model, session and user — whoever continues it.
   */
  model?: string;
}

export type ContinuationRequest =
  /** Continue a cancelled or failed run from where it stopped. `answers` (deprecated path) also answers a paused run. */
  | ({ kind: 'continue'; answers?: RequirementResolution[]; message?: string; limits?: RunLimits } & StartOptions)
  /** Answer what a paused run waits for; it resumes in the same execution. */
  | { kind: 'answer'; answers: RequirementResolution[] }
  /**
   * A new run (id `newRunId`) that keeps the steps before `fromStep` of a closed run and runs the rest anew; `edit`
   * changes one thing it keeps first (src/history/fork-edit.ts).
   */
  | ({ kind: 'fork'; fromStep: number; newRunId: string; edit?: ForkEdit } & StartOptions);

/** Start a new execution: of the same run id (`continue`) or of a new one (`fork`). */
export interface StartPlan extends RunStart {
  kind: 'continue' | 'fork';
}

/** Send the answers to the paused execution as Temporal updates; no new execution. */
export interface AnswerPlan {
  kind: 'answer';
  runId: string;
  executionRunId: string;
  taskQueue: string;
  input: RunInput;
  answers: RequirementResolution[];
  /** Answers that go to a sub-run of this run (what it waits for is listed among this run's): answer id → its run id. */
  routes?: Record<string, string>;
}

/** Where each answer goes: to the sub-run that waits for it, when that is not the run itself. */
function routesOf(requirements: Requirement[], answers: RequirementResolution[]): Pick<AnswerPlan, 'routes'> {
  const routes: Record<string, string> = {};
  for (const answer of answers) {
    const runId = requirements.find((r) => r.id === answer.id)?.runId;
    if (runId !== undefined) routes[answer.id] = runId;
  }
  return Object.keys(routes).length ? { routes } : {};
}

export type ContinuationPlan = StartPlan | AnswerPlan;

/**
 * Plans the request against the run's latest execution. Throws RunStillRunningError (it is working), RunPausedError
 * (continue without answers), RunNotPausedError (answers for a run that waits for none), RunAlreadyCompletedError,
 * InvalidForkError, RunTooLargeToContinueError (the seed would not fit in a Temporal payload).
 */
export function planContinuation(record: ExecutionRecord, request: ContinuationRequest): ContinuationPlan {
  if (request.kind === 'fork') return planFork(record, request);
  const { runId } = record;
  if (record.state === 'running') {
    const current = runSinceSnapshot(record);
    if (current.status !== RunStatus.paused) throw new RunStillRunningError(runId);
    if (!request.answers?.length) throw new RunPausedError(runId, current.requirements);
    return { kind: 'answer', runId, executionRunId: record.executionRunId, taskQueue: record.taskQueue, input: record.input, answers: request.answers, ...routesOf(current.requirements, request.answers) };
  }
  if (request.kind === 'answer') throw new RunNotPausedError(runId, record.state);
  if (record.state === 'completed') throw new RunAlreadyCompletedError(runId);
  const seed = request.message !== undefined ? redirectSeed(record.input, seedOf(record), request.message) : seedOf(record);
  const limits = request.limits ? { ...record.input.limits, ...request.limits } : record.input.limits;
  const input: RunInput = { ...record.input, ...(request.model ? { model: request.model } : {}), ...(limits ? { limits } : {}), seed };
  return checked({
    kind: 'continue',
    runId,
    taskQueue: request.taskQueue ?? record.taskQueue,
    input,
    summary: runSummary(`continue: ${record.input.task.description}`),
  });
}

function planFork(record: ExecutionRecord, request: Extract<ContinuationRequest, { kind: 'fork' }>): StartPlan {
  const { fromStep } = request;
  if (record.state === 'running') throw new RunStillRunningError(record.runId);
  const seed = seedOf(record);
  // All the run's steps, those before a snapshot (the run continued as new) included: a fork replays from the task.
  const runSteps = toRunOutput(record).stepResults;
  checkForkStep(record.runId, fromStep, runSteps);
  // Inherited steps keep the parent's execution numbers; `inheritedFrom` tells them from the fork's own.
  const steps: StepResult[] = runSteps.filter((s) => s.index < fromStep).map((s) => ({ ...s, inheritedFrom: s.inheritedFrom ?? record.runId }));
  const keptIds = new Set(steps.map((s) => s.activityId));
  const completed = Object.fromEntries(Object.entries(runOutcomes(record)).filter(([activityId]) => keptIds.has(activityId)));
  const usage = steps.reduce((sum, s) => addUsage(sum, s.usage), NO_USAGE);
  const { seed: _parentSeed, forkedFrom: _parentFork, ...base } = record.input;
  const kept: ContinuationSeed = { completed, previousSteps: steps, usage, executions: 0, continuedFrom: record.executionRunId, ...forkRedirects(seed, fromStep) };
  // The edit changes the fork's copy only: the original's record (and history) stay as they are.
  const edited = request.edit ? applyForkEdit(record.runId, fromStep, request.edit, base, kept) : { input: base, seed: kept };
  const input: RunInput = {
    ...edited.input,
    ...(request.model ? { model: request.model } : {}),
    seed: edited.seed,
    forkedFrom: { runId: record.runId, executionRunId: record.executionRunId, fromStep },
  };
  return checked({
    kind: 'fork',
    runId: request.newRunId,
    taskQueue: request.taskQueue ?? record.taskQueue,
    input,
    summary: runSummary(`fork of ${record.runId} at step ${fromStep}: ${record.input.task.description}`),
  });
}

/**
 * The one range check of a fork: `fromStep` is a step of the run (0..its last), the first the fork runs anew. A step
 * after the last would make a fork that runs nothing; one before 0, or not an integer, none at all.
 */
function checkForkStep(runId: string, fromStep: number, steps: StepResult[]): void {
  const last = steps.length ? Math.max(...steps.map((s) => s.index)) : -1;
  if (Number.isInteger(fromStep) && fromStep >= 0 && fromStep <= last) return;
  const range = last < 0 ? 'it has no steps' : `its steps are 0..${last}; fromStep is the first step the fork runs anew`;
  throw new InvalidForkError(`Run "${runId}" has no step ${String(fromStep)} to fork from (${range}).`);
}

/** A fork keeps the user messages continuations added before its first step of its own. */
function forkRedirects(seed: ContinuationSeed, fromStep: number): Pick<ContinuationSeed, 'redirects'> {
  const redirects = seed.redirects?.filter((r) => r.beforeStep < fromStep);
  return redirects?.length ? { redirects } : {};
}

/** The server would refuse the start with a bare gRPC error; say what it means instead. */
function checked(plan: StartPlan): StartPlan {
  const bytes = jsonPayloadBytes(plan.input);
  if (bytes > MAX_PAYLOAD_BYTES) throw new RunTooLargeToContinueError(plan.input.forkedFrom?.runId ?? plan.runId, bytes, MAX_PAYLOAD_BYTES);
  return plan;
}
