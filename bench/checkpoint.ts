// Tool checkpoints: a 10 s tool (ten 1 s units, each reported as done) cancelled after 6 s, then continued. With its
// checkpoint the re-run does the 4 units left: continue → the tool's last unit done takes about 4 s, not 10 s.
import { cancelRun } from '../src/client/run-control.js';
import { Task } from '../src/client/task.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/fake-anthropic/index.js';
import { RunStatus } from '../src/core/types.js';
import { withDeadline } from '../test/helpers/worker-process.js';
import { waitUntil, type BenchContext, type Row, type SectionResult } from './context.js';
import { ms, summarise } from './stats.js';
import { unitsTool, withWorkerScene } from './worker-processes.js';

const UNITS = 10;
const UNIT_MS = 1000;
const CUT_AFTER_UNITS = 6;
/** The 4 s of work left, plus up to 1 s for the continuation to read the history and start the tool again. */
const GOAL_MS = (UNITS - CUT_AFTER_UNITS) * UNIT_MS + 1000;

interface CheckpointSample {
  /** continueRun() called → the tool's last unit done. */
  continueToToolDoneMs: number;
  /** continueRun() called → the continued run completed. */
  continueToCompletedMs: number;
  resumedFrom: number;
}

export async function checkpointSection(ctx: BenchContext): Promise<SectionResult> {
  const trials = ctx.quick ? 1 : 3;
  const samples = await withWorkerScene(ctx, 'checkpoint', async (scene) => {
    await scene.spawnWorker();
    const out: CheckpointSample[] = [];
    for (let i = 0; i < trials; i++) {
      const key = `P${i}`;
      ctx.fake.reset();
      ctx.fake.setResponder(scriptedResponder([toolTurn([{ name: 'units_tool', input: { key, units: UNITS, unitMs: UNIT_MS } }]), textTurn(`${key} is done.`)]));
      const agent = scene.agent();
      const pending = agent.do(new Task({ description: `Run units_tool for ${key}.`, tools: [unitsTool] }));
      const doneOf = (): number => scene.units('complete').filter((e) => e.key.startsWith(`${key}#`)).length;
      await waitUntil(() => doneOf() >= CUT_AFTER_UNITS, `${CUT_AFTER_UNITS} units of ${key}`, 120_000, 20);
      await cancelRun(agent.runId!, { client: ctx.client });
      const cancelled = await pending;
      if (cancelled.status !== RunStatus.cancelled) throw new Error(`checkpoint: the run ended ${cancelled.status}`);
      const continuedAt = Date.now();
      const output = await withDeadline(agent.continueRun({ runId: cancelled.runId }), 120_000, 'the continuation');
      const completedAt = Date.now();
      if (output.status !== RunStatus.completed) throw new Error(`checkpoint: the continuation ended ${output.status}`);
      const last = scene.units('complete').find((e) => e.key === `${key}#${UNITS - 1}`)!;
      const restart = scene.units('start').filter((e) => e.key.startsWith(`${key}@`))[1]!;
      out.push({ continueToToolDoneMs: last.at! - continuedAt, continueToCompletedMs: completedAt - continuedAt, resumedFrom: Number(restart.key.split('@')[1]) });
    }
    return out;
  });
  const toolDone = summarise(samples.map((s) => s.continueToToolDoneMs));
  const completed = summarise(samples.map((s) => s.continueToCompletedMs));
  const rows: Row[] = [
    {
      section: 'checkpoint',
      metric: `${UNITS} s tool cut at ${CUT_AFTER_UNITS} s: continueRun → tool done (without a checkpoint: ≥ ${ms(UNITS * UNIT_MS)})`,
      goal: `p50 ≤ ${ms(GOAL_MS)}`,
      measured: `p50 ${ms(toolDone.p50)} · max ${ms(toolDone.max)} (n=${toolDone.n}); resumed from unit ${samples.map((s) => s.resumedFrom).join(', ')}`,
      pass: toolDone.p50 <= GOAL_MS,
    },
    { section: 'checkpoint', metric: 'continueRun → run completed', measured: `p50 ${ms(completed.p50)} · max ${ms(completed.max)} (n=${completed.n})` },
  ];
  return { rows, data: { units: UNITS, unitMs: UNIT_MS, cutAfterUnits: CUT_AFTER_UNITS, samples, toolDone, completed } };
}
