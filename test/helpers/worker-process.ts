// A durable-agent worker in its own OS process (test/fixtures/crash-worker.ts), so a test can SIGKILL it mid-step,
// plus the side-effect log its tools write and a few bounded waits.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ROOT } from './servers.js';

export { freePort } from './servers.js';

/** One line of the side-effect log: a tool started or completed, in which attempt, in which worker process. */
export interface SideEffect {
  event: 'start' | 'complete';
  tool: string;
  key: string;
  attempt: number;
  pid: number;
  /** Epoch ms when the line was written. */
  at?: number;
}

export interface WorkerProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves with the exit code/signal once the process is gone. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the process printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGKILL: no shutdown hook, no graceful drain, exactly like a crashed host. Resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM: the worker shuts down gracefully (as `durable-agent worker` does). Resolves with how it exited. */
  terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const ENTRY = fileURLToPath(new URL('../fixtures/crash-worker.ts', import.meta.url));
const live = new Set<WorkerProcess>();

export interface WorkerProcessOptions {
  address: string;
  taskQueue: string;
  anthropicUrl: string;
  sideEffectsFile: string;
  /** How long the process may take to start polling (tsx + worker start on a busy 2-core machine). */
  readyTimeoutMs?: number;
}

export async function spawnWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', ENTRY, options.address, options.taskQueue, options.anthropicUrl, options.sideEffectsFile],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } },
  );
  let text = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  if (child.pid === undefined) throw new Error(`could not spawn the worker process: ${text}`);
  const pid = child.pid;
  const proc: WorkerProcess = {
    pid,
    child,
    exited,
    output: () => text,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      live.delete(proc);
    },
    async terminate() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const how = await exited;
      live.delete(proc);
      return how;
    },
  };
  live.add(proc);
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const deadline = Date.now() + readyTimeoutMs;
  while (!text.includes(`ready ${pid}`)) {
    if (child.exitCode !== null || child.signalCode !== null) {
      live.delete(proc);
      throw new Error(`worker process exited before it was ready (${child.exitCode ?? child.signalCode}):\n${text}`);
    }
    if (Date.now() > deadline) {
      await proc.kill();
      throw new Error(`worker process not ready after ${readyTimeoutMs} ms:\n${text}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return proc;
}

/** For `after` hooks: SIGKILLs every worker process this module started that is still alive. */
export async function killAllWorkerProcesses(): Promise<void> {
  await Promise.all([...live].map((p) => p.kill()));
}

export function readSideEffects(file: string): SideEffect[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as SideEffect);
}

export function sideEffectsOf(file: string, key: string, event?: SideEffect['event']): SideEffect[] {
  return readSideEffects(file).filter((e) => e.key === key && (event === undefined || e.event === event));
}

/** Rejects with `what` if `promise` has not settled within `timeoutMs`: a stuck run fails the test instead of hanging. */
export async function withDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
