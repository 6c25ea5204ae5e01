// Providers: per provider path — anthropic (@anthropic-ai/sdk against the Anthropic fake), openai (@ai-sdk/openai's
// Chat Completions model against the OpenAI fake), bedrock (@anthropic-ai/bedrock-sdk against the Anthropic fake's
// Bedrock endpoint) — cancelRun() → the fake sees the in-flight model request's socket close, for a cancel 200–400 ms
// into a slow stream (8-character deltas 40 ms apart, ~6 s), and worker CPU per agent step of a 21-step run (10 ×
// model → tool, then the answer), read from /proc around its runs as bench/steps.ts reads it.
// Next to them, Temporal's own @temporalio/ai-sdk 1.23.0 (bench/ai-sdk-baseline, installed apart by
// scripts/install-ai-sdk-baseline.sh) driving the same @ai-sdk/openai model against the same OpenAI fake on the same
// dev server: its streamingAgent (streamText) cancelled the same way, and the same 21 steps as its toolsAgent
// (generateText) and its streamingAgent. Every worker runs in a process of its own; the sides' runs alternate.
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { Agent } from '../src/client/agent.js';
import { Task } from '../src/client/task.js';
import { scriptedResponder, textTurn, type FakeTurn } from '../src/testing/fake-anthropic/index.js';
import { FakeOpenAIServer } from '../src/testing/fake-openai/index.js';
import { RunStatus } from '../src/core/types.js';
import { ROOT } from '../test/helpers/servers.js';
import { cancelMidStream, describe, type Trial } from './cancel.js';
import { forkWorker, startChild, stopChild } from './concurrency.js';
import { now, timedResponder, waitUntil, type BenchContext, type FakeRecord, type ModelRequestLog, type Row, type SectionResult } from './context.js';
import { ms, summarise } from './stats.js';
import { cpuSide, measureSide, MODEL_CALLS, perStep, script, STEPS, type CpuSide } from './steps.js';
import { filler } from './tools.js';

const ABORT_GOAL_MS = 500;
const OPENAI_MODEL = 'gpt-4o-mini';
const BEDROCK_MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
/** ~6 s of streaming: 1.2 KB in 8-character deltas 40 ms apart. */
const slowAnswer = (): FakeTurn[] => [textTurn(filler(1200, 0), { chunkDelayMs: 40 })];
const delay = (t: number): Promise<void> => new Promise((r) => setTimeout(r, t));

/** One fake model server as the section drives it: a script for the next requests, and how many it has received. */
interface ScriptedFake {
  script(turns: FakeTurn[], log: ModelRequestLog<FakeRecord>[]): void;
  reset(): void;
  requestCount(): number;
}

interface ProviderPath {
  name: string;
  /** The run's model id. */
  model: string;
  via: string;
  fake: ScriptedFake;
}

interface BaselineCancel {
  /** The fake saw the request's socket close (false: the request ran to the end of its stream). */
  aborted: boolean;
  /** cancel() → the request aborted, or (not aborted) → the fake finished the answer. */
  toRequestEnd: number;
  /** cancel() → the workflow closed. */
  toClosed: number;
  /** How the workflow closed: `cancelled`, or `completed` (with the length of the text it returned), or the error. */
  closed: string;
}

function openAIFake(fake: FakeOpenAIServer): ScriptedFake {
  return {
    script: (turns, log) => fake.setResponder(timedResponder(scriptedResponder(turns), log)),
    reset: () => fake.reset(),
    requestCount: () => fake.requests.length,
  };
}

function anthropicFake(ctx: BenchContext): ScriptedFake {
  return {
    script: (turns, log) => ctx.fake.setResponder(timedResponder(scriptedResponder(turns), log)),
    reset: () => ctx.fake.reset(),
    requestCount: () => ctx.fake.requests.length,
  };
}

/** Starts the baseline's streamingAgent, cancels it 200–400 ms into its model stream, and waits for the request's end. */
async function cancelBaseline(client: Client, taskQueue: string, log: ModelRequestLog<FakeRecord>[], what: string): Promise<BaselineCancel> {
  log.length = 0;
  const handle = await client.workflow.start('streamingAgent', { taskQueue, workflowId: `bench-ai-sdk-cancel-${process.pid}-${what.replace(/\s/g, '-')}`, args: [OPENAI_MODEL, 'Write a long answer.'] });
  await waitUntil(() => log.length === 1, 'the baseline model request to reach the fake');
  const request = log[0]!;
  await delay(200 + Math.random() * 200);
  if (request.record.completed || request.record.aborted) throw new Error(`${what}: the stream was not in flight`);
  const t0 = now();
  await handle.cancel();
  // streamText hands a failed step to its onError and ends the text stream, so the workflow may return, not throw.
  const closed = await handle.result().then(
    (text: string) => `completed (returned ${text.length} characters)`,
    (err: unknown) => (err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure ? 'cancelled' : String(err)),
  );
  const done = now();
  await waitUntil(() => request.abortedAt !== undefined || request.completedAt !== undefined, 'the baseline request to end', 30_000);
  const aborted = request.abortedAt !== undefined;
  return { aborted, toRequestEnd: (request.abortedAt ?? request.completedAt!) - t0, toClosed: done - t0, closed };
}

function describeBaseline(trials: BaselineCancel[]): string {
  const aborted = trials.filter((t) => t.aborted);
  const ran = trials.filter((t) => !t.aborted);
  const parts: string[] = [];
  if (ran.length) parts.push(`not aborted in ${ran.length} of ${trials.length}: the request ran to the end of its stream, p50 ${ms(summarise(ran.map((t) => t.toRequestEnd)).p50)} after the cancel`);
  if (aborted.length) parts.push(`aborted in ${aborted.length} of ${trials.length}: ${describe(summarise(aborted.map((t) => t.toRequestEnd)))}`);
  const closed = [...new Set(trials.map((t) => t.closed))].join(' / ');
  return `${parts.join('; ')}; the workflow closed ${closed}, p50 ${ms(summarise(trials.map((t) => t.toClosed)).p50)} after the cancel`;
}

export async function providersSection(ctx: BenchContext): Promise<SectionResult> {
  const trials = ctx.quick ? 3 : 20;
  const baselineTrials = ctx.quick ? 1 : 3;
  const cpuRuns = ctx.quick ? 2 : 8;
  execFileSync('bash', [join(ROOT, 'scripts', 'install-ai-sdk-baseline.sh')], { stdio: 'inherit' });

  const openai = await FakeOpenAIServer.start();
  const dir = join(ROOT, '.data', `bench-providers-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const bundlePath = join(dir, 'agent-bundle.js');
  writeFileSync(bundlePath, ctx.bundle.code);
  const agentQueue = `${ctx.taskQueue}-providers`;
  const baselineQueue = `${ctx.taskQueue}-ai-sdk`;
  // The baseline worker's output (streamText's default onError logs every cut step from the workflow) in a file of its own.
  mkdirSync(join(ROOT, '.artifacts', 'bench'), { recursive: true });
  const baselineLog = join(ROOT, '.artifacts', 'bench', 'ai-sdk-baseline-worker.log');
  const baselineOutput = openSync(baselineLog, 'w');
  const children: ChildProcess[] = [];
  try {
    children.push(
      await startChild({ address: ctx.address, taskQueue: agentQueue, fakeUrl: ctx.fake.url, bundlePath, workerOptions: {}, openaiUrl: openai.url, bedrockUrl: ctx.fake.url }),
      await forkWorker(join(ROOT, '.tools', 'ai-sdk-baseline', 'src', 'worker.ts'), { address: ctx.address, taskQueue: baselineQueue, openaiUrl: openai.url }, baselineOutput),
    );
    const [agentChild, baselineChild] = children as [ChildProcess, ChildProcess];
    const paths: ProviderPath[] = [
      { name: 'anthropic', model: 'anthropic/claude-sonnet-4-6', via: '@anthropic-ai/sdk → Anthropic fake', fake: anthropicFake(ctx) },
      { name: 'openai', model: `openai/${OPENAI_MODEL}`, via: '@ai-sdk/openai .chat() → OpenAI fake', fake: openAIFake(openai) },
      { name: 'bedrock', model: `bedrock/${BEDROCK_MODEL}`, via: "@anthropic-ai/bedrock-sdk → the fake's Bedrock endpoint", fake: anthropicFake(ctx) },
    ];
    const agent = (path: ProviderPath): Agent => new Agent(path.model, { client: ctx.client, taskQueue: agentQueue });
    const log: ModelRequestLog<FakeRecord>[] = [];

    // 1. Cancel mid-stream, per provider path, then the baseline.
    // A path that fails is reported as such (its first error) and left out of what follows; the others go on.
    const cancels: Record<string, Trial[]> = {};
    const failed: Record<string, string> = {};
    for (const path of paths) {
      path.fake.script(slowAnswer(), log);
      cancels[path.name] = [];
      try {
        for (let i = 0; i < trials; i++) {
          path.fake.reset();
          cancels[path.name]!.push(await cancelMidStream(agent(path), ctx.client, log, `${path.name} trial ${i}`));
        }
      } catch (err) {
        failed[path.name] = err instanceof Error ? err.message.split('\n')[0]! : String(err);
        ctx.log(`providers: ${path.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        continue;
      }
      ctx.log(`providers: ${path.name}: ${trials} cancel trials done`);
    }
    const measured = paths.filter((p) => !failed[p.name]);
    const baselineFake = openAIFake(openai);
    baselineFake.script(slowAnswer(), log);
    const baselineCancels: BaselineCancel[] = [];
    for (let i = 0; i < baselineTrials; i++) {
      baselineFake.reset();
      baselineCancels.push(await cancelBaseline(ctx.client, baselineQueue, log, `trial ${i}`));
    }
    ctx.log(`providers: @temporalio/ai-sdk: ${baselineTrials} cancel trials done`);

    // 2. Worker CPU per step: the same 21 steps on every side, one warm-up run each, then the sides' runs alternate.
    const instant = ctx.tools.find((t) => t.name === 'instant')!;
    const checkCalls = (fake: ScriptedFake, what: string): void => {
      if (fake.requestCount() !== MODEL_CALLS) throw new Error(`${what} made ${fake.requestCount()} model calls, not ${MODEL_CALLS}`);
    };
    const agentSide = (path: ProviderPath): CpuSide =>
      cpuSide(agentChild.pid!, STEPS, async () => {
        path.fake.reset();
        path.fake.script(script(), log);
        const output = await agent(path).do(new Task({ description: 'Call instant ten times.', tools: [instant] }));
        if (output.status !== RunStatus.completed || output.stepResults.length !== STEPS) throw new Error(`${path.name} run ended ${output.status} with ${output.stepResults.length} steps`);
        checkCalls(path.fake, `the ${path.name} run`);
      });
    let baselineRuns = 0;
    const baselineSide = (workflowType: 'toolsAgent' | 'streamingAgent'): CpuSide =>
      cpuSide(baselineChild.pid!, STEPS, async () => {
        baselineFake.reset();
        baselineFake.script(script(), log);
        const text = await ctx.client.workflow.execute(workflowType, {
          taskQueue: baselineQueue,
          workflowId: `bench-ai-sdk-cpu-${process.pid}-${baselineRuns++}`,
          args: [OPENAI_MODEL, 'Call instant ten times.'],
        });
        if (text !== 'all done') throw new Error(`the baseline's ${workflowType} answered ${JSON.stringify(text)}`);
        checkCalls(baselineFake, `the baseline's ${workflowType}`);
      });
    const sides: Record<string, CpuSide> = {
      ...Object.fromEntries(measured.map((p) => [p.name, agentSide(p)])),
      'ai-sdk generateText': baselineSide('toolsAgent'),
      'ai-sdk streamText': baselineSide('streamingAgent'),
    };
    for (const side of Object.values(sides)) await side.run();
    for (let i = 0; i < cpuRuns; i++) for (const side of Object.values(sides)) await measureSide(side);
    const cpu = Object.fromEntries(Object.entries(sides).map(([name, side]) => [name, perStep(side, cpuRuns)]));
    ctx.log(`providers: worker CPU over ${cpuRuns} runs a side done`);

    // 3. The table.
    const rows: Row[] = Object.entries(failed).map(([name, message]) => ({ section: 'providers', metric: `${name}: not measured`, measured: message, pass: false }));
    for (const path of measured) {
      const toAbort = summarise(cancels[path.name]!.map((t) => t.toAbort));
      const toCancelled = summarise(cancels[path.name]!.map((t) => t.toCancelled));
      rows.push({
        section: 'providers',
        metric: `${path.name} (${path.via}): model mid-stream, cancelRun → fake sees the request aborted`,
        goal: `p95 ≤ ${ms(ABORT_GOAL_MS)}`,
        measured: `${describe(toAbort)}; do() cancelled p50 ${ms(toCancelled.p50)}`,
        pass: toAbort.p95 <= ABORT_GOAL_MS,
      });
    }
    rows.push({
      section: 'providers',
      metric: '@temporalio/ai-sdk 1.23.0 (streamText, @ai-sdk/openai .chat() → OpenAI fake): model mid-stream, cancel → request aborted',
      measured: describeBaseline(baselineCancels),
    });
    const baselineCpu = Math.min(cpu['ai-sdk generateText']!.perStepMs, cpu['ai-sdk streamText']!.perStepMs);
    for (const path of measured) {
      const perStepMs = cpu[path.name]!.perStepMs;
      rows.push({
        section: 'providers',
        metric: `${path.name}: worker CPU per agent step (${STEPS}-step run, worker in its own process)`,
        goal: `≤ ai-sdk's (${baselineCpu.toFixed(2)} ms, the lower of its two)`,
        measured: `${perStepMs.toFixed(2)} ms (${(perStepMs / baselineCpu).toFixed(2)}×), ${cpuRuns} runs`,
        pass: perStepMs <= baselineCpu,
      });
    }
    for (const name of ['ai-sdk generateText', 'ai-sdk streamText']) {
      rows.push({
        section: 'providers',
        metric: `@temporalio/ai-sdk 1.23.0 (${name.slice('ai-sdk '.length)}, @ai-sdk/openai .chat() → OpenAI fake): worker CPU per step (same ${STEPS} steps)`,
        measured: `${cpu[name]!.perStepMs.toFixed(2)} ms, ${cpuRuns} runs`,
      });
    }
    return {
      rows,
      data: { trials, baselineTrials, failed, baselineWorkerLog: baselineLog, cpuRuns, steps: STEPS, abortGoalMs: ABORT_GOAL_MS, cancels, baselineCancels, workerCpu: cpu, models: Object.fromEntries(paths.map((p) => [p.name, p.model])) },
    };
  } finally {
    await Promise.all(children.map((c) => stopChild(c)));
    await openai.close();
    closeSync(baselineOutput);
    rmSync(dir, { recursive: true, force: true });
  }
}
