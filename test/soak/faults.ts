// The soak's fault schedule and the workers it kills: SIGKILL and SIGTERM of a worker (another one is started in its
// place at once), SIGKILL of a Temporal server process and its restart, a PostgreSQL restart. Every fault is logged
// with its time, and every worker death with the pid that died, so the checks can tell an explained duplicate from a
// lost guarantee.
import { readSideEffects, spawnWorkerProcess, type WorkerProcess } from '../helpers/worker-process.js';
import { peakRss, type ClusterHandle } from './cluster.js';

export const FAULT_KINDS = ['worker-sigkill', 'worker-sigterm', 'server-sigkill', 'postgres-restart'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRecord {
  kind: FaultKind;
  at: number;
  /** When the system was whole again (the replacement worker polling, the server SERVING, PostgreSQL accepting). */
  recoveredAt: number;
  detail: string;
}

export interface WorkerDeath {
  pid: number;
  at: number;
  how: 'SIGKILL' | 'SIGTERM';
}

export interface WorkerPoolOptions {
  count: number;
  address: string;
  taskQueue: string;
  anthropicUrl: string;
  sideEffectsFile: string;
}

/** W worker processes (test/fixtures/crash-worker.ts, through the shared helper); a killed one is replaced. */
export class WorkerPool {
  readonly workers: WorkerProcess[] = [];
  readonly deaths: WorkerDeath[] = [];
  peakRss = 0;

  constructor(private readonly options: WorkerPoolOptions) {}

  async start(): Promise<void> {
    for (let i = 0; i < this.options.count; i++) this.workers.push(await this.spawn());
  }

  private spawn(): Promise<WorkerProcess> {
    const { address, taskQueue, anthropicUrl, sideEffectsFile } = this.options;
    return spawnWorkerProcess({ address, taskQueue, anthropicUrl, sideEffectsFile, readyTimeoutMs: 120_000 });
  }

  sampleRss(): void {
    for (const w of this.workers) this.peakRss = Math.max(this.peakRss, peakRss(w.pid) ?? 0);
  }

  /**
   * The worker that most recently finished a held tool's side effect and is still holding it (see plan.ts): killing it
   * now makes Temporal run that tool again elsewhere. Waits up to `waitMs` for one; undefined if none came.
   */
  async holdingWorker(heldKeys: ReadonlySet<string>, waitMs: number): Promise<number | undefined> {
    const until = Date.now() + waitMs;
    while (Date.now() < until) {
      const recent = readSideEffects(this.options.sideEffectsFile)
        .filter((e) => e.event === 'complete' && heldKeys.has(e.key) && Date.now() - (e.at ?? 0) < 1_000)
        .at(-1);
      const index = recent ? this.workers.findIndex((w) => w.pid === recent.pid) : -1;
      if (index >= 0) return index;
      await new Promise((r) => setTimeout(r, 25));
    }
    return undefined;
  }

  /** Kills one worker (SIGKILL: a crashed host; SIGTERM: a graceful stop) and starts its replacement. */
  async replace(index: number, how: WorkerDeath['how']): Promise<string> {
    const victim = this.workers[index];
    if (!victim) throw new Error(`no worker ${index}`);
    this.sampleRss();
    const at = Date.now();
    if (how === 'SIGKILL') await victim.kill();
    else await victim.terminate();
    this.deaths.push({ pid: victim.pid, at, how });
    this.workers[index] = await this.spawn();
    return `worker pid ${victim.pid} (${how}), replaced by pid ${this.workers[index].pid}`;
  }

  async stop(): Promise<void> {
    this.sampleRss();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export interface FaultInjectorOptions {
  cluster: ClusterHandle;
  pool: WorkerPool;
  random: () => number;
  /** Faults are injected from the start until this time (epoch ms), one every `intervalMs`. */
  until: number;
  intervalMs: number;
  /** Keys of tools that work on after their side effect: a worker SIGKILL aims at one of those when it can. */
  heldKeys: ReadonlySet<string>;
  log(message: string): void;
}

/** Runs the schedule: kinds in shuffled rounds (every kind once per round), until `until`. */
export async function injectFaults(options: FaultInjectorOptions, stopped: () => boolean): Promise<FaultRecord[]> {
  const { cluster, pool, random, log } = options;
  const records: FaultRecord[] = [];
  let round: FaultKind[] = [];
  const maxFaults = Math.ceil((options.until - Date.now()) / options.intervalMs) + 1;
  for (let i = 0; i < maxFaults; i++) {
    const waitUntil = Date.now() + options.intervalMs;
    while (Date.now() < waitUntil && !stopped()) await new Promise((r) => setTimeout(r, 200));
    if (stopped() || Date.now() >= options.until) break;
    if (round.length === 0) round = [...FAULT_KINDS].sort(() => random() - 0.5);
    const kind = round.shift()!;
    const at = Date.now();
    let detail: string;
    switch (kind) {
      case 'worker-sigkill': {
        // Aimed, when a held tool is in flight: right after its side effect, before its completion reaches Temporal.
        const aimed = await pool.holdingWorker(options.heldKeys, 10_000);
        const index = aimed ?? Math.floor(random() * pool.workers.length);
        detail = `${await pool.replace(index, 'SIGKILL')}${aimed === undefined ? '' : ', just after a tool\'s side effect'}`;
        break;
      }
      case 'worker-sigterm':
        detail = await pool.replace(Math.floor(random() * pool.workers.length), 'SIGTERM');
        break;
      case 'server-sigkill': {
        // Server 2: clients and workers reach the cluster through server 1's frontend (see README); server 2 owns
        // half of the history shards and task queue partitions, so its death is felt by runs in flight.
        const n = cluster.servers;
        await cluster.killServer(n);
        await new Promise((r) => setTimeout(r, 2_000));
        await cluster.startServer(n);
        detail = `server ${n} SIGKILLed, restarted`;
        break;
      }
      case 'postgres-restart':
        await cluster.restartPostgres();
        detail = 'pg_ctl restart -m fast';
        break;
    }
    records.push({ kind, at, recoveredAt: Date.now(), detail });
    log(`fault ${records.length}: ${kind}: ${detail} (${((Date.now() - at) / 1000).toFixed(1)} s)`);
  }
  return records;
}
