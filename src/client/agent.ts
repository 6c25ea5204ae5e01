// Agent: starts runs, waits for them, continues cancelled ones. Every method talks to Temporal only, so any process
// with a client can continue a run another process started or cancelled.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import type { agentRun } from '../workflows/agent-run.js';
import { requirementsQuery, resolveRequirementUpdate } from '../workflows/definitions.js';
import { runStartOptions } from '../workflows/run-start-options.js';
import { RunStatus, WORKFLOW_TYPE, type RequirementResolution, type RunInput, type RunLimits, type RunOutput, type StepResult, type StreamEvent } from '../core/types.js';
import { checkLimits } from '../workflows/run-limits.js';
import { cancelRun, runSteps } from './run-control.js';
import type { ExecutionRecord } from '../history/decode.js';
import { planContinuation, runSummary, type AnswerPlan, type ContinuationRequest } from '../history/continuation.js';
import type { ForkEdit } from '../history/fork-edit.js';
import { toRunOutput } from '../history/projections.js';
import { getClient, resolveTaskQueue, type ConnectionOptions } from './connection.js';
import { awaitClose } from './run-close.js';
import { checkRunId } from './run-id.js';
import { modelId } from '../core/model-id.js';
import type { FallbackModels } from '../core/types.js';
import { InvalidRequirementError, RunNotFoundError, RunNotRunningError, RunStillRunningError, TaskNotRunError } from '../core/errors.js';
import { readContinued, readExecution } from '../history/read-execution.js';
import { logEnd, streamEvents, streamRun, type StreamOptions } from './run-stream.js';
import { modelSearchAttributeRegistered, searchAttributesRegistered } from './search-attributes.js';
import { memoryForRun, noteSessionRun, readSession, type SessionView } from './session-memory.js';
import type { Task } from './task.js';
import { readEnv } from '../config/env.js';

export interface AgentOptions extends ConnectionOptions {
  sessionId?: string;
  userId?: string;
  /** Set the DurableAgent* search attributes (they must be registered on the server; `durable-agent dev` does). */
  searchAttributes?: boolean;
  /** Makes run ids; default `run-<uuid>`. The run id is the Temporal workflow id. */
  newRunId?: () => string;
  /**
   * Models that take a model step when this Agent's model keeps failing with retryable errors (overloaded, 5xx, rate
   * limits, timeouts): after `attemptsPerModel` attempts (default 6) on one model, the next takes the same step. The
   * step records the model that answered. Any provider's ids, e.g. `['openai/gpt-5', 'bedrock/anthropic.claude-…']`.
   */
  fallbacks?: string[];
  /** Attempts each model of a run with `fallbacks` gets before the next one takes the step. Default 6. */
  attemptsPerModel?: number;
}

/** Options of one agent.do() / agent.start() call. */
export interface RunCallOptions {
  /** Limits of this run, merged over the task's own (Task `limits`). */
  limits?: RunLimits;
}

/** Which run: by id, or a Task an Agent in this process ran (`task.runId`). */
export type RunRef = { runId: string } | { task: Task<unknown> };

interface StopWait {
  /**
   * A run whose cancel was requested but that has not stopped yet is waited for (so `await cancelRun(id)` followed by
   * `continueRun({ runId: id })` works) for at most this long. Default 30 s.
   */
  stopWaitMs?: number;
}

interface StartOptions {
  /**
   * The task queue the continuation (or fork) runs on. Default: the run's own, as recorded in its history — a
   * continuation belongs with the workers that have the run's tools, whatever queue this Agent starts its own runs on.
   */
  taskQueue?: string;
  /**
   * The model the new execution uses ('anthropic/<model>'). Default: the run's own. A continuation or fork keeps the
   * run's identity — its recorded model, session and user — whichever Agent continues it; only this overrides the model.
   */
  model?: string;
}

/** agent.continueRun(): continue a cancelled or failed run from where it stopped. */
export type ContinueRunRequest = RunRef &
  StartOptions &
  StopWait & {
    /** @deprecated Use agent.answerRun({ runId, answers }). Answers for a paused run (see RunOutput.requirements). */
    requirements?: RequirementResolution[];
    /** @deprecated Use agent.forkRun({ runId, fromStep }), which says that the result is a new run. */
    fromStep?: number;
    /**
     * Redirect: a user message the model reads next. Tool calls the stop cut are not run again; the model sees them
     * answered as interrupted (an is_error tool_result).
     */
    message?: string;
    /** New limits for the run (merged over its recorded ones), e.g. a raised token budget or a new time limit. */
    limits?: RunLimits;
  };

/** agent.interruptRun(): stop a running run now and continue it with a user message, in one call. */
export type InterruptRunRequest = RunRef & StartOptions & { message: string; reason?: string; limits?: RunLimits };

/** An earlier name of `ContinueRunRequest`, what continueRun() takes: the same type. */
export type ContinueTarget = ContinueRunRequest;

/** agent.answerRun(): answer what a paused run waits for (RunOutput.requirements); it resumes in place. */
export type AnswerRunRequest = RunRef & StopWait & { answers: RequirementResolution[] };

/**
 * agent.forkRun(): a new run that reuses the steps before `fromStep` of a closed run and runs the rest anew. `edit`
 * changes one thing the fork keeps before it runs (a tool step's result, the user's text or the system prompt);
 * the original run is left as it is.
 */
export type ForkRunRequest = RunRef & StartOptions & StopWait & { fromStep: number; edit?: ForkEdit };

/** A started run: its ids, its live steps, and its output once it closes. */
export interface RunHandle<O = unknown> {
  runId: string;
  executionRunId: string;
  /** The steps so far: the closed executions' from history, the open one's from its live step list. */
  steps(): Promise<StepResult[]>;
  /** Waits for the run to stop (completed, paused, cancelled or error) and returns its output. */
  result(): Promise<RunOutput<O>>;
}


function fallbackModels(options: AgentOptions): FallbackModels | undefined {
  const { fallbacks, attemptsPerModel } = options;
  if (attemptsPerModel !== undefined && (!Number.isInteger(attemptsPerModel) || attemptsPerModel < 1)) {
    throw new TypeError(`attemptsPerModel must be a positive integer, not ${String(attemptsPerModel)}`);
  }
  if (!fallbacks?.length) return undefined;
  return { models: fallbacks.map(modelId), ...(attemptsPerModel !== undefined ? { attemptsPerModel } : {}) };
}

function runIdOf(ref: RunRef): string {
  const runId = 'runId' in ref ? checkRunId(ref.runId) : ref.task.runId;
  if (!runId) throw new TaskNotRunError();
  return runId;
}

/**
 * Starts, follows, cancels and continues agent runs on a Temporal cluster. The model (`anthropic/<model>`) and the
 * options (session, user, connection) are the Agent's; each method takes only what its operation needs. Any Agent, in
 * any process, can act on any run by its run id (the Temporal workflow id).
 */
export class Agent {
  readonly model: string;
  /**
   * The id of the run this Agent last started, continued, answered or forked: set as soon as that is decided, before
   * anything slow is awaited (so another task can `cancelRun(agent.runId)` while `do()` waits). The one property the
   * Agent's operations set; streamRun() and the read-only operations leave it alone.
   */
  runId: string | undefined;
  private readonly options: AgentOptions;

  constructor(model: string, options: AgentOptions = {}) {
    this.model = modelId(model);
    this.options = options;
    this.fallbacks = fallbackModels(options);
  }

  private readonly fallbacks: FallbackModels | undefined;

  /** Runs the task to its end (completed, cancelled or error) and returns what happened. */
  async do<O>(task: Task<O>, options: RunCallOptions = {}): Promise<RunOutput<O>> {
    return (await this.start(task, options)).result();
  }

  /** Starts the task and returns at once with a handle. Sets `agent.runId` and `task.runId` to the new run's id. */
  async start<O>(task: Task<O>, options: RunCallOptions = {}): Promise<RunHandle<O>> {
    const limits = checkLimits(task.limits || options.limits ? { ...task.limits, ...options.limits } : undefined);
    const runId = this.newRunId();
    this.runId = runId;
    task.runId = runId;
    const { sessionId } = this.options;
    const searchAttributes = await this.useSearchAttributes();
    const memory = task.memory ? await memoryForRun(() => getClient(this.options), { runId, sessionId, searchAttributes, memory: task.memory }) : undefined;
    const input: RunInput = {
      task: { ...task.toSpec(), ...(memory ? { memory } : {}) },
      ...(limits ? { limits } : {}),
      model: this.model,
      ...(this.fallbacks ? { fallbacks: this.fallbacks } : {}),
      ...(sessionId !== undefined ? { sessionId } : {}),
      ...(this.options.userId !== undefined ? { userId: this.options.userId } : {}),
      searchAttributes,
    };
    if (sessionId !== undefined) noteSessionRun(sessionId, runId);
    // The worker checked the output against the task's schema (RunOutput.output is typed from it).
    return this.startExecution(runId, input, runSummary(task.description), resolveTaskQueue(this.options)) as Promise<RunHandle<O>>;
  }

  private newRunId(): string {
    return checkRunId((this.options.newRunId ?? (() => `run-${randomUUID()}`))());
  }

  /**
   * Starts the task and yields its events as they happen (see StreamEvent). The stream ends when the run completes,
   * is cancelled, fails or pauses; resume it anywhere with `streamRun({ runId, fromOffset: last.nextOffset })`.
   */
  async *stream(task: Task<unknown>, options: Omit<StreamOptions, 'fromOffset'> = {}): AsyncGenerator<StreamEvent> {
    const handle = await this.start(task);
    yield* streamEvents(await getClient(this.options), handle.runId, { ...options, fromOffset: 0 });
  }

  /**
   * continueRun() as a stream: by default it yields what happens from the continuation on; pass `fromOffset`
   * (the `nextOffset` of the last event a client saw) to pick up exactly where that client left off.
   */
  async *continueRunStream(target: ContinueRunRequest & StreamOptions): AsyncGenerator<StreamEvent> {
    const client = await getClient(this.options);
    const runId = 'runId' in target ? target.runId : target.task.runId;
    // A fork (the deprecated `fromStep`) is a new run with a log of its own: follow it from its start.
    const fromOffset = target.fromOffset ?? (runId && target.fromStep === undefined ? await logEnd(client, runId) : 0);
    const handle = await this.startContinueRun(target);
    yield* streamEvents(client, handle.runId, { ...pickStreamOptions(target), fromOffset });
  }

  /** The runs of a session (default this Agent's), oldest first, each with its own conversation. Reads only. */
  async readSession(sessionId: string | undefined = this.options.sessionId): Promise<SessionView> {
    if (sessionId === undefined) throw new TypeError('readSession needs a session id (or an Agent constructed with { sessionId }).');
    return readSession(await getClient(this.options), sessionId);
  }

  /** Follows a run any client started, from any offset of its event log (reconnect after a restart). Reads only. */
  streamRun(target: { runId: string } & StreamOptions): AsyncGenerator<StreamEvent> {
    return streamRun(target.runId, { ...pickStreamOptions(target), ...this.options });
  }

  /**
   * Continues a cancelled (or failed) run from where it stopped: completed steps are taken from its history,
   * the cut-off step and what follows run. Same run id; a new Temporal execution. The continuation keeps the run's
   * recorded model, session and user (pass `model` to change the model), and runs on the run's task queue.
   * Throws RunStillRunningError, RunPausedError (answer it with answerRun), RunAlreadyCompletedError, RunNotFoundError.
   */
  async continueRun<O = unknown>(target: ContinueRunRequest & { task?: Task<O> }): Promise<RunOutput<O>> {
    return (await this.startContinueRun(target)).result() as Promise<RunOutput<O>>;
  }

  /** continueRun() that returns once the continuation has started, with its handle. */
  async startContinueRun(target: ContinueRunRequest): Promise<RunHandle> {
    if (target.fromStep !== undefined) return this.startForkRun({ ...target, fromStep: target.fromStep });
    const { taskQueue, model, requirements, message, limits } = target;
    return this.carryOut(target, {
      kind: 'continue',
      ...(message !== undefined ? { message } : {}),
      ...(limits !== undefined ? { limits: checkLimits(limits)! } : {}),
      ...(taskQueue !== undefined ? { taskQueue } : {}),
      ...(model !== undefined ? { model: modelId(model) } : {}),
      ...(requirements?.length ? { answers: requirements } : {}),
    });
  }

  /**
   * Interrupt: stops the running run now (cancelRun mode `now`, with `reason`), waits until it has stopped, then continues
   * it with `message` as the user's next words. Resolves with the continued run's output. A run that already stopped is
   * just continued with the message.
   */
  async interruptRun(request: InterruptRunRequest): Promise<RunOutput> {
    const runId = runIdOf(request);
    const client = await getClient(this.options);
    const record = await readExecution(client, runId);
    if (record.state === 'running' && !record.cancelRequested) {
      await cancelRun(runId, { client, mode: 'now', ...(request.reason !== undefined ? { reason: request.reason } : {}), wait: true }).catch((err: unknown) => {
        // It closed on its own meanwhile: continue (or refuse) whatever it is now.
        if (!(err instanceof RunNotRunningError)) throw err;
      });
    }
    const { message, limits, taskQueue, model } = request;
    return this.continueRun({
      runId,
      message,
      ...(limits !== undefined ? { limits } : {}),
      ...(taskQueue !== undefined ? { taskQueue } : {}),
      ...(model !== undefined ? { model } : {}),
    });
  }

  /** @deprecated The old name of startContinueRun(). */
  startContinuation(target: ContinueRunRequest): Promise<RunHandle> {
    return this.startContinueRun(target);
  }

  /**
   * Answers what a paused run waits for (its RunOutput.requirements) and resolves when it next pauses or closes.
   * Throws RunNotPausedError if it waits for nothing, InvalidRequirementError if the run refuses an answer.
   */
  async answerRun(request: AnswerRunRequest): Promise<RunOutput> {
    return (await this.startAnswerRun(request)).result();
  }

  /** answerRun() that returns once the answers are accepted, with the run's handle. */
  async startAnswerRun(request: AnswerRunRequest): Promise<RunHandle> {
    return this.carryOut(request, { kind: 'answer', answers: request.answers });
  }

  /**
   * Forks a closed run: a NEW run (a new run id, the returned output's `runId`; `forkedFrom` names the original)
   * that reuses the original's steps before `fromStep` and runs from there. The original run is left as it is.
   */
  async forkRun(request: ForkRunRequest): Promise<RunOutput> {
    return (await this.startForkRun(request)).result();
  }

  /** forkRun() that returns once the fork has started, with the new run's handle (`handle.runId` is the fork's). */
  async startForkRun(request: ForkRunRequest): Promise<RunHandle> {
    const { taskQueue, model, fromStep, edit } = request;
    return this.carryOut(request, {
      kind: 'fork',
      fromStep,
      ...(edit !== undefined ? { edit } : {}),
      newRunId: this.newRunId(),
      ...(taskQueue !== undefined ? { taskQueue } : {}),
      ...(model !== undefined ? { model: modelId(model) } : {}),
    });
  }

  /** Fetch the run's latest execution, plan (src/history/continuation.ts), do what the plan says. */
  private async carryOut(ref: RunRef & StopWait, request: ContinuationRequest): Promise<RunHandle> {
    const runId = runIdOf(ref);
    const client = await getClient(this.options);
    // Only a fork needs the steps before a continue-as-new (it may start before it); a continuation goes on from the snapshot.
    const earlier = request.kind === 'fork';
    let record = await readExecution(client, runId, undefined, { earlier });
    if (record.state === 'running' && record.cancelRequested) record = await this.waitForStop(client, record, ref.stopWaitMs, earlier);
    const plan = planContinuation(record, request);
    this.runId = plan.runId;
    if (plan.kind === 'answer') {
      await resolveRequirements(client, plan);
      return this.handleFor(client, plan.runId, plan.executionRunId, plan.input);
    }
    return this.startExecution(plan.runId, plan.input, plan.summary, plan.taskQueue);
  }

  /** A run whose cancel was requested closes within about a heartbeat once a worker sees it: wait, then read it again. */
  private async waitForStop(client: Client, record: ExecutionRecord, stopWaitMs = DEFAULT_STOP_WAIT_MS, earlier = true): Promise<ExecutionRecord> {
    try {
      await awaitClose(client, record.runId, record.executionRunId, AbortSignal.timeout(stopWaitMs));
    } catch (err) {
      if (!(err instanceof DOMException && err.name === 'TimeoutError')) throw err;
      throw new RunStillRunningError(
        record.runId,
        `Run "${record.runId}" was asked to cancel but has not stopped after ${stopWaitMs} ms: is a worker polling its task ` +
          `queue "${record.taskQueue}"? Continue it once it has stopped (cancelRun("${record.runId}", { wait: true }) waits for that).`,
      );
    }
    return readExecution(client, record.runId, record.executionRunId, { earlier });
  }

  /** The option, else DURABLE_AGENT_SEARCH_ATTRIBUTES, else whether the namespace has them registered. */
  private async useSearchAttributes(): Promise<boolean> {
    if (this.options.searchAttributes !== undefined) return this.options.searchAttributes;
    const env = readEnv('DURABLE_AGENT_SEARCH_ATTRIBUTES');
    if (env !== undefined && env !== '') return ['1', 'true'].includes(env);
    return searchAttributesRegistered(await getClient(this.options));
  }

  // The run id is passed in, not read back from `this.runId`: another start() on this Agent may have replaced it
  // while this one awaited the client.
  private async startExecution(runId: string, input: RunInput, staticSummary: string, taskQueue: string): Promise<RunHandle> {
    const client = await getClient(this.options);
    // The model attribute only where the namespace has it: a start naming an unregistered one would be refused.
    const modelAttribute = input.searchAttributes === true && (await modelSearchAttributeRegistered(client));
    let handle: WorkflowHandleWithFirstExecutionRunId<typeof agentRun>;
    try {
      handle = await client.workflow.start<typeof agentRun>(WORKFLOW_TYPE, {
        workflowId: runId,
        taskQueue,
        args: [input],
        staticSummary,
        ...runStartOptions(input, { modelAttribute }),
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw new RunStillRunningError(runId);
      throw err;
    }
    return this.handleFor(client, runId, handle.firstExecutionRunId, input);
  }

  private handleFor(client: Client, runId: string, executionRunId: string, input: RunInput): RunHandle {
    const canPause = input.task.tools.some((t) => t.requires || t.pausesInSubRun);
    return {
      runId,
      executionRunId,
      steps: () => runSteps(client, runId),
      result: () => waitForOutput(client, runId, executionRunId, canPause),
    };
  }
}

/** Only the stream's own options: an Agent's connection is the one it was constructed with. */
function pickStreamOptions({ fromOffset, pollIntervalMs, stopAtPause }: StreamOptions): StreamOptions {
  return {
    ...(fromOffset !== undefined ? { fromOffset } : {}),
    ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
    ...(stopAtPause !== undefined ? { stopAtPause } : {}),
  };
}

const PAUSE_POLL_MS = 250;
const DEFAULT_STOP_WAIT_MS = 30_000;

/** Resolves when the execution closes, or (for runs with human-gated tools) as soon as it pauses. */
async function waitForOutput(client: Client, runId: string, executionRunId: string, canPause: boolean): Promise<RunOutput> {
  if (canPause) {
    // The run's latest execution: the one started, or the one it continued as new in.
    const handle = client.workflow.getHandle(runId);
    // A pause returns early: the long-poll for the close is then stopped, not left open.
    const stop = new AbortController();
    const closed = awaitClose(client, runId, executionRunId, stop.signal).then(() => true);
    try {
      for (;;) {
        const done = await Promise.race([closed, sleep(PAUSE_POLL_MS, false)]);
        if (done) break;
        const waiting = await handle.query(requirementsQuery).catch(() => []);
        if (waiting.length) {
          const output = toRunOutput(await readContinued(client, await readExecution(client, runId, executionRunId)));
          if (output.status === RunStatus.paused) return output;
        }
      }
    } finally {
      stop.abort();
      closed.catch(() => undefined);
    }
  } else {
    await awaitClose(client, runId, executionRunId);
  }
  // The close awaited is the last of the executions this one continued as new in.
  const record = await readContinued(client, await readExecution(client, runId, executionRunId));
  if (record.state === 'running') throw new RunNotFoundError(runId, 'its execution is still open after it returned');
  return toRunOutput(record);
}

/** Sends each answer to the run that waits for it: this execution, or the sub-run the plan routes it to. */
async function resolveRequirements(client: Client, { runId, executionRunId, answers, routes }: AnswerPlan): Promise<void> {
  const handle = client.workflow.getHandle(runId, executionRunId);
  for (const answer of answers) {
    const subRun = routes?.[answer.id];
    try {
      await (subRun !== undefined ? client.workflow.getHandle(subRun) : handle).executeUpdate(resolveRequirementUpdate, { args: [answer] });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        const cause = err.cause instanceof Error ? err.cause.message : err.message;
        throw new InvalidRequirementError(runId, answer.id, cause);
      }
      throw err;
    }
  }
}
