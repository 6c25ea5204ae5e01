// Drives one soak run through its whole life as a user would, through the public API only: start it, cancel it at its
// planned moment and continue it, approve what it pauses on, and fork it once it completed. Client calls that meet a
// fault (a server restarting, PostgreSQL away) are retried until the run's deadline; a retried start or continue that
// had in fact gone through is recognised, never doubled.
import { Agent, type RunHandle } from '../../src/client/agent.js';
import { cancelRun, getRunOutput } from '../../src/client/run-control.js';
import { Task } from '../../src/client/task.js';
import type { Tool } from '../../src/tools/tool-definition.js';
import { RunStatus, type RunOutput } from '../../src/core/types.js';
import { finalText, taskText, type RunPlan } from './plan.js';

const MODEL = 'anthropic/claude-sonnet-4-6';
/** A dead worker's step is retried after this (the default 20 s would only make the soak slower, not different). */
const HEARTBEAT_TIMEOUT_MS = 5_000;
const MAX_ACTIONS = 16;

export interface DriverContext {
  address: string;
  taskQueue: string;
  tools: Tool[];
  log(message: string): void;
}

export interface RunRecord {
  plan: RunPlan;
  runId: string;
  forkRunId?: string;
  /** completed: the run (and its fork) ended completed with the planned answer. */
  outcome: 'completed' | 'wrong-end' | 'stuck';
  detail: string;
  startedAt: number;
  endedAt: number;
  cancelled: number;
  continued: number;
  approvals: number;
  clientRetries: number;
  /** How many executions each workflow id (the run, its fork) had at its end, as its history reader counts them. */
  executions: Record<string, number>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** gRPC codes a restarting cluster answers with: UNKNOWN, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, INTERNAL, UNAVAILABLE. */
const TRANSIENT_CODES = new Set([2, 4, 8, 13, 14]);
function isTransient(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as { code?: unknown; cause?: unknown; message?: unknown; name?: unknown };
  if (typeof e.code === 'number' && TRANSIENT_CODES.has(e.code)) return true;
  if (typeof e.message === 'string' && /UNAVAILABLE|DEADLINE_EXCEEDED|ECONNREFUSED|ECONNRESET|connection|Unavailable|shard|Not enough hosts/i.test(e.message)) return true;
  return isTransient(e.cause, depth + 1);
}
const nameOf = (err: unknown): string => (err instanceof Error ? err.name : String(err));

export async function driveRun(ctx: DriverContext, plan: RunPlan, runId: string, deadline: number): Promise<RunRecord> {
  const record: RunRecord = {
    plan,
    runId,
    outcome: 'stuck',
    detail: '',
    startedAt: Date.now(),
    endedAt: 0,
    cancelled: 0,
    continued: 0,
    approvals: 0,
    clientRetries: 0,
    executions: {},
  };
  const options = { address: ctx.address, taskQueue: ctx.taskQueue, searchAttributes: true };
  const task = new Task({ description: taskText(plan), tools: ctx.tools, timeouts: { heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS } });

  /** Runs `op` until it succeeds or throws something other than a fault's transient error. */
  async function retrying<T>(op: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await op();
      } catch (err) {
        // NamespaceNotFound while PostgreSQL restarts is not one of them: the client retries it (src/client/namespace-retry.ts).
        if (!isTransient(err) || Date.now() > deadline) throw err;
        record.clientRetries++;
        await sleep(1_000);
      }
    }
  }

  /** The run's state once it stops moving (completed, cancelled, error, paused). */
  async function settled(id: string, handle: RunHandle | undefined): Promise<RunOutput> {
    if (handle) {
      try {
        const out = await handle.result();
        if (out.status !== RunStatus.running) return out;
      } catch {
        // a fault cut the long poll: read the history instead
      }
    }
    while (Date.now() < deadline) {
      try {
        const out = await getRunOutput(id, options);
        if (out.status !== RunStatus.running) return out;
      } catch (err) {
        if (!isTransient(err) && nameOf(err) !== 'RunNotFoundError') throw err;
      }
      await sleep(1_000);
    }
    throw new Error(`run ${id} still running at the soak's deadline`);
  }

  /** start / continue / answer: a retry that meets "already started" or "still running" means the first went through. */
  async function act(op: () => Promise<RunHandle>): Promise<RunHandle | undefined> {
    try {
      return await retrying(op);
    } catch (err) {
      if (['WorkflowExecutionAlreadyStartedError', 'RunStillRunningError', 'InvalidRequirementError'].includes(nameOf(err))) return undefined;
      throw err;
    }
  }

  /** Continues, answers and re-reads until the run completes (or errs), at most MAX_ACTIONS times. */
  async function finish(agent: Agent, id: string, handle: RunHandle | undefined): Promise<RunOutput> {
    let out = await settled(id, handle);
    for (let i = 0; i < MAX_ACTIONS && out.status !== RunStatus.completed && out.status !== RunStatus.error; i++) {
      if (out.status === RunStatus.cancelled) {
        record.continued++;
        handle = await act(() => agent.startContinueRun({ runId: id }));
      } else if (out.status === RunStatus.paused) {
        record.approvals += out.requirements.length;
        const answers = out.requirements.map((r) => ({ id: r.id, approve: true }));
        handle = await act(() => agent.startAnswerRun({ runId: id, answers }));
      }
      out = await settled(id, handle);
    }
    record.executions[id] = out.executions;
    return out;
  }

  try {
    const agent = new Agent(MODEL, { ...options, newRunId: () => runId });
    const handle = await act(() => agent.start(task));
    if (plan.cancelAfterMs !== undefined) {
      const at = plan.cancelAfterMs;
      void (async () => {
        await sleep(at);
        try {
          await retrying(() => cancelRun(runId, options));
          record.cancelled++;
        } catch {
          // it had already ended (RunNotRunningError): nothing to cancel
        }
      })();
    }
    let out = await finish(agent, runId, handle);
    if (out.status === RunStatus.completed && out.output === finalText(plan.tag) && plan.forkFromStep !== undefined) {
      const forkRunId = `${runId}-fork`;
      record.forkRunId = forkRunId;
      const forker = new Agent(MODEL, { ...options, newRunId: () => forkRunId });
      const forkHandle = await act(() => forker.startForkRun({ runId, fromStep: plan.forkFromStep! }));
      out = await finish(forker, forkRunId, forkHandle);
    }
    if (out.status === RunStatus.completed && out.output === finalText(plan.tag)) {
      record.outcome = 'completed';
    } else {
      record.outcome = 'wrong-end';
      record.detail = `${out.status}: ${JSON.stringify(out.output)} ${out.error ? `${out.error.name}: ${out.error.message}` : ''}`;
    }
  } catch (err) {
    record.outcome = Date.now() > deadline ? 'stuck' : 'wrong-end';
    record.detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
  record.endedAt = Date.now();
  if (record.outcome !== 'completed') ctx.log(`run ${runId} (${plan.tag}): ${record.outcome}: ${record.detail}`);
  return record;
}
