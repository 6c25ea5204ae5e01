// Cancel latency: cancelRun() → the running activity's work is aborted, and cancelRun() → do() resolves `cancelled`,
// for a tool blocked in a 10 s sleep and for a model call in the middle of a slow stream. Default settings
// (activity heartbeat every 200 ms, heartbeat throttle 200 ms).
import type { Client } from '@temporalio/client';
import type { Agent } from '../src/client/agent.js';
import { cancelRun } from '../src/client/run-control.js';
import { Task } from '../src/client/task.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/fake-anthropic/index.js';
import { RunStatus } from '../src/core/types.js';
import { now, timedResponder, waitUntil, type BenchContext, type FakeRecord, type ModelRequestLog, type Row, type SectionResult } from './context.js';
import { ms, summarise, type Summary } from './stats.js';
import { filler } from './tools.js';

const ABORT_GOAL_MS = 750;
const CANCELLED_GOAL_MS = 1000;
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
    { section: 'cancel', metric: 'cancelRun() call itself (describe + cancel RPCs)', measured: describe(summarise([...toolTrials, ...modelTrials].map((t) => t.cancelRunCall))) },
  ];
  return { rows, data: { trials, heartbeatIntervalMs: 200, tool, model, toolTrials, modelTrials } };
}
