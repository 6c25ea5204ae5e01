// Heartbeats at scale: N runs at once, each inside a tool that holds for 10 s once every run is in it; a tenth of them
// cancelled mid-tool. Measured for tool steps heartbeating every 200 ms throughout (as before) and for quiet
// heartbeats (every 2 s until the workflow reports a cancel request, see src/activities/cancel-watch.ts), one worker
// each, in one run: the server's heartbeat RPCs a second and CPU while every run is in its tool, and cancelRun → the
// tool's abort signal.
import { z } from 'zod';
import { tool } from '../src/tools/tool-definition.js';
import { whenAborted } from '../src/activities/heartbeat-loop.js';
import { Agent } from '../src/client/agent.js';
import { cancelRun } from '../src/client/run-control.js';
import { Task } from '../src/client/task.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/fake-anthropic/index.js';
import { RunStatus, type RunOutput } from '../src/core/types.js';
import { DEFAULT_QUIET_HEARTBEAT_INTERVAL_MS } from '../src/activities/cancel-watch.js';
import { DEFAULT_HEARTBEAT_INTERVAL_MS } from '../src/activities/index.js';
import { DEFAULT_HEARTBEAT_TIMEOUT_MS } from '../src/workflows/activity-options.js';
import { cpuSeconds, temporalServerPid } from './concurrency.js';
import { now, sectionWorker, waitUntil, type BenchContext, type Row, type SectionResult } from './context.js';
import { requestCount, serverMetricsUrl } from './server-metrics.js';
import { ms, round, summarise, type Summary } from './stats.js';

const HOLD_MS = 10_000;
const CANCEL_GOAL_MS = 500;
const HEARTBEAT_OPERATIONS = ['RecordActivityTaskHeartbeat', 'RecordActivityTaskHeartbeatById'];

interface ModeResult {
  mode: string;
  runs: number;
  startS: number;
  heartbeatsPerSecond: number | undefined;
  serverCpuPerSecond: number | undefined;
  serverCpuS: number | undefined;
  cancel: Summary;
  ended: Record<string, number>;
  /** Runs whose tool ran a second attempt: the first was taken for lost (a heartbeat timeout); must be none. */
  retried: number;
  asExpected: boolean;
}

export async function heartbeatSection(ctx: BenchContext): Promise<SectionResult> {
  const runs = ctx.quick ? 50 : 500;
  const cancels = runs / 10;
  const serverPid = temporalServerPid();
  const metrics = serverPid ? await serverMetricsUrl(serverPid) : undefined;
  const heartbeats = async (): Promise<number | undefined> => (metrics ? requestCount(metrics, HEARTBEAT_OPERATIONS) : undefined);
  const serverCpu = (): number | undefined => (serverPid ? cpuSeconds(serverPid) : undefined);

  const measure = async (mode: string, quietHeartbeatIntervalMs: number): Promise<ModeResult> => {
    // Holds until the bench lets every run go (10 s after the last one got in), or until cancelled.
    const started = new Map<string, number>();
    const aborted = new Map<string, number>();
    const retried = new Set<string>();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const hold = tool({
      name: 'hold',
      description: 'Holds until released.',
      input: z.object({}),
      run: async (_input, { signal, runId, attempt }) => {
        if (attempt > 1) retried.add(runId);
        started.set(runId, now());
        signal.addEventListener('abort', () => aborted.set(runId, now()), { once: true });
        // No timer: a released run's tool leaves nothing behind to keep the bench process alive.
        await Promise.race([released, whenAborted(signal)]);
        return 'released';
      },
    });
    const taskQueue = `${ctx.taskQueue}-heartbeat-${quietHeartbeatIntervalMs}`;
    const worker = await sectionWorker(ctx, taskQueue, {
      tools: [hold],
      quietHeartbeatIntervalMs,
      workerOptions: { maxConcurrentActivityTaskExecutions: 2 * runs, maxConcurrentWorkflowTaskExecutions: 100 },
    });
    return worker.runUntil(async () => {
      try {
        ctx.fake.reset();
        ctx.fake.setResponder(scriptedResponder([toolTurn([{ name: 'hold', input: {} }]), textTurn('held')]));
        const agent = new Agent('anthropic/claude-sonnet-4-6', { client: ctx.client, taskQueue });
        const t0 = now();
        const handles = await Promise.all(Array.from({ length: runs }, () => agent.start(new Task({ description: 'Hold.', tools: [hold] }))));
        const results = handles.map((h) => h.result());
        await waitUntil(() => started.size === runs, `all ${runs} runs in their tool`, 600_000, 50);
        const startS = (now() - t0) / 1000;
        const allIn = now();
        // Steady state: every run in its tool, nobody cancelling.
        await new Promise((r) => setTimeout(r, 1000));
        const [hb0, cpu0, w0] = [await heartbeats(), serverCpu(), now()];
        await new Promise((r) => setTimeout(r, 4000));
        const [hb1, cpu1, w1] = [await heartbeats(), serverCpu(), now()];
        const seconds = (w1 - w0) / 1000;
        // Cancel a tenth of them, each at a random moment of the next 2 s.
        const victims = handles.slice(0, cancels).map((h) => h.runId);
        const cancelAt = new Map<string, number>();
        await Promise.all(
          victims.map(async (runId) => {
            await new Promise((r) => setTimeout(r, Math.random() * 2000));
            cancelAt.set(runId, now());
            await cancelRun(runId, { client: ctx.client });
          }),
        );
        await waitUntil(() => victims.every((id) => aborted.has(id)), 'every cancelled tool to see its abort', 60_000, 5);
        const wait = HOLD_MS - (now() - allIn);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const cpuBeforeRelease = serverCpu();
        release();
        const outputs: RunOutput[] = await Promise.all(results);
        const ended: Record<string, number> = {};
        for (const o of outputs) ended[o.status] = (ended[o.status] ?? 0) + 1;
        const asExpected =
          outputs.every((o, i) => o.status === (i < cancels ? RunStatus.cancelled : RunStatus.completed)) && aborted.size === cancels && retried.size === 0;
        return {
          mode,
          runs,
          startS,
          heartbeatsPerSecond: hb0 !== undefined && hb1 !== undefined ? (hb1 - hb0) / seconds : undefined,
          serverCpuPerSecond: cpu0 !== undefined && cpu1 !== undefined ? (cpu1 - cpu0) / seconds : undefined,
          serverCpuS: cpuBeforeRelease !== undefined && cpu0 !== undefined ? cpuBeforeRelease - cpu0 : undefined,
          cancel: summarise(victims.map((id) => aborted.get(id)! - cancelAt.get(id)!)),
          ended,
          retried: retried.size,
          asExpected,
        };
      } finally {
        release();
      }
    });
  };

  const before = await measure(`every ${DEFAULT_HEARTBEAT_INTERVAL_MS} ms (as before)`, DEFAULT_HEARTBEAT_INTERVAL_MS);
  ctx.log(`heartbeat: ${before.mode} done`);
  // The quiet interval is at most a quarter of the heartbeat timeout: with the default timeout, that is the interval.
  const quietMs = Math.min(DEFAULT_QUIET_HEARTBEAT_INTERVAL_MS, DEFAULT_HEARTBEAT_TIMEOUT_MS / 4);
  const quiet = await measure(`quiet ${ms(quietMs)} (heartbeat timeout ${ms(DEFAULT_HEARTBEAT_TIMEOUT_MS)}), hurried on cancel`, DEFAULT_QUIET_HEARTBEAT_INTERVAL_MS);
  ctx.log(`heartbeat: ${quiet.mode} done`);
  const rows: Row[] = [];
  for (const r of [before, quiet]) {
    const label = `${r.runs} runs in a tool, heartbeats ${r.mode}`;
    rows.push(
      {
        section: 'heartbeat',
        metric: `${label}: heartbeat RPCs/s and server CPU while all are in the tool`,
        measured:
          `${r.heartbeatsPerSecond === undefined ? 'n/a (server metrics not found)' : `${Math.round(r.heartbeatsPerSecond)} RPC/s`} · ` +
          `server ${r.serverCpuPerSecond === undefined ? 'n/a' : `${round(r.serverCpuPerSecond, 2)} CPU-s/s`} ` +
          `(${r.serverCpuS === undefined ? 'n/a' : round(r.serverCpuS, 1)} CPU-s over the hold; all in after ${round(r.startS, 1)} s)`,
      },
      {
        section: 'heartbeat',
        metric: `${label}: cancelRun → tool abort, ${r.runs / 10} cancelled mid-tool`,
        goal: `p95 ≤ ${ms(CANCEL_GOAL_MS)}`,
        measured: `p50 ${ms(r.cancel.p50)} · p95 ${ms(r.cancel.p95)} · max ${ms(r.cancel.max)} (n=${r.cancel.n})`,
        pass: r.cancel.p95 <= CANCEL_GOAL_MS,
      },
      {
        section: 'heartbeat',
        metric: `${label}: every run ends as expected`,
        goal: `${r.runs / 10} cancelled, ${r.runs - r.runs / 10} completed`,
        measured: Object.entries(r.ended).map(([k, v]) => `${v} ${k}`).join(', '),
        pass: r.asExpected,
      },
      {
        section: 'heartbeat',
        metric: `${label}: heartbeat timeouts (a tool attempt taken for lost and run again)`,
        goal: '0',
        measured: String(r.retried),
        pass: r.retried === 0,
      },
    );
  }
  return { rows, data: { metricsUrl: metrics, holdMs: HOLD_MS, before, quiet } };
}
