// Cancel latency: cancelRun() → the running activity's work is aborted, and cancelRun() → do() resolves `cancelled`,
// for a tool blocked in a 10 s sleep and for a model call in the middle of a slow stream. Default settings
// (activity heartbeat every 200 ms, heartbeat throttle 200 ms). Then one bulk cancel (bulkCancel by a session filter,
// as the console's bulk bar sends it) of 20 runs each stuck in that tool: how long each run takes to close after the
// server recorded its cancel request (the console test checks the behaviour; the time is measured here).
import type { Client } from '@temporalio/client';
import type { Agent } from '../src/client/agent.js';
import { Agent as DurableAgent } from '../src/client/agent.js';
import { bulkCancel } from '../src/client/bulk-actions.js';
import { countRuns } from '../src/client/run-list.js';
import { cancelRun } from '../src/client/run-control.js';
import { Task } from '../src/client/task.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/fake-anthropic/index.js';
import { RunStatus } from '../src/core/types.js';
import { timeMs } from '../src/history/decode/state.js';
import { now, timedResponder, waitUntil, type BenchContext, type FakeRecord, type ModelRequestLog, type Row, type SectionResult } from './context.js';
import { ms, summarise, type Summary } from './stats.js';
import { filler } from './tools.js';

const ABORT_GOAL_MS = 750;
const CANCELLED_GOAL_MS = 1000;
/** Runs in the bulk cancel, and the goal for each to close after its cancel request. */
const BULK_RUNS = 20;
const BULK_STOP_GOAL_MS = 2000;
const delay = (t: number): Promise<void> => new Promise((r) => setTimeout(r, t));

export interface Trial {
  toAbort: number;
  toCancelled: number;
  cancelRunCall: number;
}

/**
 * One cancel of a model call mid-stream: `agent` starts a run whose first request (the fake answers it slowly, logging
 * into `log` through timedResponder) is cancelled 200–400 ms into its stream; measured from the cancelRun() call.
 */
export async function cancelMidStream<R extends FakeRecord>(agent: Agent, client: Client, log: ModelRequestLog<R>[], what: string): Promise<Trial> {
  log.length = 0;
  const pending = agent.do(new Task({ description: 'Write a long answer.' }));
  await waitUntil(() => log.length === 1, 'the model request to reach the fake');
  const request = log[0]!;
  await delay(200 + Math.random() * 200);
  if (request.record.completed || request.record.aborted) throw new Error(`${what}: the stream was not in flight`);
  const t0 = now();
  await cancelRun(agent.runId!, { client });
  const accepted = now();
  const output = await pending;
  const done = now();
  if (output.status !== RunStatus.cancelled) throw new Error(`${what}: run ended ${output.status}, expected cancelled`);
  await waitUntil(() => request.abortedAt !== undefined, 'the fake to see the request aborted', 5000);
  return { toAbort: request.abortedAt! - t0, toCancelled: done - t0, cancelRunCall: accepted - t0 };
}

export function describe(s: Summary): string {
  return `p50 ${ms(s.p50)} · p95 ${ms(s.p95)} · max ${ms(s.max)} (n=${s.n})`;
}

export async function cancelSection(ctx: BenchContext): Promise<SectionResult> {
  const trials = ctx.quick ? 5 : 30;
  const sleeper = ctx.tools.find((t) => t.name === 'sleeper')!;

  // 1. A tool blocked in sleep(10 s, signal).
  const toolTrials: Trial[] = [];
  const log: ModelRequestLog[] = [];
  ctx.fake.setResponder(timedResponder(scriptedResponder([toolTurn([{ name: 'sleeper', input: { ms: 10_000 } }]), textTurn('slept')]), log));
  for (let i = 0; i < trials; i++) {
    ctx.fake.reset();
    const agent = ctx.agent();
    const pending = agent.do(new Task({ description: 'Call sleeper with 10000 ms.', tools: [sleeper] }));
    await waitUntil(() => agent.runId !== undefined && ctx.probe.startsOf(agent.runId, 'sleeper').length === 1, 'sleeper to start');
    const runId = agent.runId!;
    // Land the cancel at a random phase of the 200 ms heartbeat timer.
    await delay(100 + Math.random() * 200);
    const t0 = now();
    await cancelRun(runId, { client: ctx.client });
    const accepted = now();
    const output = await pending;
    const done = now();
    if (output.status !== RunStatus.cancelled) throw new Error(`tool trial ${i}: run ended ${output.status}, expected cancelled`);
    const abort = ctx.probe.abortsOf(runId, 'sleeper')[0];
    if (!abort) throw new Error(`tool trial ${i}: the tool's abort signal never fired`);
    toolTrials.push({ toAbort: abort.at - t0, toCancelled: done - t0, cancelRunCall: accepted - t0 });
  }
  ctx.log(`cancel: ${trials} tool trials done`);

  // 2. A model call mid-stream: ~2.4 KB of text in 8-character SSE deltas 40 ms apart (~12 s of streaming).
  const modelTrials: Trial[] = [];
  ctx.fake.setResponder(timedResponder(scriptedResponder([textTurn(filler(2400, 0), { chunkDelayMs: 40 })]), log));
  for (let i = 0; i < trials; i++) {
    ctx.fake.reset();
    modelTrials.push(await cancelMidStream(ctx.agent(), ctx.client, log, `model trial ${i}`));
  }
  ctx.log(`cancel: ${trials} model trials done`);

  const bulk = await bulkCancelTrial(ctx, ctx.quick ? 5 : BULK_RUNS);
  ctx.log(`cancel: bulk cancel of ${bulk.runs} runs done`);

  const tool = {
    toAbort: summarise(toolTrials.map((t) => t.toAbort)),
    toCancelled: summarise(toolTrials.map((t) => t.toCancelled)),
    cancelRunCall: summarise(toolTrials.map((t) => t.cancelRunCall)),
  };
  const model = {
    toAbort: summarise(modelTrials.map((t) => t.toAbort)),
    toCancelled: summarise(modelTrials.map((t) => t.toCancelled)),
    cancelRunCall: summarise(modelTrials.map((t) => t.cancelRunCall)),
  };
  const rows: Row[] = [
    { section: 'cancel', metric: 'tool sleep(10 s): cancelRun → abort signal', goal: `p95 ≤ ${ms(ABORT_GOAL_MS)}`, measured: describe(tool.toAbort), pass: tool.toAbort.p95 <= ABORT_GOAL_MS },
    { section: 'cancel', metric: 'tool sleep(10 s): cancelRun → do() cancelled', goal: `p95 ≤ ${ms(CANCELLED_GOAL_MS)}`, measured: describe(tool.toCancelled), pass: tool.toCancelled.p95 <= CANCELLED_GOAL_MS },
    { section: 'cancel', metric: 'model mid-stream: cancelRun → fake sees abort', goal: `p95 ≤ ${ms(ABORT_GOAL_MS)}`, measured: describe(model.toAbort), pass: model.toAbort.p95 <= ABORT_GOAL_MS },
    { section: 'cancel', metric: 'model mid-stream: cancelRun → do() cancelled', goal: `p95 ≤ ${ms(CANCELLED_GOAL_MS)}`, measured: describe(model.toCancelled), pass: model.toCancelled.p95 <= CANCELLED_GOAL_MS },
    {
      section: 'cancel',
      metric: `bulkCancel of ${bulk.runs} runs in sleep(60 s): each run's cancel request → its close (server times)`,
      goal: `max ≤ ${ms(BULK_STOP_GOAL_MS)}`,
      measured: describe(bulk.toClosed),
      pass: bulk.toClosed.max <= BULK_STOP_GOAL_MS,
    },
    { section: 'cancel', metric: `bulkCancel of ${bulk.runs} runs: the call → the last run closed`, measured: ms(bulk.allClosedMs) },
    { section: 'cancel', metric: 'cancelRun() call itself (describe + cancel RPCs)', measured: describe(summarise([...toolTrials, ...modelTrials].map((t) => t.cancelRunCall))) },
  ];
  return { rows, data: { trials, heartbeatIntervalMs: 200, tool, model, toolTrials, modelTrials, bulk } };
}

/** `runs` runs of one session, each in sleeper(60 s), cancelled by one bulkCancel of that session's open runs. */
async function bulkCancelTrial(ctx: BenchContext, runs: number): Promise<{ runs: number; toClosed: Summary; allClosedMs: number; perRunMs: number[] }> {
  const sleeper = ctx.tools.find((t) => t.name === 'sleeper')!;
  const sessionId = `bench-bulk-${process.pid}`;
  ctx.fake.reset();
  ctx.fake.setResponder(scriptedResponder([toolTurn([{ name: 'sleeper', input: { ms: 60_000 } }]), textTurn('slept')]));
  const agent = new DurableAgent('anthropic/claude-sonnet-4-6', { client: ctx.client, taskQueue: ctx.taskQueue, sessionId, searchAttributes: true });
  const handles = await Promise.all(Array.from({ length: runs }, (_, i) => agent.start(new Task({ description: `Bulk ${i}: call sleeper with 60000 ms.`, tools: [sleeper] }))));
  await waitUntil(() => handles.every((x) => ctx.probe.startsOf(x.runId, 'sleeper').length === 1), 'every sleeper to start', 30_000);
  const filter = { sessionId, status: 'running' as const };
  await waitUntil(async () => (await countRuns(filter, { client: ctx.client })) >= runs, `visibility to list the ${runs} runs`, 30_000, 100);
  const t0 = Date.now();
  const result = await bulkCancel(filter, { client: ctx.client, reason: 'bench' });
  if (result.done.length !== runs) throw new Error(`bulk cancel: ${result.done.length} of ${runs} cancel requests succeeded`);
  for (const x of handles) {
    const output = await x.result();
    if (output.status !== RunStatus.cancelled) throw new Error(`bulk cancel: ${x.runId} ended ${output.status}, expected cancelled`);
    if (ctx.probe.abortsOf(x.runId, 'sleeper').length !== 1) throw new Error(`bulk cancel: ${x.runId}'s sleeper was not aborted`);
  }
  const perRunMs: number[] = [];
  let lastClose = 0;
  for (const x of handles) {
    const { events } = await ctx.client.workflow.getHandle(x.runId).fetchHistory();
    const closed = timeMs(events?.at(-1)?.eventTime)!;
    perRunMs.push(closed - timeMs(events?.find((e) => e.workflowExecutionCancelRequestedEventAttributes)?.eventTime)!);
    lastClose = Math.max(lastClose, closed);
  }
  return { runs, toClosed: summarise(perRunMs), allClosedMs: lastClose - t0, perRunMs };
}
