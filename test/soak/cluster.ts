// A cluster of its own for the soak and the benchmark, run by scripts/cluster.sh (the same script users run) in a
// folder and on free ports of its own (no UI, no workers: the caller starts those):
// up and down, the fault injections the script offers, and the servers' memory.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../helpers/servers.js';

const run = promisify(execFile);
const SCRIPT = join(ROOT, 'scripts/cluster.sh');
/** cluster.sh uses CLUSTER_PORT + 0..39. */
const PORT_SPAN = 40;

export interface ClusterHandle {
  dir: string;
  /** Server 1's frontend: what clients and workers are given. */
  address: string;
  servers: number;
  up(): Promise<void>;
  down(): Promise<void>;
  killServer(n: number): Promise<void>;
  startServer(n: number): Promise<void>;
  restartPostgres(): Promise<void>;
  /** The pid of each live Temporal server process (from cluster.sh's pid files). */
  serverPids(): number[];
}

async function portFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port with PORT_SPAN free ports above it, then a free port for PostgreSQL and one for the Web UI. */
export async function freeRange(): Promise<{ base: number; pg: number; ui: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below 32768: Temporal's cluster_membership table keeps ports in a smallint (and the kernel's ephemeral range starts there).
    const base = 20_000 + Math.floor(Math.random() * 120) * 100;
    const ports = Array.from({ length: PORT_SPAN + 2 }, (_, i) => base + i);
    const free = await Promise.all(ports.map(portFree));
    if (free.every(Boolean)) return { base, pg: base + PORT_SPAN, ui: base + PORT_SPAN + 1 };
  }
  throw new Error('no free range of ports for the soak cluster');
}

export async function loopbackCluster(dir: string): Promise<ClusterHandle> {
  const { base, pg } = await freeRange();
  const env = {
    ...process.env,
    CLUSTER_DIR: dir,
    CLUSTER_PORT: String(base),
    CLUSTER_PG_PORT: String(pg),
    CLUSTER_UI_PORT: '0',
    CLUSTER_WORKERS: '0',
  };
  const sh = async (...args: string[]): Promise<void> => {
    try {
      await run('bash', [SCRIPT, ...args], { env, cwd: ROOT, maxBuffer: 16 * 1024 * 1024, timeout: 600_000 });
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string; message: string };
      throw new Error(`cluster.sh ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  };
  return {
    dir,
    address: `127.0.0.1:${base}`,
    servers: 2,
    up: () => sh('up'),
    down: () => sh('down'),
    killServer: (n) => sh('server-kill', String(n)),
    startServer: (n) => sh('server-start', String(n)),
    restartPostgres: () => sh('postgres-restart'),
    serverPids() {
      const pids: number[] = [];
      for (let n = 1; n <= 2; n++) {
        const file = join(dir, 'run', `server-${n}.pid`);
        if (existsSync(file)) pids.push(Number(readFileSync(file, 'utf8').trim()));
      }
      return pids;
    },
  };
}

/** Peak resident memory (VmHWM) of a live process, in bytes; undefined once it is gone. */
export function peakRss(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}
