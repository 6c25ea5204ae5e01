// durable-agent inside a user's own Temporal app, as examples/order-workflow sets it up: a copy of that folder, whose
// files import 'durable-agent' and 'durable-agent/workflow' by name (resolved here to this repository's sources),
// runs on a plain Worker.create + DurableAgentPlugin against the real dev server and the fake Anthropic server.
// The order workflow runs its own activity → an agent run (a child workflow; its tool calls the service's code) →
// its own activity; cancelling the order cancels the agent's run, which another OS process later continues.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { Client, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { chromium, type Browser, type Page } from 'playwright-core';
import { z } from 'zod';
import { sleep, tool, getRunOutput, streamRun } from '../src/index.js';
import { FakeAnthropicServer, scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import { DurableAgentPlugin } from '../src/worker/index.js';
import { noopSinks } from '../src/worker/tracing.js';
import { historyFromFile, historyToFile } from './helpers/history-files.js';
import { finished, killCliProcesses, startCli } from './helpers/cli-process.js';
import { waitFor } from './helpers/harness.js';
import { freePort, ROOT, startLocal } from './helpers/servers.js';

const EXAMPLE = join(ROOT, 'examples', 'order-workflow');
const CHROMIUM = '/usr/bin/chromium';
/** Histories of user workflows that start and continue agent runs (replayed with the example's bundle, not the agent's). */
const IN_APP_HISTORIES = join(ROOT, 'test', 'histories', 'in-app');
const SHOTS = join(ROOT, '.artifacts', 'web-ui');

interface ExampleActivities {
  sideEffects: Array<{ activity: string; orderId: string; detail?: string }>;
  shippingStatus(input: { orderId: string }): Promise<string>;
}
interface ExampleWorker {
  createOrderWorker(options: { connection: unknown; taskQueue?: string; anthropic?: { baseURL: string; apiKey: string }; tools?: unknown[] }): Promise<Worker>;
}
interface ExampleStarter {
  placeOrder(client: Client, order: { id: string; item: string; quantity: number; customer: string }, taskQueue?: string): Promise<{ orderId: string; reservation: string; agentRunId: string; note: string }>;
}

const dir = mkdtempSync(join(tmpdir(), 'durable-agent-order-'));
const app = join(dir, 'app');
const taskQueue = `orders-${process.pid}`;
/** A second worker of the same example whose check_shipping the test can hold (the cancel tests' queue). */
const gatedQueue = `orders-gated-${process.pid}`;
let env: TestWorkflowEnvironment;
let fake: FakeAnthropicServer;
let client: Client;
let workers: Worker[] = [];
let running: Array<Promise<void>> = [];
let activities: ExampleActivities;
let starter: ExampleStarter;
let browser: Browser | undefined;
let uiUrl = '';

// The agent's tool as tools.ts defines it (same name and schema, calling the service's shippingStatus), held by the
// test while it cancels: started and completed are counted per order.
const gate = { hold: false };
const toolStarted = new Map<string, number>();
const toolCompleted = new Map<string, number>();
const bump = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);
const gatedCheckShipping = tool({
  name: 'check_shipping',
  description: 'Looks up the shipping status of an order.',
  input: z.object({ orderId: z.string() }),
  run: async ({ orderId }, { signal }) => {
    bump(toolStarted, orderId);
    while (gate.hold) await sleep(50, signal);
    const status = await activities.shippingStatus({ orderId });
    bump(toolCompleted, orderId);
    return status;
  },
});

/** The example's workflows bundled as a user bundles them: bundleWorkflowCode with the plugin. */
async function appBundle(): Promise<{ code: string }> {
  const quiet = (): void => undefined;
  const { code } = await bundleWorkflowCode({
    workflowsPath: join(app, 'workflows.ts'),
    plugins: [new DurableAgentPlugin({ tracing: false })],
    logger: { trace: quiet, debug: quiet, info: quiet, warn: console.warn, error: console.error, log: quiet },
  });
  return { code };
}

/** A fresh project holding a copy of the example; `durable-agent` there is this repository's sources. */
function makeApp(): void {
  mkdirSync(join(app, 'node_modules', 'durable-agent'), { recursive: true });
  for (const file of readdirSync(EXAMPLE)) if (file.endsWith('.ts')) cpSync(join(EXAMPLE, file), join(app, file));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'order-service', private: true, type: 'module' }));
  const pkg = join(app, 'node_modules', 'durable-agent');
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({ name: 'durable-agent', type: 'module', exports: { '.': './src/index.ts', './worker': './src/worker/index.ts', './workflow': './src/workflows/public-entry.ts', './testing': './src/testing/index.ts' } }),
  );
  symlinkSync(join(ROOT, 'src'), join(pkg, 'src'));
  symlinkSync(join(ROOT, 'node_modules', '@temporalio'), join(app, 'node_modules', '@temporalio'));
  symlinkSync(join(ROOT, 'node_modules', 'zod'), join(app, 'node_modules', 'zod'));
}

const importApp = async <T>(file: string): Promise<T> => (await import(pathToFileURL(join(app, file)).href)) as T;

function orderTask(orderId: string) {
  return (r: { body: { messages: Array<{ content: unknown }> } }) => JSON.stringify(r.body.messages[0]?.content ?? '').includes(`order ${orderId} `);
}

before(async () => {
  makeApp();
  const uiPort = existsSync(CHROMIUM) ? await freePort() : undefined;
  env = await startLocal(uiPort ? { uiPort } : {});
  uiUrl = uiPort ? `http://127.0.0.1:${uiPort}` : '';
  fake = await FakeAnthropicServer.start();
  fake.setResponder(
    scriptedResponder([toolTurn([{ name: 'check_shipping', input: { orderId: 'placeholder' } }]), textTurn('Your order ships tomorrow by ground.')]),
  );
  activities = await importApp<ExampleActivities>('activities.ts');
  starter = await importApp<ExampleStarter>('starter.ts');
  const { createOrderWorker } = await importApp<ExampleWorker>('worker.ts');
  const anthropic = { baseURL: fake.url, apiKey: 'test-key' };
  workers = [
    await createOrderWorker({ connection: env.nativeConnection, taskQueue, anthropic }),
    await createOrderWorker({ connection: env.nativeConnection, taskQueue: gatedQueue, anthropic, tools: [gatedCheckShipping] }),
  ];
  running = workers.map((w) => w.run());
  client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default', plugins: [new DurableAgentPlugin({ tracing: false })] });
  if (uiPort) {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    mkdirSync(SHOTS, { recursive: true });
  }
});

after(async () => {
  killCliProcesses();
  await browser?.close();
  for (const w of workers) w.shutdown();
  await Promise.allSettled(running);
  await fake?.close();
  await env?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

/** Polls the Web UI page until every pattern shows (Temporal's visibility may lag a moment), or fails with its text. */
async function pageShows(page: Page, path: string, patterns: RegExp[], shot: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  let text = '';
  for (;;) {
    await page.goto(`${uiUrl}${path}`);
    const until = Date.now() + 5_000;
    while (Date.now() < until) {
      text = await page.locator('body').innerText();
      if (patterns.every((p) => p.test(text))) {
        await page.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: true });
        return text;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    if (Date.now() > deadline) {
      await page.screenshot({ path: join(SHOTS, `${shot}-FAILED.png`), fullPage: true });
      assert.fail(`${path} never showed ${patterns.filter((p) => !p.test(text)).join(', ')}.\nPage text:\n${text.slice(0, 3000)}`);
    }
  }
}

/** Places the order, waits for the agent's tool to start, cancels the order, and checks how both closed. */
async function cancelWhileToolRuns(order: { id: string; item: string; quantity: number; customer: string }, note: string): Promise<void> {
  fake.setResponder(scriptedResponder([toolTurn([{ name: 'check_shipping', input: { orderId: order.id } }]), textTurn(note)]));
  gate.hold = true;
  const placed = starter.placeOrder(client, order, gatedQueue);
  await waitFor(() => (toolStarted.get(order.id) ?? 0) === 1, "the agent's tool to start", 60_000);
  const cancelledAt = Date.now();
  await client.workflow.getHandle(`order-${order.id}`).cancel();
  const failure = await placed.then(
    () => assert.fail('the order completed'),
    (err: unknown) => err,
  );
  assert.ok(failure instanceof WorkflowFailedError && failure.cause instanceof CancelledFailure, `the order closed cancelled: ${String(failure)}`);
  const childInfo = await client.workflow.getHandle(`order-${order.id}-note`).describe();
  assert.equal(childInfo.status.name, 'CANCELLED');
  const stopMs = (childInfo.closeTime?.valueOf() ?? Date.now()) - cancelledAt;
  console.log(`# the agent's run closed CANCELED ${stopMs} ms after the order's cancel (heartbeat 200 ms; noisy shared machine)`);
  assert.ok(stopMs < 15_000, `the child closed within a bound that proves it did not hang (${stopMs} ms)`);
  assert.equal((await client.workflow.getHandle(`order-${order.id}`).describe()).status.name, 'CANCELLED');
  // The order saw how its agent run ended: its compensation ran with that status.
  assert.deepEqual(
    activities.sideEffects.filter((e) => e.orderId === order.id).map((e) => `${e.activity}${e.detail ? `:${e.detail}` : ''}`),
    ['reserveInventory', 'releaseInventory:cancelled'],
  );
  assert.equal(fake.requests.filter(orderTask(order.id)).length, 1, 'one model request before the cancel');
  assert.equal(toolCompleted.get(order.id) ?? 0, 0);
  gate.hold = false;
}

/** Turn 1 came from the history (not asked again), the cut tool call ran again and completed once, turn 2 once. */
async function assertContinuedOnce(orderId: string, note: string): Promise<void> {
  const output = await getRunOutput(`order-${orderId}-note`, { client });
  assert.equal(output.status, 'completed');
  assert.equal(output.output, note);
  assert.equal(output.executions, 2);
  assert.deepEqual(fake.requests.filter(orderTask(orderId)).map((r) => r.turn), [0, 1]);
  assert.equal(toolStarted.get(orderId), 2);
  assert.equal(toolCompleted.get(orderId), 1);
  assert.equal(activities.sideEffects.filter((e) => e.orderId === orderId && e.activity === 'shippingStatus').length, 1);
}

describe('an order workflow with an agent inside (examples/order-workflow)', () => {
  test('activity → agent (a child workflow whose id is the run id) → activity, completed; the Web UI shows the parent with its child run', async () => {
    const order = { id: 'o1', item: 'espresso machine', quantity: 1, customer: 'Ada' };
    fake.setResponder(scriptedResponder([toolTurn([{ name: 'check_shipping', input: { orderId: order.id } }]), textTurn('Your order ships tomorrow by ground.')]));
    const result = await starter.placeOrder(client, order, taskQueue);
    assert.deepEqual(result, { orderId: 'o1', reservation: 'reservation-o1', agentRunId: 'order-o1-note', note: 'Your order ships tomorrow by ground.' });
    // The service's own activities ran around the agent, in order, each once; the agent's tool called its code once.
    assert.deepEqual(
      activities.sideEffects.filter((e) => e.orderId === 'o1').map((e) => e.activity),
      ['reserveInventory', 'shippingStatus', 'notifyCustomer'],
    );
    // The agent's run is a run like any other: its RunOutput by its run id, and its history's parent is the order.
    const output = await getRunOutput(result.agentRunId, { client });
    assert.equal(output.status, 'completed');
    assert.deepEqual(output.stepResults.map((s) => `${s.name}: ${s.status}`), ['model: completed', 'tool:check_shipping: completed', 'model: completed']);
    // The agent's tool is the service's own activity: the child's history schedules shippingStatus as the tool's step.
    const { events: childEvents } = await client.workflow.getHandle(result.agentRunId).fetchHistory();
    const childActivities = (childEvents ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name] : []));
    assert.deepEqual(childActivities, ['resolveTools', 'callModel', 'shippingStatus', 'callModel']);
    const child = await client.workflow.getHandle(result.agentRunId).describe();
    assert.equal(child.type, 'agentRun');
    assert.equal(child.parentExecution?.workflowId, 'order-o1');
    // The parent's history: its activity, the child, its activity.
    const { events } = await client.workflow.getHandle('order-o1').fetchHistory();
    const kinds = (events ?? [])
      .map((e) => (e.activityTaskScheduledEventAttributes ? `activity:${e.activityTaskScheduledEventAttributes.activityType?.name}` : e.startChildWorkflowExecutionInitiatedEventAttributes ? `child:${e.startChildWorkflowExecutionInitiatedEventAttributes.workflowType?.name}` : ''))
      .filter(Boolean);
    assert.deepEqual(kinds, ['activity:reserveInventory', 'child:agentRun', 'activity:durableAgent.readRunOutput', 'activity:notifyCustomer']);

    if (!browser) return void console.log('# Web UI part skipped: /usr/bin/chromium is missing');
    const page = await browser.newPage();
    try {
      const parentRunId = (await client.workflow.getHandle('order-o1').describe()).runId;
      // The Relationships tab: the order's child is the agent's run, and the run's parent is the order.
      await pageShows(page, `/namespaces/default/workflows/order-o1/${parentRunId}/relationships`, [/order-o1-note/, /agentRun/, /child/i], 'order-parent-with-child');
      await pageShows(page, `/namespaces/default/workflows/order-o1-note/${child.runId}/relationships`, [/order-o1(?!-)/, /handleOrder/, /parent/i], 'order-child-with-parent');
    } finally {
      await page.close();
    }
  });

  test("cancelling the order while the agent's tool runs: the agent's run closes Canceled, the order sees it, and another process continues the run with nothing completed run twice", async () => {
    await cancelWhileToolRuns({ id: 'o2', item: 'grinder', quantity: 2, customer: 'Grace' }, 'Two grinders ship tomorrow.');
    // Later, from another OS process: the CLI continues the agent's run on the run's own task queue.
    const cliEnv: NodeJS.ProcessEnv = { ...process.env, TEMPORAL_ADDRESS: env.address, DURABLE_AGENT_CLI_SOURCE: '1', DURABLE_AGENT_SEARCH_ATTRIBUTES: 'false' };
    delete cliEnv.ANTHROPIC_API_KEY;
    const continued = await finished(startCli(cliEnv, ['continue', 'order-o2-note']));
    assert.equal(continued.code, 0, continued.stderr + continued.stdout);
    await assertContinuedOnce('o2', 'Two grinders ship tomorrow.');
    // Streaming and `show` read the child's run like any run: both executions, cancelled then completed.
    const events: string[] = [];
    for await (const event of streamRun('order-o2-note', { client, fromOffset: 0 })) {
      if (['run_started', 'cancelled', 'completed'].includes(event.type)) events.push(`${event.execution}:${event.type}`);
      if (event.type === 'completed') break;
    }
    assert.deepEqual(events, ['1:run_started', '1:cancelled', '2:run_started', '2:completed']);
    const shown = await finished(startCli(cliEnv, ['show', 'order-o2-note']));
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /completed/);
    assert.match(shown.stdout, /Two grinders ship tomorrow\./);
  });

  test('a workflow continues a cut agent run (continueAgentRun, planned by the one planner through an activity): nothing completed runs again', async () => {
    const order = { id: 'o3', item: 'kettle', quantity: 1, customer: 'Linus' };
    await cancelWhileToolRuns(order, 'The kettle ships tomorrow.');
    const result = await client.workflow.execute('reinstateOrder', { workflowId: 'reinstate-o3', taskQueue: gatedQueue, args: [order] });
    assert.deepEqual(result, { orderId: 'o3', reservation: 'reservation-o3', agentRunId: 'order-o3-note', note: 'The kettle ships tomorrow.' });
    await assertContinuedOnce('o3', 'The kettle ships tomorrow.');
    // The continuation is the reinstating workflow's child, under the same run id.
    assert.equal((await client.workflow.getHandle('order-o3-note').describe()).parentExecution?.workflowId, 'reinstate-o3');
    assert.deepEqual(
      activities.sideEffects.filter((e) => e.orderId === 'o3').map((e) => e.activity),
      ['reserveInventory', 'releaseInventory', 'reserveInventory', 'shippingStatus', 'notifyCustomer'],
    );
    // Continuing a completed run is refused with the client's error type, as the type of the ApplicationFailure the
    // workflow gets (itself, not the ActivityFailure of the activity that planned it).
    const again = await client.workflow.execute('reinstateOrder', { workflowId: 'reinstate-o3-again', taskQueue: gatedQueue, args: [order] }).then(
      () => assert.fail('a completed run was continued'),
      (err: unknown) => err,
    );
    const refusal = again instanceof WorkflowFailedError ? again.cause : undefined;
    assert.ok(refusal instanceof ApplicationFailure && refusal.type === 'RunAlreadyCompletedError' && refusal.nonRetryable, `refused: ${String(again)}`);
  });

  test('a user workflow importing durable-agent/workflow bundles with bundleWorkflowCode, without Node built-ins, with the agent workflow in it', async () => {
    const { code } = await appBundle();
    // The bundler refuses Node built-ins itself (it fails the bundle); check the code holds neither import of one.
    assert.doesNotMatch(code, /require\(["'](node:)?(fs|crypto|os|path|child_process|net|http)["']\)/);
    assert.match(code, /handleOrder/);
    assert.match(code, /async function agentRun\(/);
    assert.match(code, /durableAgent\.planContinueRun/);
    assert.match(code, /class RunTelemetry/, "the agent's workflow interceptors are bundled too");
  });

  test("saved histories of the order workflows replay against the current durable-agent/workflow code (it runs in the user's workflows)", async () => {
    // DURABLE_AGENT_RECORD=1 saves this run's order histories first (a new shape of durable-agent/workflow's commands).
    if (process.env.DURABLE_AGENT_RECORD === '1') {
      mkdirSync(IN_APP_HISTORIES, { recursive: true });
      for (const workflowId of ['order-o1', 'order-o2', 'reinstate-o3']) {
        const history = await client.workflow.getHandle(workflowId).fetchHistory();
        writeFileSync(join(IN_APP_HISTORIES, `${workflowId}.json`), historyToFile(history));
      }
    }
    const files = readdirSync(IN_APP_HISTORIES).filter((f) => f.endsWith('.json')).sort();
    assert.deepEqual(files, ['order-o1.json', 'order-o2.json', 'reinstate-o3.json']);
    const histories = files.map((f) => ({ workflowId: f.replace(/\.json$/, ''), history: historyFromFile(readFileSync(join(IN_APP_HISTORIES, f), 'utf8')) }));
    const replayed: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await appBundle(), sinks: noopSinks }, histories)) {
      assert.equal(result.error, undefined, `${result.workflowId} failed to replay: ${String(result.error)}`);
      replayed.push(result.workflowId);
    }
    assert.deepEqual(replayed.sort(), ['order-o1', 'order-o2', 'reinstate-o3']);
  });
});
