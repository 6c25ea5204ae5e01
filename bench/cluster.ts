// Cluster throughput: the production topology (scripts/cluster.sh: PostgreSQL, two Temporal server processes) with 1
// and then 3 worker processes, side by side in one run. Each wave starts all its runs at once; a run is model (200 ms
// fake latency) → instant tool → model. Reports runs/s, p50/p95 run time, and how busy the machine's cores were, so
// the table says whether the code or the machine is the limit.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Agent } from '../src/client/agent.js';
import { FakeAnthropicServer, scriptedResponder, textTurn, toolTurn } from '../src/testing/fake-anthropic/index.js';
import { ROOT } from '../test/helpers/servers.js';
import { loopbackCluster } from '../test/soak/cluster.js';
import { cpuSeconds, procMemory, startChild, stopChild, wave, type Wave } from './concurrency.js';
import type { BenchContext, Row, SectionResult } from './context.js';
import { bytes, ms } from './stats.js';

const LATENCY_MS = 200;
const WORKER_COUNTS = [1, 3];
const WORKER_OPTIONS = { maxConcurrentActivityTaskExecutions: 1000, maxConcurrentWorkflowTaskExecutions: 100 };

interface ClusterWave extends Wave {
  workers: number;
  runsPerSecond: number;
  cpuSeconds: { workers: number; servers: number; postgres: number | undefined; bench: number };
  wallS: number;
  workerPeakRss: number;
  loadAverage: number;
}

function safeCpu(pid: number): number | undefined {
  try {
    return cpuSeconds(pid);
  } catch {
    return undefined;
  }
}

/** CPU seconds of the PostgreSQL server cluster.sh started: the postmaster (first line of postmaster.pid) and its children. */
function postgresCpu(clusterDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(clusterDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
    return [pid, ...children].reduce((sum, p) => sum + (safeCpu(p) ?? 0), 0);
  } catch {
    return undefined;
  }
}

export async function clusterSection(ctx: BenchContext): Promise<SectionResult> {
  const runs = ctx.quick ? 30 : 150;
  const dir = join(ROOT, '.data', `bench-cluster-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, ctx.bundle.code);
  const cluster = await loopbackCluster(join(dir, 'cluster'));
  const fake = await FakeAnthropicServer.start({
    latencyMs: LATENCY_MS,
    responder: scriptedResponder([toolTurn([{ name: 'instant', input: { n: 0 } }]), textTurn('done')]),
  });
  const instant = ctx.tools.filter((t) => t.name === 'instant');
  const waves: ClusterWave[] = [];
  let connection: Connection | undefined;
  try {
    const t0 = Date.now();
    await cluster.up();
    ctx.log(`cluster: up in ${ms(Date.now() - t0)} at ${cluster.address}`);
    connection = await Connection.connect({ address: cluster.address });
    const client = new Client({ connection });
    for (const workers of WORKER_COUNTS) {
      const taskQueue = `${ctx.taskQueue}-cluster-${workers}`;
      const children: ChildProcess[] = [];
      try {
        for (let i = 0; i < workers; i++) {
          children.push(await startChild({ address: cluster.address, taskQueue, fakeUrl: fake.url, bundlePath, workerOptions: WORKER_OPTIONS }));
        }
        const agent = (): Agent => new Agent('anthropic/claude-sonnet-4-6', { client, taskQueue, searchAttributes: false });
        await wave(agent, client, instant, workers * 4); // warm-up: every worker has its workflow code loaded
        const cpu = (): { workers: number; servers: number; postgres: number | undefined } => ({
          workers: children.reduce((s, c) => s + (safeCpu(c.pid!) ?? 0), 0),
          servers: cluster.serverPids().reduce((s, p) => s + (safeCpu(p) ?? 0), 0),
          postgres: postgresCpu(cluster.dir),
        });
        const before = { ...cpu(), bench: process.cpuUsage(), at: Date.now() };
        const result = await wave(agent, client, instant, runs);
        const after = cpu();
        const bench = process.cpuUsage(before.bench);
        const wallS = (Date.now() - before.at) / 1000;
        waves.push({
          ...result,
          workers,
          runsPerSecond: result.completed / (result.makespanMs / 1000),
          cpuSeconds: {
            workers: after.workers - before.workers,
            servers: after.servers - before.servers,
            postgres: after.postgres !== undefined && before.postgres !== undefined ? after.postgres - before.postgres : undefined,
            bench: (bench.user + bench.system) / 1e6,
          },
          wallS,
          workerPeakRss: Math.max(...children.map((c) => procMemory(c.pid!).hwm)),
          loadAverage: loadavg()[0]!,
        });
        ctx.log(`cluster: ${workers} worker(s): ${result.completed}/${runs} in ${ms(result.makespanMs)}`);
      } finally {
        await Promise.all(children.map(stopChild));
      }
    }
  } finally {
    await connection?.close();
    await fake.close();
    await cluster.down().catch((err: unknown) => ctx.log(`cluster down failed: ${String(err)}`));
    rmSync(dir, { recursive: true, force: true });
  }

  const rows: Row[] = waves.map((w) => {
    const c = w.cpuSeconds;
    const total = c.workers + c.servers + (c.postgres ?? 0) + c.bench;
    return {
      section: 'cluster',
      metric: `${w.workers} worker${w.workers > 1 ? 's' : ''}, ${w.runs} runs started at once (2 server processes + PostgreSQL)`,
      measured:
        `${w.completed}/${w.runs} in ${ms(w.makespanMs)} = ${w.runsPerSecond.toFixed(1)} runs/s; run time p50 ${ms(w.perRun.p50)} p95 ${ms(w.perRun.p95)}; ` +
        `CPU ${(total / w.wallS).toFixed(2)} of 2 cores busy (workers ${c.workers.toFixed(1)} s, servers ${c.servers.toFixed(1)} s, ` +
        `PostgreSQL ${c.postgres === undefined ? 'n/a' : `${c.postgres.toFixed(1)} s`}, bench client + fake ${c.bench.toFixed(1)} s); worker peak RSS ${bytes(w.workerPeakRss)}`,
    };
  });
  const [one, three] = waves;
  if (one && three) {
    rows.push({
      section: 'cluster',
      metric: '3 workers vs 1: throughput',
      measured: `${(three.runsPerSecond / one.runsPerSecond).toFixed(2)}× (load average ${one.loadAverage.toFixed(1)} → ${three.loadAverage.toFixed(1)} on 2 cores)`,
    });
  }
  return { rows, data: { latencyMs: LATENCY_MS, runs, workerOptions: WORKER_OPTIONS, waves } };
}
