// Handover delay: a worker stopped mid-tool, measured from the signal to the tool starting again on a second worker
// that already polls the same queue. Graceful (SIGTERM: the worker hands the step back with an immediate retry) next
// to the same run with SIGKILL (nothing is handed back: Temporal notices only when the heartbeat timeout passes).
// The tool reports progress, so both handovers also show how much of its work the second worker had to redo. The task
// sets no timeouts: the SIGKILL handover is the default heartbeat timeout's (src/workflows/activity-options.ts).
import { Task } from '../src/client/task.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/fake-anthropic/index.js';
import { RunStatus } from '../src/core/types.js';
import { DEFAULT_HEARTBEAT_TIMEOUT_MS } from '../src/workflows/activity-options.js';
import { withDeadline } from '../test/helpers/worker-process.js';
import { waitUntil, type BenchContext, type Row, type SectionResult } from './context.js';
import { ms, round, summarise, type Summary } from './stats.js';
import { unitsTool, withWorkerScene } from './worker-processes.js';

/** Signal → the tool running again on the other worker, with graceful shutdown. */
const GRACEFUL_GOAL_MS = 1000;
/** SIGKILL → the step running again on the other worker, with the default heartbeat timeout. */
const KILLED_GOAL_MS = 6000;
/** How many times faster the graceful handover must be than waiting for the heartbeat timeout. */
const RATIO_GOAL = 10;
const UNITS = 40;
const UNIT_MS = 250;
const CUT_AFTER_UNITS = 8;

type Stop = 'SIGTERM' | 'SIGKILL';

interface Handover {
  stop: Stop;
  /** Signal sent → the tool's next attempt started on the other worker. */
  handoverMs: number;
  /** Units done when the worker stopped, and the unit the next attempt started from. */
  cutAt: number;
  resumedFrom: number;
  /** Units completed more than once (must be 0). */
  repeatedUnits: number;
}

async function handover(ctx: BenchContext, stop: Stop): Promise<Handover> {
  return withWorkerScene(ctx, `handover-${stop.toLowerCase()}`, async (scene) => {
    ctx.fake.reset();
    ctx.fake.setResponder(scriptedResponder([toolTurn([{ name: 'units_tool', input: { key: 'H', units: UNITS, unitMs: UNIT_MS } }]), textTurn('H is done.')]));
    const workers = [await scene.spawnWorker(), await scene.spawnWorker()];
    const task = new Task({ description: 'Run units_tool for H.', tools: [unitsTool] });
    const handle = await scene.agent().start(task);
    await waitUntil(() => scene.units('complete').length >= CUT_AFTER_UNITS, `${CUT_AFTER_UNITS} units`, 120_000, 20);
    const first = scene.units('start')[0]!;
    const running = workers.find((w) => w.pid === first.pid)!;
    const signalledAt = Date.now();
    if (stop === 'SIGTERM') await running.terminate();
    else await running.kill();
    const cutAt = scene.units('complete').length;
    await waitUntil(() => scene.units('start').length === 2, 'the tool to start on the other worker', DEFAULT_HEARTBEAT_TIMEOUT_MS + 60_000, 5);
    const next = scene.units('start')[1]!;
    const output = await withDeadline(handle.result(), 120_000, 'the run to complete on the other worker');
    if (output.status !== RunStatus.completed) throw new Error(`handover ${stop}: the run ended ${output.status}: ${JSON.stringify(output.error)}`);
    const done = scene.units('complete').map((e) => e.key);
    return {
      stop,
      handoverMs: next.at! - signalledAt,
      cutAt,
      resumedFrom: Number(next.key.split('@')[1]),
      repeatedUnits: done.length - new Set(done).size,
    };
  });
}

function describe(s: Summary): string {
  return `p50 ${ms(s.p50)} · p95 ${ms(s.p95)} · max ${ms(s.max)} (n=${s.n})`;
}

export async function handoverSection(ctx: BenchContext): Promise<SectionResult> {
  const trials = ctx.quick ? 1 : 5;
  const heartbeatTimeoutMs = DEFAULT_HEARTBEAT_TIMEOUT_MS;
  const samples: Handover[] = [];
  for (let i = 0; i < trials; i++) {
    for (const stop of ['SIGTERM', 'SIGKILL'] as const) {
      const sample = await handover(ctx, stop);
      ctx.log(`handover ${stop}: ${ms(sample.handoverMs)}, cut at unit ${sample.cutAt}, resumed from ${sample.resumedFrom}`);
      samples.push(sample);
    }
  }
  const of = (stop: Stop): Handover[] => samples.filter((s) => s.stop === stop);
  const graceful = summarise(of('SIGTERM').map((s) => s.handoverMs));
  const killed = summarise(of('SIGKILL').map((s) => s.handoverMs));
  const ratio = killed.p50 / graceful.p50;
  const redone = (stop: Stop): string =>
    of(stop).map((s) => `${s.cutAt - s.resumedFrom} redone of ${s.cutAt}`).join(', ');
  const repeated = (stop: Stop): number => of(stop).reduce((sum, s) => sum + s.repeatedUnits, 0);
  const label = `${UNITS}×${UNIT_MS} ms tool, default heartbeat timeout ${ms(heartbeatTimeoutMs)}`;
  const rows: Row[] = [
    { section: 'handover', metric: `SIGTERM (graceful): signal → tool restarted on the other worker (${label})`, goal: `p50 ≤ ${ms(GRACEFUL_GOAL_MS)}`, measured: describe(graceful), pass: graceful.p50 <= GRACEFUL_GOAL_MS },
    { section: 'handover', metric: `SIGKILL (heartbeat timeout): signal → tool restarted on the other worker (${label})`, goal: `p95 ≤ ${ms(KILLED_GOAL_MS)}`, measured: describe(killed), pass: killed.p95 <= KILLED_GOAL_MS },
    { section: 'handover', metric: 'SIGKILL / SIGTERM handover delay (p50)', goal: `≥ ${RATIO_GOAL}×`, measured: `${round(ratio)}×`, pass: ratio >= RATIO_GOAL },
    { section: 'handover', metric: 'units of work redone after the handover (checkpoint)', goal: 'SIGTERM 0', measured: `SIGTERM: ${redone('SIGTERM')}; SIGKILL: ${redone('SIGKILL')}`, pass: of('SIGTERM').every((s) => s.cutAt === s.resumedFrom) },
    // A killed worker may have done a unit whose heartbeat (throttled to one per 200 ms) never reached the server.
    { section: 'handover', metric: 'units completed twice', goal: 'SIGTERM 0', measured: `SIGTERM ${repeated('SIGTERM')}; SIGKILL ${repeated('SIGKILL')}`, pass: repeated('SIGTERM') === 0 },
  ];
  return { rows, data: { heartbeatTimeoutMs, units: UNITS, unitMs: UNIT_MS, samples, graceful, killed, ratio } };
}
