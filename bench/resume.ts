// Resume cost versus history length: a run completes N instant steps, then blocks in a tool and is cancelled; the
// continuation is timed from continueRun() to its first new step (the cut-off tool starting again), with the bytes
// of history it has to read and the model requests it repeats (must be none).
import { cancelRun } from '../src/client/run-control.js';
import { Task } from '../src/client/task.js';
import { readExecution } from '../src/history/read-execution.js';
import { seedOf } from '../src/history/continuation.js';
import { scriptedResponder, textTurn, toolTurn, type FakeTurn } from '../src/testing/fake-anthropic/index.js';
import { RunStatus } from '../src/core/types.js';
import { eventBytes, historyBytes, now, timedResponder, waitUntil, type BenchContext, type ModelRequestLog, type Row, type SectionResult } from './context.js';
import { bytes, ms } from './stats.js';

const GOAL_MS = 1000;

interface ResumeSample {
  targetSteps: number;
  completedSteps: number;
  firstRunMs: number;
  historyEvents: number;
  historyBytes: number;
  fetchHistoryMs: number;
  readAndSeedMs: number;
  seedPayloadBytes: number;
  continueToStartedMs: number;
  continueToFirstStepMs: number;
  continueToCompletedMs: number;
  modelRequests: number;
  repeatedRequests: number;
  /** Completed instant tool calls that ran again (must be 0). */
  repeatedToolCalls: number;
}

function script(toolTurns: number): FakeTurn[] {
  return [
    ...Array.from({ length: toolTurns }, (_, i) => toolTurn([{ name: 'instant', input: { n: i } }])),
    toolTurn([{ name: 'gate', input: {} }]),
    textTurn('resumed and done'),
  ];
}

export async function resumeSection(ctx: BenchContext): Promise<SectionResult> {
  const sizes = ctx.quick ? [10, 50] : [10, 50, 200];
  const tools = ctx.tools.filter((t) => t.name === 'instant' || t.name === 'gate');
  const samples: ResumeSample[] = [];
  for (const target of sizes) {
    // K instant turns (2K steps) + the model turn asking for the gate = 2K + 1 completed steps before the cancel.
    const toolTurns = Math.round(target / 2);
    const log: ModelRequestLog[] = [];
    ctx.fake.reset();
    ctx.fake.setResponder(timedResponder(scriptedResponder(script(toolTurns)), log));
    const agent = ctx.agent();
    const task = new Task({ description: `Call instant ${toolTurns} times, then gate.`, tools, maxSteps: toolTurns * 2 + 10 });
    const t0 = now();
    const pending = agent.do(task);
    await waitUntil(() => agent.runId !== undefined && ctx.probe.startsOf(agent.runId, 'gate').length === 1, 'gate to start', 300_000);
    const firstRunMs = now() - t0;
    const runId = agent.runId!;
    await cancelRun(runId, { client: ctx.client });
    const cancelled = await pending;
    if (cancelled.status !== RunStatus.cancelled) throw new Error(`resume ${target}: first run ended ${cancelled.status}`);
    const completedSteps = cancelled.stepResults.filter((s) => s.status === 'completed').length;

    // What a continuation reads: the cancelled execution's history.
    const f0 = now();
    const history = await ctx.client.workflow.getHandle(runId, cancelled.executionRunId).fetchHistory();
    const fetchHistoryMs = now() - f0;
    const r0 = now();
    seedOf(await readExecution(ctx.client, runId));
    const readAndSeedMs = now() - r0;

    ctx.probe.released.add(runId);
    const c0 = now();
    const handle = await agent.startContinueRun({ runId });
    const started = now();
    await waitUntil(() => ctx.probe.startsOf(runId, 'gate').length === 2, 'the cut-off tool to run again', 60_000, 2);
    const firstStep = ctx.probe.startsOf(runId, 'gate')[1]!.at;
    const result = await handle.result();
    const completed = now();
    if (result.status !== RunStatus.completed) throw new Error(`resume ${target}: continuation ended ${result.status}`);
    const turns = ctx.fake.requests.map((r) => r.turn);
    const continuedHistory = await ctx.client.workflow.getHandle(runId, handle.executionRunId).fetchHistory();
    samples.push({
      targetSteps: target,
      completedSteps,
      firstRunMs,
      historyEvents: history.events?.length ?? 0,
      historyBytes: historyBytes(history),
      fetchHistoryMs,
      readAndSeedMs,
      seedPayloadBytes: continuedHistory.events?.[0] ? eventBytes(continuedHistory.events[0]) : 0,
      continueToStartedMs: started - c0,
      continueToFirstStepMs: firstStep - c0,
      continueToCompletedMs: completed - c0,
      modelRequests: turns.length,
      repeatedRequests: turns.length - new Set(turns).size,
      repeatedToolCalls: ctx.probe.startsOf(runId, 'instant').length - toolTurns,
    });
    ctx.log(`resume: ${completedSteps} completed steps done`);
  }

  const largest = samples[samples.length - 1]!;
  const rows: Row[] = samples.map((s) => ({
    section: 'resume',
    metric: `${s.completedSteps} completed steps: continueRun → first new step`,
    ...(s === largest ? { goal: `≤ ${ms(GOAL_MS)}${s.targetSteps < 200 ? ' (goal is for 200)' : ''}` } : {}),
    measured:
      `${ms(s.continueToFirstStepMs)} (read+seed ${ms(s.readAndSeedMs)}, start ${ms(s.continueToStartedMs)}); ` +
      `history ${bytes(s.historyBytes)} / ${s.historyEvents} events; seed input ${bytes(s.seedPayloadBytes)}`,
    ...(s === largest && s.targetSteps >= 200 ? { pass: s.continueToFirstStepMs <= GOAL_MS } : {}),
  }));
  rows.push({
    section: 'resume',
    metric: 'model requests (and completed tool calls) repeated by continuations',
    goal: '0',
    measured: samples.map((s) => `${s.repeatedRequests} of ${s.modelRequests} (${s.repeatedToolCalls})`).join(', '),
    pass: samples.every((s) => s.repeatedRequests === 0 && s.repeatedToolCalls === 0),
  });
  return { rows, data: { sizes, samples } };
}
