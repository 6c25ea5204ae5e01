// MCP tools against real MCP server processes (test/fixtures/mcp-server.ts, the SDK's McpServer): one over stdio, one
// over Streamable HTTP on 127.0.0.1. Their slow tool joins a task like any other tool; a cancel mid-call reaches the
// server as notifications/cancelled; continue makes the call once more and repeats nothing completed; a server that
// dies mid-call is reconnected and the call sent again; a tool whose schema changed between cut and continue fails
// the continuation with ToolMismatchError.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { textTurn, toolTurn, type RecordedRequest } from '../src/testing/index.js';
import { connectMcpServer, type McpToolServer, cancelRun, Task, FailureTypes } from '../src/index.js';
import { cliEnv, finished, killCliProcesses, startCli } from './helpers/cli-process.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { ROOT } from './helpers/servers.js';

const FIXTURE = 'test/fixtures/mcp-server.ts';
const dir = mkdtempSync(join(tmpdir(), 'durable-agent-mcp-'));
let h: Harness;
let stdio: McpToolServer;
let http: McpToolServer;
let fragile: McpToolServer;

interface LogEvent {
  event: 'start' | 'call' | 'cancelled' | 'done' | 'dying' | 'schema-changed';
  pid: number;
  at: number;
  call?: number;
  text?: string;
  reason?: string;
  idempotencyKey?: string;
}

function events(log: string): LogEvent[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogEvent);
}

const fixtureCommand = (...args: string[]) => ({ command: process.execPath, args: ['--import', 'tsx', FIXTURE, ...args], cwd: ROOT });

/** `call <tool> <text> <ms>`: the model calls that tool once, then answers with the result it got. */
function responder(request: RecordedRequest) {
  const last = request.body.messages.at(-1);
  if (Array.isArray(last?.content)) {
    const result = last.content.find((b) => b.type === 'tool_result');
    if (result?.type === 'tool_result') return textTurn(`got ${typeof result.content === 'string' ? result.content : JSON.stringify(result.content)}`);
  }
  const task = request.body.messages[0]?.content;
  const [, name, text, ms] = /^call (\S+) (\S+) (\d+)$/.exec(typeof task === 'string' ? task : '') ?? [];
  return name ? toolTurn([{ name, input: { text, ms: Number(ms) } }]) : textTurn('nothing to do');
}

function requestsOf(task: string): RecordedRequest[] {
  return h.fake.requests.filter((r) => r.body.messages[0]?.content === task);
}

/** An HTTP fixture server on a fixed port, started again whenever it exits (until `stop`), or not (`down`). */
class HttpFixture {
  private child: ChildProcess | undefined;
  private stopped = false;
  url = '';

  constructor(
    private readonly args: string[],
    private port = 0,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, '--http', '--port', String(this.port), ...this.args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    this.child = child;
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', () => {
      if (!this.stopped && this.child === child) void this.start();
    });
    await waitFor(() => /listening (\S+)/.test(out), 'the HTTP MCP server to listen', 30_000);
    this.url = /listening (\S+)/.exec(out)![1]!;
    this.port = Number(new URL(this.url).port);
  }

  /** Stops it for good (until start() again). */
  async down(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await exited;
  }
}

let webFixture: HttpFixture;
let phoenixFixture: HttpFixture;
let phoenix: McpToolServer;
let phoenixOnce: McpToolServer;

before(async () => {
  stdio = await connectMcpServer(fixtureCommand('--log', join(dir, 'stdio.log')), { name: 'stdio-fixture' });
  webFixture = new HttpFixture(['--log', join(dir, 'http.log')]);
  await webFixture.start();
  http = await connectMcpServer({ url: webFixture.url }, { prefix: 'web_' });
  fragile = await connectMcpServer(fixtureCommand('--log', join(dir, 'fragile.log'), '--die-once', join(dir, 'died')), { prefix: 'fragile_' });
  // An HTTP server that dies in its first call and is started again on the same port by its supervisor.
  phoenixFixture = new HttpFixture(['--log', join(dir, 'phoenix.log'), '--die-once', join(dir, 'phoenix-died')]);
  await phoenixFixture.start();
  phoenix = await connectMcpServer({ url: phoenixFixture.url }, { prefix: 'phoenix_', callAttempts: 8, reconnectDelayMs: 300 });
  // The same server, tried once per activity attempt: when it is down, Temporal retries the activity.
  phoenixOnce = await connectMcpServer({ url: phoenixFixture.url }, { prefix: 'once_', callAttempts: 1, maxAttempts: 5 });
  h = await startHarness({ worker: { mcpServers: [stdio, http, fragile, phoenix, phoenixOnce] } });
  h.fake.setResponder(responder);
});
after(async () => {
  killCliProcesses();
  await h?.close();
  await Promise.all([stdio?.close(), http?.close(), fragile?.close(), phoenix?.close(), phoenixOnce?.close()]);
  await Promise.all([webFixture?.down(), phoenixFixture?.down()]);
  rmSync(dir, { recursive: true, force: true });
});

async function cancelMidCallThenContinue(server: McpToolServer, tool: string, log: string): Promise<void> {
  const description = `call ${tool} hello-${tool} 2500`;
  const agent = h.agent();
  const handle = await agent.start(new Task({ description, tools: server.tools() }));
  await waitFor(() => events(log).some((e) => e.event === 'call' && e.text === `hello-${tool}`), 'the server to get the call', 30_000);
  const cancelledAt = Date.now();
  const cancelled = await cancelRun(handle.runId, { client: h.client, wait: true });
  assert.equal(cancelled.status, 'cancelled');
  await waitFor(() => events(log).some((e) => e.event === 'cancelled' && e.text === `hello-${tool}`), 'the server to record the cancellation', 10_000);
  const seen = events(log).find((e) => e.event === 'cancelled' && e.text === `hello-${tool}`)!;
  // Measured, not a goal (timing goals live in the benchmark): the worker heartbeats every 200 ms.
  console.log(`${tool}: cancellation reached the MCP server ${seen.at - cancelledAt} ms after cancelRun`);
  assert.match(seen.reason ?? '', /cancel/i);

  const output = await agent.continueRun({ runId: handle.runId });
  assert.equal(output.status, 'completed', JSON.stringify(output.error));
  assert.equal(output.output, `got echo: hello-${tool}`);
  const mine = events(log).filter((e) => e.text === `hello-${tool}`);
  // The call was made once more (the cut one, then the continuation's), and completed once.
  assert.deepEqual(mine.map((e) => e.event), ['call', 'cancelled', 'call', 'done']);
  // Both calls carried the call's idempotency key in `_meta`, the same one: the server can apply the repeat once.
  const keys = mine.filter((e) => e.event === 'call').map((e) => e.idempotencyKey);
  assert.match(keys[0] ?? '', /^[0-9a-f]{32}$/);
  assert.equal(keys[1], keys[0]);
  // Nothing completed was repeated: the model's first turn was asked once, the turn after the tool once.
  assert.deepEqual(requestsOf(description).map((r) => r.turn), [0, 1]);
  assert.deepEqual(output.stepResults.map((s) => `${s.name} ${s.status} ${s.execution}`), [
    'model completed 1',
    `tool:${tool} cancelled 1`,
    `tool:${tool} completed 2`,
    'model completed 2',
  ]);
}

/** The server's process dies during the call; the call is sent again to its next process and completes. */
async function callSurvivesServerDeath(server: McpToolServer, tool: string, text: string, log: string): Promise<void> {
  const output = await h.agent().do(new Task({ description: `call ${tool} ${text} 300`, tools: server.tools() }));
  assert.equal(output.status, 'completed', JSON.stringify(output.error));
  assert.equal(output.output, `got echo: ${text}`);
  const mine = events(log).filter((e) => e.text === text);
  assert.deepEqual(mine.map((e) => e.event), ['call', 'dying', 'call', 'done']);
  assert.notEqual(mine[0]!.pid, mine[2]!.pid, 'the second call went to a new server process');
  // One activity attempt: the reconnect happened inside the call, by the server's callAttempts policy.
  assert.equal(output.stepResults.find((s) => s.name === `tool:${tool}`)?.attempts, 1);
}

describe('MCP tools', () => {
  test('stdio: the agent calls the slow tool; a cancel mid-call reaches the server; continue calls it once more', async () => {
    assert.deepEqual(stdio.tools().map((t) => t.name), ['slow_echo']);
    await cancelMidCallThenContinue(stdio, 'slow_echo', join(dir, 'stdio.log'));
  });

  test('Streamable HTTP: the same, with a server on 127.0.0.1', async () => {
    assert.deepEqual(http.tools().map((t) => t.name), ['web_slow_echo']);
    await cancelMidCallThenContinue(http, 'web_slow_echo', join(dir, 'http.log'));
  });

  test('a server that dies mid-call is started again and the call sent again', async () => {
    await callSurvivesServerDeath(fragile, 'fragile_slow_echo', 'survive', join(dir, 'fragile.log'));
  });

  test('an HTTP server that dies mid-call is reached again once it is back, and the call sent again', async () => {
    await callSurvivesServerDeath(phoenix, 'phoenix_slow_echo', 'rise', join(dir, 'phoenix.log'));
  });

  test('a server out of reach fails the attempt, and Temporal retries the activity by the tool policy', async () => {
    await phoenixFixture.down();
    const agent = h.agent();
    const pending = agent.do(new Task({ description: 'call once_slow_echo again 100', tools: phoenixOnce.tools() }));
    await waitFor(async () => {
      if (!agent.runId) return false;
      // The run id is set before the start is sent: the run may not exist yet.
      const described = await h.client.workflow.getHandle(agent.runId).describe().catch(() => undefined);
      return (described?.raw.pendingActivities ?? []).some((a) => a.activityType?.name === 'callTool' && (a.attempt ?? 0) >= 2);
    }, 'the tool activity to be retried', 30_000);
    await phoenixFixture.start();
    const output = await pending;
    assert.equal(output.status, 'completed', JSON.stringify(output.error));
    assert.equal(output.output, 'got echo: again');
    assert.ok((output.stepResults.find((s) => s.name === 'tool:once_slow_echo')?.attempts ?? 0) >= 2);
  });

  test("a tool whose schema changed between cut and continue fails the continuation with ToolMismatchError", async () => {
    const log = join(dir, 'stdio.log');
    const description = 'call slow_echo changing 5000';
    const agent = h.agent();
    const handle = await agent.start(new Task({ description, tools: stdio.tools() }));
    await waitFor(() => events(log).some((e) => e.event === 'call' && e.text === 'changing'), 'the server to get the call', 30_000);
    await cancelRun(handle.runId, { client: h.client, wait: true });
    // The server changes the tool's input schema and announces it (tools/list_changed): the worker's list follows.
    process.kill(stdio.pid!, 'SIGUSR2');
    await waitFor(() => JSON.stringify(stdio.tool('slow_echo')?.inputSchema).includes('loud'), 'the worker to see the new schema', 10_000);
    const output = await agent.continueRun({ runId: handle.runId });
    assert.equal(output.status, 'error');
    assert.equal(output.error?.name, FailureTypes.toolMismatch);
    assert.match(output.error?.message ?? '', /slow_echo.*input schema/);
    assert.equal(events(log).filter((e) => e.text === 'changing' && e.event === 'call').length, 1, 'the continuation made no call');
  });
  test('the CLI: a --tools module that connects an MCP server; the worker serves its tools, run puts them in the task', async () => {
    const log = join(dir, 'cli.log');
    const module = join(dir, 'cli-tools.mts');
    writeFileSync(
      module,
      `import { connectMcpServer } from ${JSON.stringify(join(ROOT, 'src/tools/mcp-tools.ts'))};\n` +
        `export const echo = await connectMcpServer(${JSON.stringify(fixtureCommand('--log', log))}, { prefix: 'cli_' });\n`,
    );
    const env = { ...cliEnv(h.env, `cli-mcp-${process.pid}`), ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: h.fake.url };
    const worker = startCli(env, ['worker', '--tools', module]);
    await waitFor(() => worker.stdout().includes('worker: task queue'), 'the CLI worker to start', 60_000).catch((err: unknown) => {
      throw new Error(`${String(err)}; worker said: ${worker.stdout()}${worker.stderr()}`);
    });
    assert.match(worker.stdout(), /tools: none of its own; MCP servers: \S+ \(cli_slow_echo\)/);
    const ran = await finished(startCli(env, ['run', 'call cli_slow_echo from-cli 10', '--tools', module]));
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stdout, /output: got echo: from-cli/);
    // The worker's server made the call; the run process only listed the tools and closed its connection.
    const calls = events(log).filter((e) => e.event === 'call' && e.text === 'from-cli');
    assert.equal(calls.length, 1);
    const starts = events(log).filter((e) => e.event === 'start').map((e) => e.pid);
    assert.equal(starts.length, 2, 'one server process for the worker, one for the run command');
    assert.equal(calls[0]!.pid, starts[0], 'the call went to the worker\'s server');
    process.kill(worker.pid, 'SIGTERM');
    assert.equal(await worker.exit, 0, worker.stderr());
  });
});
