// Prometheus metrics of a worker started as users start it (`durable-agent worker --metrics-port N`, its own OS
// process): scraped during a run and after, the agent's counters move by exactly what the runs did (tokens by model
// and kind = RunOutput.usage, cost by model = its costUsd, steps by kind and outcome, cancels, cancel-to-stop latency, tool durations), next to
// Temporal's runtime metrics on the same endpoint.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { cancelRun, Task, RunStatus } from '../src/index.js';
import { exampleTools } from '../src/examples/tools.js';
import { AgentMetrics } from '../src/telemetry/attributes.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { scrape, total, type Sample } from './helpers/prometheus.js';
import { freePort, ROOT } from './helpers/servers.js';

const longRunningTask = exampleTools.find((t) => t.name === 'long_running_task')!;
const MODEL = 'claude-sonnet-4-6';

let h: Harness;
let worker: ChildProcess | undefined;
let output = '';
let metricsUrl = '';

before(async () => {
  h = await startHarness({ tools: exampleTools, noWorker: true });
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  worker = spawn(process.execPath, ['bin/durable-agent.js', 'worker', '--metrics-port', String(port)], {
    cwd: ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: h.env.address,
      DURABLE_AGENT_TASK_QUEUE: h.taskQueue,
      ANTHROPIC_API_KEY: 'test-key',
      ANTHROPIC_BASE_URL: h.fake.url,
      DURABLE_AGENT_CLI_SOURCE: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  worker.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  await waitFor(() => output.includes(`metrics: Prometheus on port ${port}`), `the worker to start:\n${output}`, 60_000);
});
after(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((resolve) => worker!.once('exit', resolve));
    worker.kill('SIGTERM');
    await exited;
  }
  await h?.close();
});

const steps = (s: Sample[], kind: string, outcome: string): number => total(s, AgentMetrics.steps, { kind, outcome });
const tokens = (s: Sample[], kind: string): number => total(s, AgentMetrics.tokens, { model: MODEL, kind });

describe('durable-agent worker --metrics-port', () => {
  test('counters move during a run and add up to what it did', async () => {
    const start = await scrape(metricsUrl);
    assert.ok(start.some((s) => s.name.startsWith('temporal_')), 'Temporal’s runtime metrics are on the same endpoint');
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'long_running_task', input: { seconds: 3 } }]), textTurn('Completed after 3 seconds.')]));
    const pending = h.agent().do(new Task({ description: 'Call long_running_task with 3 seconds.', tools: [longRunningTask] }));

    // Mid-run, while the tool sleeps: the first model turn is counted, the tool is not yet.
    let during: Sample[] = [];
    await waitFor(async () => {
      during = await scrape(metricsUrl);
      return steps(during, 'model', 'completed') - steps(start, 'model', 'completed') === 1;
    }, 'the first model step in the metrics');
    assert.equal(steps(during, 'tool', 'completed') - steps(start, 'tool', 'completed'), 0, 'the tool still runs');
    assert.ok(tokens(during, 'input') > tokens(start, 'input'), 'tokens counted as soon as the model call ends');

    const run = await pending;
    assert.equal(run.status, RunStatus.completed);
    let end: Sample[] = [];
    await waitFor(async () => {
      end = await scrape(metricsUrl);
      return steps(end, 'model', 'completed') - steps(start, 'model', 'completed') === 2;
    }, 'the second model step in the metrics');
    assert.equal(steps(end, 'tool', 'completed') - steps(start, 'tool', 'completed'), 1);
    assert.equal(tokens(end, 'input') - tokens(start, 'input'), run.usage.inputTokens, 'input tokens = RunOutput.usage');
    assert.equal(tokens(end, 'output') - tokens(start, 'output'), run.usage.outputTokens, 'output tokens = RunOutput.usage');
    // The spend: the cost histogram's sum moves by the run's cost (the worker's price table), one observation a call.
    const cost = (s: Sample[], suffix: string): number => total(s, `${AgentMetrics.cost}_${suffix}`, { model: MODEL });
    assert.ok(run.usage.costUsd! > 0);
    assert.ok(Math.abs(cost(end, 'sum') - cost(start, 'sum') - run.usage.costUsd!) < 1e-9, `cost sum = RunOutput.usage.costUsd (${run.usage.costUsd})`);
    assert.equal(cost(end, 'count') - cost(start, 'count'), 2);
    const toolRuns = (s: Sample[]): number => total(s, `${AgentMetrics.toolDuration}_count`, { tool: 'long_running_task', outcome: 'ok' });
    assert.equal(toolRuns(end) - toolRuns(start), 1);
    const slowBucket = (s: Sample[]): number => total(s, `${AgentMetrics.toolDuration}_bucket`, { tool: 'long_running_task', outcome: 'ok', le: '2500' });
    assert.equal(slowBucket(end) - slowBucket(start), 0, 'a 3 s tool call is not in the ≤ 2.5 s bucket');
    assert.ok(total(end, 'temporal_workflow_completed', { workflow_type: 'agentRun' }) >= 1);
  });

  test('a cancel: the cancels counter, a cancelled step, the cancel-to-stop latency', async () => {
    const start = await scrape(metricsUrl);
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'long_running_task', input: { seconds: 30 } }]), textTurn('never')]));
    const agent = h.agent();
    const pending = agent.do(new Task({ description: 'Call long_running_task with 30 seconds.', tools: [longRunningTask] }));
    await waitFor(async () => steps(await scrape(metricsUrl), 'model', 'completed') > steps(start, 'model', 'completed'), 'the model turn');
    await cancelRun(agent.runId!, { client: h.client });
    const run = await pending;
    assert.equal(run.status, RunStatus.cancelled);
    let end: Sample[] = [];
    await waitFor(async () => {
      end = await scrape(metricsUrl);
      return total(end, AgentMetrics.cancels) - total(start, AgentMetrics.cancels) === 1;
    }, 'the cancel in the metrics');
    assert.equal(steps(end, 'tool', 'cancelled') - steps(start, 'tool', 'cancelled'), 1);
    const latency = (s: Sample[], suffix: string): number => total(s, `${AgentMetrics.cancelToStop}_${suffix}`);
    assert.equal(latency(end, 'count') - latency(start, 'count'), 1, 'one cancel-to-stop observation');
    const ms = latency(end, 'sum') - latency(start, 'sum');
    assert.ok(ms >= 0 && ms < 10_000, `cancel-to-stop took ${ms} ms`);
    const cancelledTool = (s: Sample[]): number => total(s, `${AgentMetrics.toolDuration}_count`, { tool: 'long_running_task', outcome: 'cancelled' });
    assert.equal(cancelledTool(end) - cancelledTool(start), 1);
  });
});
