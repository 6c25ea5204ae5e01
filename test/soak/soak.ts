// The chaos soak: a real cluster (scripts/cluster.sh: PostgreSQL, two Temporal server processes), W worker processes,
// and N runs with random tool durations, cancels and continues, approvals and forks, while faults are injected on a
// schedule; then the verdict (verify.ts) and a table. Bounded: runs are started over the first half of the time
// budget, faults stop at 60 % of it, and whatever has not ended by the budget's end is counted stuck.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { closeConnections, getClient } from '../../src/client/connection.js';
import { FakeAnthropicServer } from '../../src/testing/fake-anthropic/index.js';
import { crashTools } from '../fixtures/crash-tools.js';
import { workflowBundle } from '../helpers/bundle.js';
import { ROOT } from '../helpers/servers.js';
import { killAllWorkerProcesses, readSideEffects } from '../helpers/worker-process.js';
import { loopbackCluster, peakRss } from './cluster.js';
import { driveRun, type RunRecord } from './driver.js';
import { FAULT_KINDS, injectFaults, WorkerPool, type FaultKind, type FaultRecord } from './faults.js';
import { makePlan, rng, soakResponder } from './plan.js';
import { verify, type Verdict } from './verify.js';

export interface SoakOptions {
  runs: number;
  workers: number;
  minutes: number;
  seed?: number;
  /** At most this many runs in flight at once. */
  concurrency?: number;
  log?(message: string): void;
}

export interface SoakReport {
  options: Required<Omit<SoakOptions, 'log'>>;
  durationMs: number;
  clusterUpMs: number;
  runs: RunRecord[];
  faults: FaultRecord[];
  faultsByKind: Record<FaultKind, number>;
  workerDeaths: number;
  verdict: Verdict;
  lost: number;
  /** Extra completion time of runs in flight during a fault, over the same plan's time with no fault (ms). */
  extraMs: { affectedRuns: number; p50: number; p95: number };
  peakRss: { worker: number; server: number };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The time a run's plan needs at the least: its tools run in parallel within a turn, turns one after the other. */
function criticalPathMs(run: RunRecord): number {
  return run.plan.turns.reduce((sum, uses) => sum + Math.max(0, ...uses.map((u) => (u.input.seconds ?? 0) * 1000)), 0);
}

function extraTimes(runs: RunRecord[], faults: FaultRecord[]): SoakReport['extraMs'] {
  // Runs with a planned cancel or fork are left out: their extra time is the user's, not a fault's.
  const plain = runs.filter((r) => r.outcome === 'completed' && r.plan.cancelAfterMs === undefined && !r.forkRunId);
  const hit = (r: RunRecord): boolean => faults.some((f) => f.at <= r.endedAt && f.recoveredAt >= r.startedAt);
  const overhead = (r: RunRecord): number => r.endedAt - r.startedAt - criticalPathMs(r);
  const calm = plain.filter((r) => !hit(r)).map(overhead).sort((a, b) => a - b);
  const base = percentile(calm, 50);
  const extra = plain.filter(hit).map((r) => Math.max(0, overhead(r) - base)).sort((a, b) => a - b);
  return { affectedRuns: extra.length, p50: percentile(extra, 50), p95: percentile(extra, 95) };
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? ((m: string) => void process.stderr.write(`soak: ${m}\n`));
  const seed = options.seed ?? Date.now() % 1_000_000;
  const concurrency = options.concurrency ?? Math.max(4, options.workers * 4);
  const budgetMs = options.minutes * 60_000;
  // Plans are fixed by the seed up front; the fault schedule draws from its own generator.
  const plans = Array.from({ length: options.runs }, (_, i) => makePlan(i, rng(seed * 7919 + i)));
  const random = rng(seed ^ 0x5eed);
  const t0 = Date.now();
  const deadline = t0 + budgetMs;
  const dir = join(ROOT, '.data', `soak-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const sideEffectsFile = join(dir, 'side-effects.jsonl');
  const taskQueue = `soak-${process.pid}`;
  const { fastTool, slowTool, approvedTool } = crashTools(() => {
    throw new Error('tools run in the worker processes, never in the soak process');
  });

  log(`seed ${seed}: ${options.runs} runs, ${options.workers} workers, ${options.minutes} min; cluster in ${dir}`);
  const cluster = await loopbackCluster(join(dir, 'cluster'));
  const fake = await FakeAnthropicServer.start({ responder: soakResponder, latencyMs: 20 });
  const pool = new WorkerPool({ count: options.workers, address: cluster.address, taskQueue, anthropicUrl: fake.url, sideEffectsFile });
  let serverPeak = 0;
  const sampleServers = (): void => {
    for (const pid of cluster.serverPids()) serverPeak = Math.max(serverPeak, peakRss(pid) ?? 0);
  };
  let done = false;
  const sampler = (async () => {
    while (!done) {
      pool.sampleRss();
      sampleServers();
      await sleep(2_000);
    }
  })();

  try {
    await workflowBundle(); // bundled once; every worker process reads the cached bundle
    await cluster.up();
    const clusterUpMs = Date.now() - t0;
    log(`cluster up in ${(clusterUpMs / 1000).toFixed(1)} s at ${cluster.address}`);
    await pool.start();
    log(`${options.workers} workers polling ${taskQueue}`);

    const start = Date.now();
    const remaining = deadline - start;
    const startWindow = remaining * 0.45;
    const faultsUntil = start + remaining * 0.6;
    const spacing = startWindow / options.runs;
    // Every kind at least once while runs are still being started: the first round ends within the start window.
    const faultInterval = Math.min(30_000, Math.max(6_000, startWindow / (FAULT_KINDS.length + 1)));
    const heldKeys = new Set(plans.flatMap((p) => p.turns.flat().filter((u) => u.input.holdSeconds).map((u) => u.input.key)));
    const faulting = injectFaults({ cluster, pool, random, until: faultsUntil, intervalMs: faultInterval, heldKeys, log }, () => done);

    const ctx = { address: cluster.address, taskQueue, tools: [fastTool, slowTool, approvedTool], log };
    const records: Promise<RunRecord>[] = [];
    let inFlight = 0;
    for (let i = 0; i < options.runs && Date.now() < deadline; i++) {
      const due = start + i * spacing;
      while ((Date.now() < due || inFlight >= concurrency) && Date.now() < deadline) await sleep(50);
      const plan = plans[i]!;
      inFlight++;
      records.push(
        driveRun(ctx, plan, `soak-${process.pid}-${plan.tag}`, deadline).finally(() => {
          inFlight--;
        }),
      );
      if ((i + 1) % 25 === 0) log(`${i + 1} runs started, ${inFlight} in flight`);
    }
    const runs = await Promise.all(records);
    done = true;
    const faults = await faulting;
    log(`all runs ended ${((Date.now() - start) / 1000).toFixed(0)} s after the first start; verifying`);

    const client = await getClient({ address: cluster.address });
    const verdict = await verify({ client, taskQueue, runs, requests: fake.requests, sideEffects: readSideEffects(sideEffectsFile), deaths: pool.deaths });
    const faultsByKind = Object.fromEntries(FAULT_KINDS.map((k) => [k, faults.filter((f) => f.kind === k).length])) as Record<FaultKind, number>;
    return {
      options: { runs: options.runs, workers: options.workers, minutes: options.minutes, seed, concurrency },
      durationMs: Date.now() - t0,
      clusterUpMs,
      runs,
      faults,
      faultsByKind,
      workerDeaths: pool.deaths.length,
      verdict,
      lost: runs.filter((r) => r.outcome !== 'completed').length,
      extraMs: extraTimes(runs, faults),
      peakRss: { worker: pool.peakRss, server: serverPeak },
    };
  } finally {
    done = true;
    await sampler;
    await pool.stop().catch(() => undefined);
    await killAllWorkerProcesses();
    await closeConnections();
    await fake.close();
    await cluster.down().catch((err: unknown) => log(`cluster down failed: ${String(err)}`));
    if (!process.env.SOAK_KEEP) rmSync(dir, { recursive: true, force: true });
  }
}

const mib = (n: number): string => `${Math.round(n / 1024 / 1024)} MiB`;
const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The soak's table (Markdown), as the README shows it. */
export function soakTable(report: SoakReport): string {
  const v = report.verdict;
  const kinds = Object.entries(report.faultsByKind).map(([k, n]) => `${k} ${n}`).join(', ');
  const explained = `worker death ${v.duplicatesExplained.workerDeath}, retry after timeout/failure ${v.duplicatesExplained.retry}, cancel ${v.duplicatesExplained.cancel}`;
  const rows: [string, string][] = [
    ['runs (completed / started)', `${v.runsCompleted} / ${report.runs.length} (+ ${v.forksCompleted} forks; ${report.runs.filter((r) => r.cancelled).length} cancelled and continued; ${report.runs.reduce((n, r) => n + r.approvals, 0)} approvals)`],
    ['faults injected', `${report.faults.length}: ${kinds}`],
    ['lost runs', String(report.lost)],
    ['client calls retried after a fault', String(report.runs.reduce((n, r) => n + r.clientRetries, 0))],
    ['left running after the faults stopped', String(v.stillRunning)],
    ['steps completed more than once in history', String(v.violations.filter((m) => /completed \d+ times in history/.test(m)).length)],
    ['model requests / repeated after a fault or cancel (each a recorded attempt)', `${v.modelRequests} / ${v.modelRequestsRepeated}`],
    ['completed model turns requested again', String(v.violations.filter((m) => /requested again/.test(m)).length)],
    ['tool executions started / cut mid-run by a cancel or a worker death (then run again)', `${v.toolStarts} / ${v.toolCut}`],
    ['tool completions in history / duplicate executions (at-least-once)', `${v.toolCompletions} / ${v.duplicateExecutions} (${explained})`],
    ['unexplained duplicates', String(v.violations.filter((m) => /unexplained/.test(m)).length)],
    ['activity retries by cause', Object.entries(v.retryCauses).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'],
    ['extra completion time from faults, p50 / p95', `${sec(report.extraMs.p50)} / ${sec(report.extraMs.p95)} (${report.extraMs.affectedRuns} runs in flight during a fault)`],
    ['peak RSS: one worker / one Temporal server process', `${mib(report.peakRss.worker)} / ${mib(report.peakRss.server)}`],
    ['violations', String(v.violations.length)],
    ['took', `${sec(report.durationMs)} (cluster up ${sec(report.clusterUpMs)}), seed ${report.options.seed}`],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  return [`| ${'metric'.padEnd(w)} | value |`, `|${'-'.repeat(w + 2)}|-------|`, ...rows.map(([k, val]) => `| ${k.padEnd(w)} | ${val} |`)].join('\n');
}
