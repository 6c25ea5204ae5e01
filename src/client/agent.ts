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
import type { SearchAttributePair } from '@temporalio/common';
import type { agentRun } from '../workflows/agent-run.js';
import {
  requirementsQuery,
  resolveRequirementUpdate,
  sessionSearchAttribute,
  statusSearchAttribute,
  stepsQuery,
  userSearchAttribute,
} from '../workflows/definitions.js';
import { stepIndexOf } from '../workflows/conversation.js';
import { jsonPayloadBytes, MAX_PAYLOAD_BYTES } from '../workflows/payload-size.js';
import { RunStatus, WORKFLOW_TYPE, type RequirementResolution, type RunInput, type RunOutput, type StepResult, type StreamEvent } from '../types.js';
import { getClient, resolveTaskQueue, type ConnectionOptions } from './connection.js';
import { awaitClose } from './run-close.js';
import { checkRunId } from './run-id.js';
import {
  InvalidForkError,
  InvalidRequirementError,
  RunAlreadyCompletedError,
  RunNotFoundError,
  RunPausedError,
  RunStillRunningError,
  RunTooLargeToContinueError,
  TaskNotRunError,
} from './errors.js';
import { addUsage, readExecution, toRunOutput, toSeed, type ExecutionRecord } from './history-reader.js';
import { logEnd, streamEvents, streamRun, type StreamOptions } from './run-stream.js';
import { searchAttributesRegistered } from './search-attributes.js';
import type { Task } from './task.js';

export interface AgentOptions extends ConnectionOptions {
  sessionId?: string;
  userId?: string;
  /** Set the DurableAgent* search attributes (they must be registered on the server; `durable-agent dev` does). */
  searchAttributes?: boolean;
  /** Makes run ids; default `run-<uuid>`. The run id is the Temporal workflow id. */
  newRunId?: () => string;
}

interface ContinueOptions {
  /**
   * The task queue the continuation (or fork) runs on. Default: the run's own, as recorded in its history — a
   * continuation belongs with the workers that have the run's tools, whatever queue this Agent starts its own runs on.
   */
  taskQueue?: string;
  /**
   * A run whose cancel was requested but that has not stopped yet is waited for (so `await cancelRun(id)` followed by
   * `continueRun({ runId: id })` works) for at most this long. Default 30 s.
   */
  stopWaitMs?: number;
  /** Answers for a paused run (see RunOutput.requirements). */
  requirements?: RequirementResolution[];
  /** Fork: start a new run that reuses steps before this index of a closed run, and runs the rest anew. */
  fromStep?: number;
}

export type ContinueTarget = ({ runId: string } | { task: Task }) & ContinueOptions;

/** A started run: its ids, its live steps, and its output once it closes. */
export interface RunHandle {
  runId: string;
  executionRunId: string;
  steps(): Promise<StepResult[]>;
  result(): Promise<RunOutput>;
}

const PROVIDER = 'anthropic/';
const SUMMARY_LIMIT = 200;

function modelId(model: string): string {
  if (model.startsWith(PROVIDER)) return model.slice(PROVIDER.length);
  if (model.includes('/')) throw new TypeError(`Unsupported model "${model}": durable-agent speaks to Anthropic models ("anthropic/<model>").`);
  if (!model) throw new TypeError('Agent needs a model, e.g. "anthropic/claude-sonnet-4-6".');
  return model;
}

function summary(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > SUMMARY_LIMIT ? `${line.slice(0, SUMMARY_LIMIT - 1)}…` : line;
}

export class Agent {
  readonly model: string;
  /** The id of this agent's latest run; set as soon as its start is sent, before anything slow is awaited. */
  runId: string | undefined;
  private readonly options: AgentOptions;

  constructor(model: string, options: AgentOptions = {}) {
    this.model = modelId(model);
    this.options = options;
  }

  /** Runs the task to its end (completed, cancelled or error) and returns what happened. */
  async do(task: Task): Promise<RunOutput> {
    return (await this.start(task)).result();
  }

  /** Starts the task and returns at once with a handle. */
  async start(task: Task): Promise<RunHandle> {
    const runId = this.newRunId();
    this.runId = runId;
    task.runId = runId;
    const input: RunInput = {
      task: task.toSpec(),
      model: this.model,
      ...(this.options.sessionId !== undefined ? { sessionId: this.options.sessionId } : {}),
      ...(this.options.userId !== undefined ? { userId: this.options.userId } : {}),
      searchAttributes: await this.useSearchAttributes(),
    };
    return this.startExecution(runId, input, summary(task.description), resolveTaskQueue(this.options));
  }

  private newRunId(): string {
    return checkRunId((this.options.newRunId ?? (() => `run-${randomUUID()}`))());
  }

  /**
   * Starts the task and yields its events as they happen (see StreamEvent). The stream ends when the run completes,
   * is cancelled, fails or pauses; resume it anywhere with `streamRun({ runId, fromOffset: last.nextOffset })`.
   */
  async *stream(task: Task, options: Omit<StreamOptions, keyof ConnectionOptions | 'fromOffset'> = {}): AsyncGenerator<StreamEvent> {
    const handle = await this.start(task);
    yield* streamEvents(await getClient(this.options), handle.runId, { ...options, fromOffset: 0 });
  }

  /**
   * continueRun() as a stream: by default it yields what happens from the continuation on; pass `fromOffset`
   * (the `nextOffset` of the last event a client saw) to pick up exactly where that client left off.
   */
  async *continueRunStream(target: ContinueTarget & Pick<StreamOptions, 'fromOffset' | 'pollIntervalMs' | 'stopAtPause'>): AsyncGenerator<StreamEvent> {
    const client = await getClient(this.options);
    const runId = 'runId' in target ? target.runId : target.task.runId;
    const fromOffset = target.fromOffset ?? (runId ? await logEnd(client, runId) : 0);
    const handle = await this.startContinuation(target);
    yield* streamEvents(client, handle.runId, { ...target, fromOffset });
  }

  /** Follows a run another client started, from any offset of its event log (reconnect after a restart). */
  streamRun(target: { runId: string } & Pick<StreamOptions, 'fromOffset' | 'pollIntervalMs' | 'stopAtPause'>): AsyncGenerator<StreamEvent> {
    this.runId = target.runId;
    return streamRun(target.runId, { ...this.options, ...target });
  }

  /**
   * Continues a cancelled (or failed) run from where it stopped: completed steps are taken from its history,
   * the cut-off step and what follows run. Same run id; a new Temporal execution.
   */
  async continueRun(target: ContinueTarget): Promise<RunOutput> {
    return (await this.startContinuation(target)).result();
  }

  async startContinuation(target: ContinueTarget): Promise<RunHandle> {
    const runId = 'runId' in target ? checkRunId(target.runId) : target.task.runId;
    if (!runId) throw new TaskNotRunError();
    const client = await getClient(this.options);
    let record = await readExecution(client, runId);
    if (record.state === 'running' && record.cancelRequested) record = await this.waitForStop(client, record, target.stopWaitMs);
    if (target.fromStep !== undefined) return this.fork(record, target.fromStep, target.taskQueue ?? record.taskQueue);
    if (record.state === 'running') {
      const current = toRunOutput(record);
      if (current.status !== RunStatus.paused) throw new RunStillRunningError(runId);
      if (!target.requirements?.length) throw new RunPausedError(runId, current.requirements);
      await resolveRequirements(client, runId, record.executionRunId, target.requirements);
      this.runId = runId;
      return this.handleFor(client, runId, record.executionRunId, record.input);
    }
    if (record.state === 'completed') throw new RunAlreadyCompletedError(runId);
    this.runId = runId;
    if ('task' in target) target.task.runId = runId;
    const input: RunInput = { ...record.input, seed: toSeed(record) };
    return this.startExecution(runId, input, summary(`continue: ${record.input.task.description}`), target.taskQueue ?? record.taskQueue);
  }

  /** A run whose cancel was requested closes within about a heartbeat once a worker sees it: wait, then read it again. */
  private async waitForStop(client: Client, record: ExecutionRecord, stopWaitMs = DEFAULT_STOP_WAIT_MS): Promise<ExecutionRecord> {
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
    return readExecution(client, record.runId, record.executionRunId);
  }

  private async fork(record: ExecutionRecord, fromStep: number, taskQueue: string): Promise<RunHandle> {
    if (record.state === 'running') throw new RunStillRunningError(record.runId);
    const seed = toSeed(record);
    // Inherited steps keep the parent's execution numbers; `inheritedFrom` tells them from the fork's own.
    const steps = seed.previousSteps.filter((s) => s.index < fromStep).map((s) => ({ ...s, inheritedFrom: s.inheritedFrom ?? record.runId }));
    if (!Number.isInteger(fromStep) || fromStep < 0 || !seed.previousSteps.some((s) => s.index >= fromStep - 1)) {
      throw new InvalidForkError(`Run "${record.runId}" has no step ${fromStep - 1} to fork after (steps 0..${Math.max(...seed.previousSteps.map((s) => s.index))}).`);
    }
    const completed = Object.fromEntries(Object.entries(seed.completed).filter(([id]) => (stepIndexOf(id) ?? Infinity) < fromStep));
    const usage = steps.reduce((sum, s) => addUsage(sum, s.usage), { inputTokens: 0, outputTokens: 0 });
    const { seed: _parentSeed, forkedFrom: _parentFork, ...base } = record.input;
    const input: RunInput = {
      ...base,
      seed: { completed, previousSteps: steps, usage, executions: 0, continuedFrom: record.executionRunId },
      forkedFrom: { runId: record.runId, executionRunId: record.executionRunId, fromStep },
    };
    const runId = this.newRunId();
    this.runId = runId;
    return this.startExecution(runId, input, summary(`fork of ${record.runId} at step ${fromStep}: ${record.input.task.description}`), taskQueue);
  }

  /** The option, else DURABLE_AGENT_SEARCH_ATTRIBUTES, else whether the namespace has them registered. */
  private async useSearchAttributes(): Promise<boolean> {
    if (this.options.searchAttributes !== undefined) return this.options.searchAttributes;
    const env = process.env.DURABLE_AGENT_SEARCH_ATTRIBUTES;
    if (env !== undefined && env !== '') return ['1', 'true'].includes(env);
    return searchAttributesRegistered(await getClient(this.options));
  }

  // The run id is passed in, not read back from `this.runId`: another start() on this Agent may have replaced it
  // while this one awaited the client.
  private async startExecution(runId: string, input: RunInput, staticSummary: string, taskQueue: string): Promise<RunHandle> {
    if (input.seed) {
      // The server would refuse the start with a bare gRPC error; say what it means instead.
      const bytes = jsonPayloadBytes(input);
      if (bytes > MAX_PAYLOAD_BYTES) throw new RunTooLargeToContinueError(input.forkedFrom?.runId ?? runId, bytes, MAX_PAYLOAD_BYTES);
    }
    const client = await getClient(this.options);
    const searchAttributes: SearchAttributePair[] = [];
    if (input.searchAttributes) {
      searchAttributes.push({ key: statusSearchAttribute, value: RunStatus.running });
      if (input.sessionId !== undefined) searchAttributes.push({ key: sessionSearchAttribute, value: input.sessionId });
      if (input.userId !== undefined) searchAttributes.push({ key: userSearchAttribute, value: input.userId });
    }
    let handle: WorkflowHandleWithFirstExecutionRunId<typeof agentRun>;
    try {
      handle = await client.workflow.start<typeof agentRun>(WORKFLOW_TYPE, {
        workflowId: runId,
        taskQueue,
        args: [input],
        staticSummary,
        memo: {
          task: input.task.description,
          model: input.model,
          ...(input.sessionId !== undefined ? { sessionId: input.sessionId } : {}),
          ...(input.userId !== undefined ? { userId: input.userId } : {}),
          execution: (input.seed?.executions ?? 0) + 1,
        },
        ...(searchAttributes.length ? { typedSearchAttributes: searchAttributes } : {}),
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw new RunStillRunningError(runId);
      throw err;
    }
    return this.handleFor(client, runId, handle.firstExecutionRunId, input);
  }

  private handleFor(client: Client, runId: string, executionRunId: string, input: RunInput): RunHandle {
    const canPause = input.task.tools.some((t) => t.requires);
    return {
      runId,
      executionRunId,
      steps: () => client.workflow.getHandle(runId, executionRunId).query(stepsQuery),
      result: () => waitForOutput(client, runId, executionRunId, canPause),
    };
  }
}

const PAUSE_POLL_MS = 250;
const DEFAULT_STOP_WAIT_MS = 30_000;

/** Resolves when the execution closes, or (for runs with human-gated tools) as soon as it pauses. */
async function waitForOutput(client: Client, runId: string, executionRunId: string, canPause: boolean): Promise<RunOutput> {
  if (canPause) {
    const handle = client.workflow.getHandle(runId, executionRunId);
    // A pause returns early: the long-poll for the close is then stopped, not left open.
    const stop = new AbortController();
    const closed = awaitClose(client, runId, executionRunId, stop.signal).then(() => true);
    try {
      for (;;) {
        const done = await Promise.race([closed, sleep(PAUSE_POLL_MS, false)]);
        if (done) break;
        const waiting = await handle.query(requirementsQuery).catch(() => []);
        if (waiting.length) {
          const output = toRunOutput(await readExecution(client, runId, executionRunId));
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
  const record = await readExecution(client, runId, executionRunId);
  if (record.state === 'running') throw new RunNotFoundError(runId, 'its execution is still open after it returned');
  return toRunOutput(record);
}

async function resolveRequirements(client: Client, runId: string, executionRunId: string, answers: RequirementResolution[]): Promise<void> {
  const handle = client.workflow.getHandle(runId, executionRunId);
  for (const answer of answers) {
    try {
      await handle.executeUpdate(resolveRequirementUpdate, { args: [answer] });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        const cause = err.cause instanceof Error ? err.cause.message : err.message;
        throw new InvalidRequirementError(runId, answer.id, cause);
      }
      throw err;
    }
  }
}
