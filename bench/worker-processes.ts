// Worker processes for the sections that stop or cut a worker (handover, checkpoint): the crash-recovery tests' worker
// (test/fixtures/crash-worker.ts, whose tools log every start and completed unit with its time and pid) on a task
// queue of its own, reached through the bench's Temporal server and fake model.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '../src/client/agent.js';
import { crashTools } from '../test/fixtures/crash-tools.js';
import { killAllWorkerProcesses, readSideEffects, spawnWorkerProcess, type SideEffect, type WorkerProcess } from '../test/helpers/worker-process.js';
import type { BenchContext } from './context.js';

/** The bench process only names the tools in its Tasks; the worker processes run them. */
export const { unitsTool } = crashTools(() => {
  throw new Error('tools run in the worker processes, never in the bench process');
});

export interface WorkerScene {
  taskQueue: string;
  spawnWorker(): Promise<WorkerProcess>;
  agent(): Agent;
  /** The side-effect log of units_tool: `start` (key `<key>@<first unit>`) and `complete` (key `<key>#<unit>`). */
  units(event: SideEffect['event']): SideEffect[];
}

let scenes = 0;

/** Runs `body` with a fresh task queue and side-effect log; every worker process it spawned is gone afterwards. */
export async function withWorkerScene<T>(ctx: BenchContext, name: string, body: (scene: WorkerScene) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `durable-agent-bench-${name}-`));
  const sideEffects = join(dir, 'side-effects.jsonl');
  const taskQueue = `bench-${name}-${process.pid}-${++scenes}`;
  const scene: WorkerScene = {
    taskQueue,
    spawnWorker: () => spawnWorkerProcess({ address: ctx.address, taskQueue, anthropicUrl: ctx.fake.url, sideEffectsFile: sideEffects, readyTimeoutMs: 120_000 }),
    agent: () => new Agent('anthropic/claude-sonnet-4-6', { client: ctx.client, taskQueue }),
    units: (event) => readSideEffects(sideEffects).filter((e) => e.tool === 'units_tool' && e.event === event),
  };
  try {
    return await body(scene);
  } finally {
    await killAllWorkerProcesses();
    rmSync(dir, { recursive: true, force: true });
  }
}
