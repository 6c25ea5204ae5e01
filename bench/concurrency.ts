// Concurrency: 100 and 500 runs started at once against one worker running in a child process (its peak RSS is
// VmHWM in /proc/<pid>/status). Each run is model (200 ms fake latency) → instant tool → model (200 ms).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { Agent } from '../src/client/agent.js';
import { Task } from '../src/client/task.js';
import { FakeAnthropicServer, scriptedResponder, textTurn, toolTurn } from '../src/testing/fake-anthropic/index.js';
import type { AgentRunResult } from '../src/core/types.js';
import { ROOT } from '../test/helpers/servers.js';
import { now, type BenchContext, type Row, type SectionResult } from './context.js';
import { bytes, ms, summarise } from './stats.js';
import type { ChildWorkerConfig } from './worker-child.js';

const LATENCY_MS = 200;
const MODEL_CALLS = 2;
const RSS_GOAL = 1024 ** 3;
/** Slots sized for every run's activity to be in flight at once; the rest are Temporal's defaults. */
const WORKER_OPTIONS = { maxConcurrentActivityTaskExecutions: 1000, maxConcurrentWorkflowTaskExecutions: 100 };

interface ProcMemory {
  rss: number;
  hwm: number;
}

export function procMemory(pid: number): ProcMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

/** A /proc `stat` line (a process's or a thread's): its name and the CPU ms it used, user + system (ticks of 1/100 s on Linux). */
function parseStat(stat: string): { name: string; cpuMs: number } {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), cpuMs: (Number(fields[11]) + Number(fields[12])) * 10 };
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).cpuMs / 1000;
}

/**
 * Where a process's CPU goes, in ms by kind of thread (from /proc/<pid>/task): the main thread; Node's other threads,
 * which it names `node` alike (the workflow thread, V8's GC and compiler helpers, libuv's pool); Temporal core's Rust
 * runtime; everything else.
 */
export type ThreadKind = 'main' | 'node threads' | 'core' | 'other';
/** No CPU on any kind of thread: where sums of threadCpuMs readings start. */
export function noThreadCpu(): Record<ThreadKind, number> {
  return { main: 0, 'node threads': 0, core: 0, other: 0 };
}

export function threadCpuMs(pid: number): Record<ThreadKind, number> {
  const out = noThreadCpu();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended in between
    }
    const { name, cpuMs } = parseStat(stat);
    const kind: ThreadKind = tid === String(pid) ? 'main' : name === 'node' ? 'node threads' : name.startsWith('tokio-runtime') ? 'core' : 'other';
    out[kind] += cpuMs;
  }
  return out;
}

/** The Temporal dev server this process started (a child whose command line is `temporal server start-dev`). */
export function temporalServerPid(): number | undefined {
  for (const task of readdirSync('/proc/self/task')) {
    let children: string;
    try {
      children = readFileSync(`/proc/self/task/${task}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const pid of children.split(' ').filter(Boolean).map(Number)) {
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('start-dev')) return pid;
      } catch {
        // gone
      }
    }
  }
  return undefined;
}

interface CpuUse {
  wallS: number;
  workerS: number;
  serverS: number | undefined;
  benchS: number;
}

export function startChild(config: ChildWorkerConfig): Promise<ChildProcess> {
  return forkWorker(fileURLToPath(new URL('./worker-child.ts', import.meta.url)), config);
}

/**
 * Forks a worker process (a TypeScript file, run through tsx) configured by BENCH_WORKER_CONFIG; resolves once it says
 * `ready`. Its output goes to the bench's, or to the file descriptor `output`.
 */
export async function forkWorker(script: string, config: object, output?: number): Promise<ChildProcess> {
  const child = fork(script, [], {
    // BENCH_WORKER_NODE_OPTIONS: extra node flags for the worker alone (e.g. `--cpu-prof --cpu-prof-dir=.artifacts/prof`).
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_WORKER_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [])],
    env: { ...process.env, BENCH_WORKER_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', output ?? 'inherit', output ?? 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', (m) => (m === 'ready' ? resolve() : reject(new Error(`worker child said ${String(m)}`))));
    child.once('exit', (code) => reject(new Error(`worker child exited with ${code} before it was ready`)));
  });
  return child;
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send('stop');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

export interface Wave {
  runs: number;
  completed: number;
  failed: number;
  makespanMs: number;
  startAllMs: number;
  perRun: ReturnType<typeof summarise>;
}

/** Starts `runs` runs at once, one Agent each (an Agent tracks one run: its `runId` is per instance). */
export async function wave(newAgent: () => Agent, client: Client, tools: Task['tools'], runs: number): Promise<Wave> {
  const t0 = now();
  let failed = 0;
  const finishes: number[] = [];
  const latencies: number[] = [];
  let started = 0;
  const all = Array.from({ length: runs }, async (_, i) => {
    const s0 = now();
    const handle = await newAgent().start(new Task({ description: `Concurrent run ${i}: call instant once.`, tools }));
    started = Math.max(started, now());
    // Wait on the workflow itself (not handle.result(), which also reads the whole history into a RunOutput).
    try {
      await client.workflow.getHandle<() => Promise<AgentRunResult>>(handle.runId, handle.executionRunId).result();
      finishes.push(now());
      latencies.push(now() - s0);
    } catch {
      failed++;
    }
  });
  await Promise.all(all);
  return {
    runs,
    completed: finishes.length,
    failed,
    makespanMs: Math.max(...finishes) - t0,
    startAllMs: started - t0,
    perRun: summarise(latencies),
  };
}

export async function concurrencySection(ctx: BenchContext): Promise<SectionResult> {
  const sizes = ctx.quick ? [50] : [100, 500];
  const fake = await FakeAnthropicServer.start({
    latencyMs: LATENCY_MS,
    responder: scriptedResponder([toolTurn([{ name: 'instant', input: { n: 0 } }]), textTurn('done')]),
  });
  const dir = join(ROOT, '.artifacts', 'bench');
  mkdirSync(dir, { recursive: true });
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, ctx.bundle.code);
  const instant = ctx.tools.filter((t) => t.name === 'instant');
  const results: Array<Wave & { idle: ProcMemory; peakRss: number; hwm: number; singleRunMs: number; cpu: CpuUse }> = [];
  const serverPid = temporalServerPid();
  try {
    for (const runs of sizes) {
      const taskQueue = `${ctx.taskQueue}-conc-${runs}`;
      const child = await startChild({ address: ctx.address, taskQueue, fakeUrl: fake.url, bundlePath, workerOptions: WORKER_OPTIONS });
      try {
        const agent = (): Agent => new Agent('anthropic/claude-sonnet-4-6', { client: ctx.client, taskQueue });
        // One run alone (after a warm-up run): the latency chain a run cannot beat.
        await wave(agent, ctx.client, instant, 1);
        const single = await wave(agent, ctx.client, instant, 1);
        const idle = procMemory(child.pid!);
        let peakRss = idle.rss;
        const sampler = setInterval(() => {
          if (child.exitCode === null) peakRss = Math.max(peakRss, procMemory(child.pid!).rss);
        }, 100);
        const before = { at: now(), worker: cpuSeconds(child.pid!), server: serverPid ? cpuSeconds(serverPid) : 0, bench: process.cpuUsage() };
        let result: Wave;
        try {
          result = await wave(agent, ctx.client, instant, runs);
        } finally {
          clearInterval(sampler);
        }
        const benchCpu = process.cpuUsage(before.bench);
        const cpu: CpuUse = {
          wallS: (now() - before.at) / 1000,
          workerS: cpuSeconds(child.pid!) - before.worker,
          serverS: serverPid ? cpuSeconds(serverPid) - before.server : undefined,
          benchS: (benchCpu.user + benchCpu.system) / 1e6,
        };
        const mem = procMemory(child.pid!);
        results.push({ ...result, idle, peakRss: Math.max(peakRss, mem.rss), hwm: mem.hwm, singleRunMs: single.makespanMs, cpu });
        ctx.log(`concurrency: ${runs} runs done in ${ms(result.makespanMs)}, worker VmHWM ${bytes(mem.hwm)}`);
      } finally {
        await stopChild(child);
      }
    }
  } finally {
    await fake.close();
  }

  const ideal = LATENCY_MS * MODEL_CALLS;
  const rows: Row[] = [];
  for (const r of results) {
    const isGoal = r.runs >= 500;
    rows.push({
      section: 'concurrency',
      metric: `${r.runs} concurrent runs: all complete, completion time vs ideal`,
      measured:
        `${r.completed}/${r.runs} completed in ${ms(r.makespanMs)} = ${(r.makespanMs / ideal).toFixed(1)}× ideal ${ms(ideal)} ` +
        `(one run alone ${ms(r.singleRunMs)}); per run p50 ${ms(r.perRun.p50)} p95 ${ms(r.perRun.p95)}`,
      ...(isGoal ? { goal: 'all complete', pass: r.completed === r.runs } : {}),
    });
    rows.push({
      section: 'concurrency',
      metric: `${r.runs} concurrent runs: worker RSS (child process VmHWM)`,
      measured: `peak ${bytes(r.hwm)} (idle ${bytes(r.idle.rss)})`,
      ...(isGoal ? { goal: `≤ ${bytes(RSS_GOAL)}`, pass: r.hwm <= RSS_GOAL } : {}),
    });
    const total = r.cpu.workerS + (r.cpu.serverS ?? 0) + r.cpu.benchS;
    rows.push({
      section: 'concurrency',
      metric: `${r.runs} concurrent runs: CPU used during the wave`,
      measured:
        `${total.toFixed(1)} CPU-s in ${r.cpu.wallS.toFixed(1)} s (${(total / r.cpu.wallS).toFixed(2)} of 2 cores): worker ${r.cpu.workerS.toFixed(1)}, ` +
        `Temporal server ${r.cpu.serverS === undefined ? 'n/a' : r.cpu.serverS.toFixed(1)}, bench process (client + fake model) ${r.cpu.benchS.toFixed(1)}`,
    });
  }
  if (!results.some((r) => r.runs >= 500)) {
    rows.push({ section: 'concurrency', metric: '500 concurrent runs', goal: `all complete, RSS ≤ ${bytes(RSS_GOAL)}`, measured: 'not run (--quick)' });
  }
  return { rows, data: { latencyMs: LATENCY_MS, idealMs: ideal, workerOptions: WORKER_OPTIONS, waves: results } };
}
