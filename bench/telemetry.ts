// Telemetry overhead: the 21-step run of the steps section (instant model, instant tool) on workers in their own
// processes, same server, same fake model, runs alternating between them so machine-load drifts hit all alike:
//   on       tracing (OTLP/HTTP to a local receiver) and Prometheus metrics (scraped after every run), the traced bundle
//   off      both off, as `npm run build` sets a worker up then: the untraced bundle (the agent's workflow interceptors
//            without OpenTelemetry's), no metrics endpoint
//   metrics  metrics only (untraced bundle);  tracing  tracing only (traced bundle)
//   bare     a bundle without any workflow interceptors: what "off" still costs
// On a dev server with its transfer-queue limit raised, so the worker's own cost shows (on the stock server every
// step is paced at ~100 ms by the server). Goal: a step with telemetry on ≤ 1.1× a step with it off.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Agent } from '../src/client/agent.js';
import { Task } from '../src/client/task.js';
import { AgentMetrics } from '../src/telemetry/attributes.js';
import { scriptedResponder, textTurn, toolTurn, type FakeTurn } from '../src/testing/fake-anthropic/index.js';
import { RunStatus } from '../src/core/types.js';
import { workflowInterceptorModules, workflowsPath } from '../src/worker/workflow-source.js';
import { startOtlpReceiver } from '../test/helpers/otlp-receiver.js';
import { scrape, total } from '../test/helpers/prometheus.js';
import { freePort, ROOT } from '../test/helpers/servers.js';
import { startChild, stopChild } from './concurrency.js';
import { now, timedResponder, type BenchContext, type ModelRequestLog, type Row, type SectionResult } from './context.js';
import { startBenchServer } from './server.js';
import { median, ms } from './stats.js';
import type { ChildWorkerConfig } from './worker-child.js';

const GOAL_RATIO = 1.1;
const TOOL_TURNS = 10;
const STEPS = TOOL_TURNS * 2 + 1;
const MODES = ['on', 'off', 'metrics', 'tracing', 'bare'] as const;
type Mode = (typeof MODES)[number];

function script(): FakeTurn[] {
  return [...Array.from({ length: TOOL_TURNS }, (_, i) => toolTurn([{ name: 'instant', input: { n: i } }])), textTurn('all done')];
}

interface Sample {
  mode: Mode;
  wallPerStep: number;
  steadyPerStep: number;
}

export async function telemetrySection(ctx: BenchContext): Promise<SectionResult> {
  const reps = ctx.quick ? 3 : 10;
  const own: TestWorkflowEnvironment | undefined = ctx.tunedServer ? undefined : await startBenchServer(true);
  const client = own?.client ?? ctx.client;
  const address = own?.address ?? ctx.address;
  const receiver = await startOtlpReceiver();
  const dir = join(ROOT, '.artifacts', 'bench');
  mkdirSync(dir, { recursive: true });
  const noop = (): void => undefined;
  const logger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
  const bundles = {
    traced: join(dir, 'workflow-bundle-traced.js'),
    untraced: join(dir, 'workflow-bundle-untraced.js'),
    bare: join(dir, 'workflow-bundle-bare.js'),
  };
  const bundle = async (modules: string[]): Promise<string> => (await bundleWorkflowCode({ workflowsPath: workflowsPath(), workflowInterceptorModules: modules, logger })).code;
  writeFileSync(bundles.traced, await bundle(workflowInterceptorModules({ tracing: true })));
  writeFileSync(bundles.untraced, await bundle(workflowInterceptorModules({ tracing: false })));
  writeFileSync(bundles.bare, await bundle([]));
  const ports = { on: await freePort(), metrics: await freePort() };
  const base = { address, fakeUrl: ctx.fake.url, workerOptions: {} };
  const configs: Record<Mode, Omit<ChildWorkerConfig, 'address' | 'fakeUrl' | 'workerOptions' | 'taskQueue'>> = {
    on: { bundlePath: bundles.traced, metricsPort: ports.on, otlpEndpoint: receiver.url },
    off: { bundlePath: bundles.untraced },
    metrics: { bundlePath: bundles.untraced, metricsPort: ports.metrics },
    tracing: { bundlePath: bundles.traced, otlpEndpoint: receiver.url },
    bare: { bundlePath: bundles.bare },
  };
  const queue = (mode: Mode): string => `${ctx.taskQueue}-telemetry-${mode}`;
  const children = await Promise.all(MODES.map((mode) => startChild({ ...base, ...configs[mode], taskQueue: queue(mode) })));
  const instant = ctx.tools.find((t) => t.name === 'instant')!;
  const log: ModelRequestLog[] = [];
  ctx.fake.setResponder(timedResponder(scriptedResponder(script()), log));
  const samples: Sample[] = [];
  let scrapedSteps = 0;
  try {
    for (let rep = 0; rep <= reps; rep++) {
      // Rotate the order, so no mode always runs right after the same other one.
      const order = MODES.map((_, i) => MODES[(i + rep) % MODES.length]!);
      for (const mode of order) {
        ctx.fake.reset();
        log.length = 0;
        const t0 = now();
        const agent = new Agent('anthropic/claude-sonnet-4-6', { client, taskQueue: queue(mode) });
        const handle = await agent.start(new Task({ description: 'Call instant ten times.', tools: [instant] }));
        await client.workflow.getHandle(handle.runId, handle.executionRunId).result();
        const closed = now();
        const output = await handle.result();
        if (output.status !== RunStatus.completed || output.stepResults.length !== STEPS) {
          throw new Error(`telemetry ${mode}: run ended ${output.status} with ${output.stepResults.length} steps`);
        }
        if (mode === 'on') scrapedSteps = total(await scrape(`http://127.0.0.1:${ports.on}/metrics`), AgentMetrics.steps);
        const first = log.find((e) => e.turn === 0)!;
        const last = log.find((e) => e.turn === TOOL_TURNS)!;
        // The first run of each worker warms it up and is not counted.
        if (rep > 0) samples.push({ mode, wallPerStep: (closed - t0) / STEPS, steadyPerStep: (last.at - first.at) / (TOOL_TURNS * 2) });
      }
    }
  } finally {
    await Promise.all(children.map(stopChild));
    await receiver.close();
    await own?.teardown();
  }
  const of = (mode: Mode, key: keyof Omit<Sample, 'mode'> = 'wallPerStep'): number => median(samples.filter((s) => s.mode === mode).map((s) => s[key]));
  const ratio = of('on') / of('off');
  const steadyRatio = of('on', 'steadyPerStep') / of('off', 'steadyPerStep');
  const vsOff = (mode: Mode): string => `${ms(of(mode))} (${(of(mode) / of('off')).toFixed(2)}×)`;
  ctx.log(`telemetry: on ${ms(of('on'))}/step, off ${ms(of('off'))}/step, ${ratio.toFixed(2)}×; ${receiver.spans.length} spans received, ${scrapedSteps} steps counted`);
  const rows: Row[] = [
    {
      section: 'telemetry',
      metric: 'agent step, tracing + metrics on vs off (transfer-queue limit raised)',
      measured: `${ms(of('on'))} vs ${ms(of('off'))} (steady state ${ms(of('on', 'steadyPerStep'))} vs ${ms(of('off', 'steadyPerStep'))}), median of ${reps}`,
    },
    {
      section: 'telemetry',
      metric: 'agent step with telemetry ÷ without',
      goal: `≤ ${GOAL_RATIO}×`,
      measured: `${ratio.toFixed(2)}× (steady state ${steadyRatio.toFixed(2)}×)`,
      pass: ratio <= GOAL_RATIO,
    },
    {
      section: 'telemetry',
      metric: 'per step vs off: metrics only · tracing only · no workflow interceptors',
      measured: `${vsOff('metrics')} · ${vsOff('tracing')} · ${vsOff('bare')}`,
    },
    {
      section: 'telemetry',
      metric: 'what the telemetry workers exported',
      measured: `${receiver.spans.length} spans over OTLP/HTTP; ${scrapedSteps} steps in /metrics (${(reps + 1) * STEPS} run)`,
    },
  ];
  const perStep = Object.fromEntries(MODES.map((m) => [m, { wallMs: of(m), steadyMs: of(m, 'steadyPerStep') }]));
  return { rows, data: { reps, steps: STEPS, perStep, ratio, steadyRatio, spans: receiver.spans.length, scrapedSteps, samples } };
}
