// MCP cancel latency: cancelRun() → the MCP server (a real stdio process, test/fixtures/mcp-server.ts) records the
// notifications/cancelled of the tools/call it is serving, for a call blocked for 10 s. Its own worker on its own task
// queue (with the server in `mcpServers`), default settings (activity heartbeat every 200 ms).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectMcpServer } from '../src/tools/mcp-tools.js';
import { Agent } from '../src/client/agent.js';
import { cancelRun } from '../src/client/run-control.js';
import { Task } from '../src/client/task.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/fake-anthropic/index.js';
import { RunStatus } from '../src/core/types.js';
import { ROOT } from '../test/helpers/servers.js';
import { sectionWorker, waitUntil, type BenchContext, type SectionResult } from './context.js';
import { ms, summarise } from './stats.js';

/** About a heartbeat (200 ms) plus the cancel's trip through Temporal and the MCP notification: as for a local tool. */
const CANCEL_REACHES_SERVER_GOAL_MS = 750;

interface ServerEvent {
  event: string;
  text?: string;
  at: number;
}

function eventsOf(log: string): ServerEvent[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as ServerEvent);
}

export async function mcpSection(ctx: BenchContext): Promise<SectionResult> {
  const trials = ctx.quick ? 5 : 30;
  const dir = mkdtempSync(join(tmpdir(), 'durable-agent-bench-mcp-'));
  const log = join(dir, 'server.log');
  const server = await connectMcpServer({ command: process.execPath, args: ['--import', 'tsx', 'test/fixtures/mcp-server.ts', '--log', log], cwd: ROOT });
  const taskQueue = `${ctx.taskQueue}-mcp`;
  const latencies: number[] = [];
  try {
    const worker = await sectionWorker(ctx, taskQueue, { mcpServers: [server] });
    await worker.runUntil(async () => {
      for (let i = 0; i < trials; i++) {
        const text = `trial-${i}`;
        ctx.fake.setResponder(scriptedResponder([toolTurn([{ name: 'slow_echo', input: { text, ms: 10_000 } }]), textTurn('echoed')]));
        const agent = new Agent('anthropic/claude-sonnet-4-6', { client: ctx.client, taskQueue });
        const pending = agent.do(new Task({ description: `echo ${text}`, tools: server.tools() }));
        await waitUntil(() => eventsOf(log).some((e) => e.event === 'call' && e.text === text), 'the MCP server to get the call');
        // Land the cancel at a random phase of the 200 ms heartbeat timer.
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
        // The server stamps its log with the wall clock (same machine), so this side does too.
        const t0 = Date.now();
        await cancelRun(agent.runId!, { client: ctx.client });
        const output = await pending;
        if (output.status !== RunStatus.cancelled) throw new Error(`mcp trial ${i}: run ended ${output.status}, expected cancelled`);
        await waitUntil(() => eventsOf(log).some((e) => e.event === 'cancelled' && e.text === text), 'the MCP server to record the cancellation', 5000);
        latencies.push(eventsOf(log).find((e) => e.event === 'cancelled' && e.text === text)!.at - t0);
      }
    });
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const s = summarise(latencies);
  ctx.log(`mcp: ${trials} cancel trials done`);
  return {
    rows: [
      {
        section: 'mcp',
        metric: 'cancelRun → MCP server records notifications/cancelled (stdio, p95)',
        goal: `≤ ${CANCEL_REACHES_SERVER_GOAL_MS} ms`,
        measured: `p50 ${ms(s.p50)} · p95 ${ms(s.p95)} · max ${ms(s.max)} (n=${s.n})`,
        pass: s.p95 <= CANCEL_REACHES_SERVER_GOAL_MS,
      },
    ],
    data: { cancelReachesServerMs: s },
  };
}
