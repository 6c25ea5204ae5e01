// The operator console end to end (issue 30's "Must show"): headless Chromium (playwright-core) drives the console's
// pages, served by startConsoleServer, against the real Temporal dev server, a real worker and the fake Anthropic model
// over HTTP. Proves: the list filters by status, by session and by model exactly as `durable-agent list` does, its free
// text matches a prefix of the run id, the session or the user, and it pages through Temporal's page tokens; a
// continuation with another model is found under it; a namespace registered before DurableAgentModel still gets the
// other attributes (its runs lack the model); a running run's page updates live, Cancel (after the step, reason
// "deploy") stops it after its step with the reason in the page, in `show`, in the Web UI's Current Details and the
// operator in the history; Continue with a message completes it with no turn asked twice; a fork from step k with an
// edited tool result sends the edit in its first request, re-runs nothing before k and leaves the original as it was; a
// filtered bulk cancel stops 20 runs stuck in a slow tool by aborting the tool, and a bulk continue completes them all
// (how fast a bulk cancel stops its runs is measured in `npm run bench -- --only cancel`, not timed here); the
// refusals (401 with no run content off loopback, continue of a completed run, a fork out of range, an answer for a run
// that waits for nothing). Screenshots: .artifacts/console/console-list.png and
// console-run.png (docs/images/ with UPDATE_DOC_IMAGES=1). Needs /usr/bin/chromium.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { z } from 'zod';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { Client } from '@temporalio/client';
import { Agent } from '../src/client/agent.js';
import { bulkCancel } from '../src/client/bulk-actions.js';
import { modelSearchAttributeRegistered, searchAttributesRegistered } from '../src/client/search-attributes.js';
import { countRuns, listRuns } from '../src/client/run-list.js';
import { cancelRun, getRunOutput } from '../src/client/run-control.js';
import { Task } from '../src/client/task.js';
import { agentTool } from '../src/tools/agent-tool.js';
import { InvalidForkEditError, InvalidForkError } from '../src/core/errors.js';
import { timeMs } from '../src/history/decode/state.js';
import { startConsoleServer, type ConsoleServer } from '../src/server/console/server.js';
import { textTurn, toolTurn, type FakeTurn, type RecordedRequest } from '../src/testing/fake-anthropic/index.js';
import { sleep, tool } from '../src/tools/tool-definition.js';
import { finished, killCliProcesses, startCli } from './helpers/cli-process.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { ROOT, TEMPORAL_CLI } from './helpers/servers.js';

const CHROMIUM = '/usr/bin/chromium';
// The README's screenshots are taken anew only when asked (UPDATE_DOC_IMAGES=1): a test run leaves the tree as it was.
const IMAGES = process.env.UPDATE_DOC_IMAGES === '1' ? join(ROOT, 'docs', 'images') : join(ROOT, '.artifacts', 'console');
const SHOTS = join(ROOT, '.artifacts', 'console');
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing: install it with \`bash scripts/install-chromium.sh\` to run the console test`;
if (skip) console.log(`# console.test.ts skipped: ${skip}`);

// The tools: `lookup` answers at once, or when the test opens its gate; `slow_step` waits `slowDelay` ms (a "broken"
// tool that hangs) and counts its starts, completions and aborts per run tag; `transfer` needs a human's approval.
/** Lookups of these keys wait until the test opens their gate (so a page can be looked at while a step runs). */
const gates = new Map<string, Promise<void>>();
function gate(key: string): { resolve: () => void } {
  let resolve = (): void => undefined;
  gates.set(key, new Promise<void>((r) => (resolve = r)));
  return { resolve: () => resolve() };
}
const slowDelay = { value: 60_000 };
const counts = { lookups: new Map<string, number>(), slowStarted: new Map<string, number>(), slowCompleted: new Map<string, number>(), slowAborted: new Map<string, number>() };
const bump = (map: Map<string, number>, key: string): void => void map.set(key, (map.get(key) ?? 0) + 1);
const lookup = tool({
  name: 'lookup',
  description: 'Looks a key up.',
  input: z.object({ key: z.string() }),
  run: async ({ key }) => {
    await gates.get(key);
    bump(counts.lookups, key);
    return `value-of-${key}`;
  },
});
const slowStep = tool({
  name: 'slow_step',
  description: 'A step that may take long.',
  input: z.object({ tag: z.string() }),
  // The worker heartbeats for it every quarter of this: a cancel reaches it within ~250 ms, not ~750 ms.
  heartbeatTimeoutMs: 1000,
  run: async ({ tag }, { signal }) => {
    bump(counts.slowStarted, tag);
    try {
      await sleep(slowDelay.value, signal);
    } catch (err) {
      bump(counts.slowAborted, tag);
      throw err;
    }
    bump(counts.slowCompleted, tag);
    return `slow step ${tag} done`;
  },
});
const transfers: number[] = [];
const transfer = tool({
  name: 'transfer',
  description: 'Moves money; a human approves each call.',
  input: z.object({ amount: z.number() }),
  human: { kind: 'confirmation' },
  run: async ({ amount }) => {
    transfers.push(amount);
    return `moved ${amount}`;
  },
});
// An agent as a tool: its calls are sub-runs (child workflows) with steps of their own.
const researcher = agentTool({ name: 'researcher', description: 'An agent that looks keys up.', task: { tools: [lookup] } });
const tools = [lookup, slowStep, transfer, researcher];

/** The task text of a request (its first user message): every run's description starts with its own tag. */
function taskOf(request: { body: { messages: MessageParam[] } }): string {
  const first = request.body.messages[0]!;
  if (typeof first.content === 'string') return first.content;
  return first.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}
/** The text of the last tool result in a request (what the model reads last). */
function lastToolResult(request: { body: { messages: MessageParam[] } }): string {
  for (const message of [...request.body.messages].reverse()) {
    if (message.role !== 'user' || typeof message.content === 'string') continue;
    for (const block of [...message.content].reverse()) {
      if (block.type === 'tool_result') return typeof block.content === 'string' ? block.content : JSON.stringify(block.content);
    }
  }
  return '';
}

// One responder for every run, by the tag its task starts with.
function respond(request: RecordedRequest): FakeTurn {
  const task = taskOf(request);
  const tag = task.split(' ')[0]!;
  if (tag === 'done') return textTurn('Done at once.');
  if (tag === 'stuck' || tag === 'bulk') return request.turn === 0 ? toolTurn([{ name: 'slow_step', input: { tag: task } }]) : textTurn(`Finished ${task}.`);
  if (tag === 'steps') return request.turn < 3 ? toolTurn([{ name: 'lookup', input: { key: `k${request.turn}` } }]) : textTurn('All three keys looked up.');
  if (tag === 'approve') return request.turn === 0 ? toolTurn([{ name: 'transfer', input: { amount: 250 } }]) : textTurn(`Transfer: ${lastToolResult(request)}.`);
  if (tag === 'interrupt') return request.turn === 0 ? toolTurn([{ name: 'slow_step', input: { tag: task } }]) : textTurn('Stopped waiting, as asked.');
  if (tag === 'delegate') return request.turn === 0 ? toolTurn([{ name: 'researcher', input: { task: 'sub: look up key s' } }]) : textTurn(`Delegated: ${lastToolResult(request)}`);
  if (tag === 'sub:') return request.turn === 0 ? toolTurn([{ name: 'lookup', input: { key: 's' } }]) : textTurn('inner done');
  if (tag === 'fork') return request.turn === 0 ? toolTurn([{ name: 'lookup', input: { key: 'x' } }]) : textTurn(`answer: ${lastToolResult(request)}`);
  throw new Error(`no script for task "${task}"`);
}

let h: Harness;
let consoleServer: ConsoleServer;
let browser: Browser;
let env: NodeJS.ProcessEnv;
const requestsOf = (task: string): RecordedRequest[] => h.fake.requests.filter((r) => taskOf(r) === task);

before(async () => {
  if (skip) return;
  h = await startHarness({ tools });
  h.fake.setResponder(respond);
  consoleServer = await startConsoleServer({ client: h.client, webUiUrl: 'http://127.0.0.1:8233' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  mkdirSync(SHOTS, { recursive: true });
  mkdirSync(IMAGES, { recursive: true });
  env = { ...process.env, TEMPORAL_ADDRESS: h.env.address, DURABLE_AGENT_TASK_QUEUE: h.taskQueue, DURABLE_AGENT_CLI_SOURCE: '1' };
});
after(async () => {
  killCliProcesses();
  if (skip) return;
  // Nothing left waiting in the slow tool: the worker's shutdown would wait for it.
  slowDelay.value = 0;
  await bulkCancel({ runIdPrefix: 'console-' }, { client: h.client }).catch(() => undefined);
  await browser?.close();
  await consoleServer?.close();
  await h?.close();
});

const execFileAsync = promisify(execFile);

let runCount = 0;
const agentFor = (sessionId: string, model?: string) => {
  const options = { sessionId, userId: 'ops-test', searchAttributes: true, newRunId: () => `console-${sessionId}-${++runCount}` };
  return model ? new Agent(model, { client: h.client, taskQueue: h.taskQueue, ...options }) : h.agent(options);
};

async function openPage(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  await page.goto(`${consoleServer.url}${path}`);
  await page.getByTestId('operator').fill('alice');
  await page.getByTestId('operator').dispatchEvent('change');
  return page;
}

async function shows(page: Page, what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      await page.screenshot({ path: join(SHOTS, `FAILED-${what.replace(/\W+/g, '-')}.png`), fullPage: true });
      assert.fail(`the page never showed ${what}. Page text:\n${(await page.locator('body').innerText()).slice(0, 3000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The run ids the list page shows, in order (the executions' rows). */
const listedIds = (page: Page): Promise<string[]> => rowAttribute(page, 'data-run-id');
/** One attribute of every row, read in one go in the page (the rows are replaced as the list refreshes live). */
async function rowAttribute(page: Page, name: string): Promise<string[]> {
  return (await page.evaluate(`[...document.querySelectorAll('[data-testid="run-row"]')].map((row) => row.getAttribute(${JSON.stringify(name)}))`)) as string[];
}

async function filterList(page: Page, filter: { status?: string; session?: string; model?: string; q?: string }): Promise<void> {
  await page.getByTestId('filter-status').selectOption(filter.status ?? '');
  await page.getByTestId('filter-session').fill(filter.session ?? '');
  await page.getByTestId('filter-model').fill(filter.model ?? '');
  await page.getByTestId('filter-q').fill(filter.q ?? '');
  await page.getByTestId('apply').click();
}

/** The run ids `durable-agent list` prints for these flags. */
async function cliList(...flags: string[]): Promise<string[]> {
  const listed = await finished(startCli(env, ['list', '--limit', '500', ...flags]));
  assert.equal(listed.code, 0, listed.stderr);
  return listed.stdout.trim().split('\n').slice(1).map((line) => line.split('\t')[0]!);
}

const sorted = (ids: string[]): string[] => [...ids].sort();

describe('the operator console (Chromium, real Temporal dev server and worker, fake model)', { skip }, () => {
  test('30 runs in mixed states: the list filters by status, session, model and text as `durable-agent list` does, and pages', async () => {
    // 12 completed (s-a, s-b; 4 of them on claude-haiku-4-5), 9 cancelled (s-a, s-c), 9 running in the slow tool (s-b, s-c).
    const completed = Array.from({ length: 12 }, (_, i) => agentFor(i % 2 ? 's-b' : 's-a', i % 3 ? undefined : 'anthropic/claude-haiku-4-5').do(new Task({ description: `done ${i}`, tools })));
    const stuck = Array.from({ length: 18 }, (_, i) => {
      const session = i < 9 ? (i % 2 ? 's-c' : 's-a') : i % 2 ? 's-c' : 's-b';
      const agent = agentFor(session);
      return agent.start(new Task({ description: `stuck ${i}`, tools }));
    });
    const handles = await Promise.all(stuck);
    await Promise.all(completed);
    await waitFor(() => [...counts.slowStarted.keys()].filter((k) => k.startsWith('stuck ')).length === 18, 'the 18 slow steps to start');
    await Promise.all(handles.slice(0, 9).map((handle) => cancelRun(handle.runId, { client: h.client, wait: true })));
    await waitFor(async () => (await countRuns({ status: 'cancelled' }, { client: h.client })) === 9 && (await countRuns({ status: 'completed' }, { client: h.client })) === 12, 'visibility to show the states');

    // The two `durable-agent list` processes run while the page loads.
    const cliCancelled = cliList('--status', 'cancelled');
    const cliSessionB = cliList('--session', 's-b');
    const cliHaiku = cliList('--model', 'claude-haiku-4-5');
    const page = await openPage('/');
    await shows(page, '30 runs', async () => (await listedIds(page)).length === 30);
    await filterList(page, { status: 'cancelled' });
    const expectCancelled = await cliCancelled;
    assert.equal(expectCancelled.length, 9);
    await shows(page, 'the cancelled runs', async () => JSON.stringify(sorted(await listedIds(page))) === JSON.stringify(sorted(expectCancelled)));
    assert.deepEqual([...new Set(await rowAttribute(page, 'data-status'))], ['cancelled']);
    await filterList(page, { session: 's-b' });
    const expectSessionB = await cliSessionB;
    assert.equal(expectSessionB.length, 6 + 4);
    await shows(page, "session s-b's runs", async () => JSON.stringify(sorted(await listedIds(page))) === JSON.stringify(sorted(expectSessionB)));
    await filterList(page, { status: 'running', session: 's-c' });
    const expectRunningC = (await listRuns({ status: 'running', sessionId: 's-c' }, { client: h.client })).runs.map((r) => r.runId);
    assert.equal(expectRunningC.length, 5);
    await shows(page, "session s-c's running runs", async () => JSON.stringify(sorted(await listedIds(page))) === JSON.stringify(sorted(expectRunningC)));
    // By model (DurableAgentModel, set at start): the 4 haiku runs, as `list --model` prints them, however it is written.
    await filterList(page, { model: 'claude-haiku-4-5' });
    const expectHaiku = await cliHaiku;
    assert.equal(expectHaiku.length, 4);
    await shows(page, 'the haiku runs', async () => JSON.stringify(sorted(await listedIds(page))) === JSON.stringify(sorted(expectHaiku)));
    assert.deepEqual(sorted((await listRuns({ model: 'anthropic/claude-haiku-4-5' }, { client: h.client })).runs.map((r) => r.runId)), sorted(expectHaiku));
    assert.equal(await countRuns({ model: 'claude-sonnet-4-6' }, { client: h.client }), 26);
    // Free text: a prefix of the run id, the session or the user (ORed).
    const idsOf = async (filter: Parameters<typeof listRuns>[0]) => sorted((await listRuns(filter, { client: h.client, pageSize: 100 })).runs.map((r) => r.runId));
    const sessionC = await idsOf({ sessionId: 's-c' });
    assert.equal(sessionC.length, 9);
    assert.deepEqual(await idsOf({ text: 's-c' }), sessionC, 'by session: no run id or user starts with s-c');
    assert.deepEqual(await idsOf({ text: 'console-s-b-' }), sorted(expectSessionB), 'by run id');
    assert.equal((await idsOf({ text: 'ops-te' })).length, 30, 'by user');
    assert.equal((await idsOf({ text: 'est' })).length, 0, 'a prefix, not a substring');
    await filterList(page, { q: 's-c' });
    await shows(page, "free text s-c: session s-c's runs", async () => JSON.stringify(sorted(await listedIds(page))) === JSON.stringify(sessionC));
    // Steps and tokens (from each run's history) fill in; the list screenshot for the README.
    await filterList(page, {});
    await shows(page, 'steps of the rows', async () => (await page.getByTestId('steps').allInnerTexts()).filter((t) => t !== '').length === 30);
    await page.screenshot({ path: join(IMAGES, 'console-list.png') });

    // Paging by Temporal's page tokens: 7 at a time, every execution once, as many as the count.
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const next = await listRuns({}, { client: h.client, pageSize: 7, ...(pageToken ? { pageToken } : {}) });
      assert.ok(next.runs.length <= 7);
      seen.push(...next.runs.map((r) => r.executionRunId));
      pageToken = next.nextPageToken;
    } while (pageToken);
    assert.equal(new Set(seen).size, seen.length, 'no execution twice');
    assert.equal(seen.length, await countRuns({}, { client: h.client }));
    await page.close();
    // The 9 still running stay stuck in the slow tool until the end of the file (the last test's cleanup).
  });

  test("a running run's page follows it live; Cancel after the step with reason deploy; Continue with a message", async () => {
    const [k0, k1] = [gate('k0'), gate('k1')];
    const agent = agentFor('live');
    const handle = await agent.start(new Task({ description: 'steps one two three', tools }));
    const page = await openPage(`/runs/${handle.runId}`);
    await shows(page, 'the page following the run', async () => (await page.getByTestId('following').count()) === 1);
    // Live: the first lookup (step 1) shows running; once it completes, steps 2 and 3 appear, without a reload.
    await shows(page, 'step 1 running', async () => (await page.locator('[data-testid="step"][data-index="1"][data-status="running"]').count()) === 1);
    assert.equal(await page.locator('[data-testid="step"][data-index="2"]').count(), 0);
    k0.resolve();
    await shows(page, 'step 3 running', async () => (await page.locator('[data-testid="step"][data-index="3"][data-status="running"]').count()) === 1);
    assert.equal(await page.locator('[data-testid="step"][data-index="1"][data-status="completed"]').count(), 1);
    // Cancel after the current step while the second lookup (step 3) runs; it finishes, nothing follows it.
    await page.getByTestId('cancel-mode').selectOption('afterStep');
    await page.getByTestId('cancel-reason').fill('deploy');
    await page.getByTestId('cancel').click();
    await shows(page, 'the cancel accepted', async () => /Cancel requested\./.test(await page.getByTestId('notice').innerText()));
    k1.resolve();
    await shows(page, 'the stop and its reason', async () => (await page.getByTestId('stop-reason').count()) === 1 && (await page.getByTestId('stop-reason').innerText()).includes('deploy'));
    const stopped = await getRunOutput(handle.runId, { client: h.client });
    assert.equal(stopped.status, 'cancelled');
    assert.deepEqual(stopped.stop, { reason: 'cancelled', mode: 'afterStep', message: 'deploy' });
    const last = stopped.stepResults[stopped.stepResults.length - 1]!;
    assert.equal(last.name, 'tool:lookup');
    assert.equal(last.status, 'completed', 'the step in flight finished and kept its result');
    assert.equal(counts.lookups.get('k1'), 1);
    // The reason in `show`, in the Web UI's Current Details, and who asked in the run's history.
    const show = await finished(startCli(env, ['show', handle.runId]));
    assert.match(show.stdout, /stopped: cancelled, after the running steps: deploy/);
    const metadata = await h.client.workflow.getHandle(handle.runId, stopped.executionRunId).query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    assert.match(metadata.currentDetails ?? '', /deploy/);
    const history = await h.client.workflow.getHandle(handle.runId, stopped.executionRunId).fetchHistory();
    const cancelRequest = history.events?.find((e) => e.workflowExecutionCancelRequestedEventAttributes)?.workflowExecutionCancelRequestedEventAttributes;
    assert.equal(cancelRequest?.identity, 'durable-agent console: alice', 'Temporal records who asked');

    // Continue from the page with a message: it completes; no completed turn is asked for again.
    gates.clear();
    await page.getByTestId('continue-message').fill('Carry on, the deploy is over.');
    await page.getByTestId('continue').click();
    await shows(page, 'the run completed', async () => (await page.getByTestId('status').first().innerText()) === 'completed');
    const done = await getRunOutput(handle.runId, { client: h.client });
    assert.equal(done.status, 'completed');
    assert.equal(done.output, 'All three keys looked up.');
    const turns = requestsOf('steps one two three').map((r) => r.turn);
    assert.deepEqual(turns, [0, 1, 2, 3], `each turn asked once: ${turns.join(',')}`);
    assert.deepEqual([counts.lookups.get('k0'), counts.lookups.get('k1'), counts.lookups.get('k2')], [1, 1, 1], 'no lookup ran twice');
    assert.match(await page.getByTestId('transcript').innerText(), /Carry on, the deploy is over\./);
    await page.screenshot({ path: join(IMAGES, 'console-run.png'), fullPage: true });
    await page.close();
  });

  test('fork from step k with an edited tool result: the edit is sent, nothing before k re-runs, the original is unchanged', async () => {
    const source = await agentFor('fork').do(new Task({ description: 'fork the lookup', tools }));
    assert.equal(source.output, 'answer: value-of-x');
    const before = await getRunOutput(source.runId, { client: h.client });
    const requestsBefore = requestsOf('fork the lookup').length;
    assert.equal(requestsBefore, 2);

    const page = await openPage(`/runs/${source.runId}`);
    await shows(page, 'the steps', async () => (await page.getByTestId('step').count()) === 3);
    // Refusal first: a fork out of range says why in the page.
    await page.getByTestId('fork-from').fill('9');
    await page.getByTestId('fork').click();
    await shows(page, 'the out-of-range refusal', async () => /has no step 9 to fork from \(its steps are 0\.\.2/.test(await page.getByTestId('notice').innerText()));
    await page.getByTestId('fork-from').fill('2');
    await page.getByTestId('fork-edit').selectOption('toolResult');
    await page.getByTestId('fork-edit-step').fill('1');
    await page.getByTestId('fork-edit-text').fill('EDITED-42');
    await page.getByTestId('fork').click();
    await shows(page, 'the link to the fork', async () => (await page.getByTestId('fork-link').count()) === 1);
    const forkId = await page.getByTestId('fork-link').innerText();
    await page.getByTestId('fork-link').click();
    await shows(page, 'the fork completed with the edited result', async () => /answer: EDITED-42/.test(await page.getByTestId('facts').innerText()));
    assert.equal(await page.getByText('edited', { exact: true }).count(), 1, 'the edited step is marked');

    const fork = await getRunOutput(forkId, { client: h.client });
    assert.equal(fork.output, 'answer: EDITED-42');
    assert.deepEqual(fork.forkedFrom, { runId: source.runId, executionRunId: source.executionRunId, fromStep: 2 });
    const forkRequests = requestsOf('fork the lookup').slice(requestsBefore);
    assert.equal(forkRequests.length, 1, 'the fork asked the model once: step 2 only');
    assert.equal(lastToolResult(forkRequests[0]!), 'EDITED-42', "the fork's first model request carries the edited result");
    assert.equal(counts.lookups.get('x'), 1, 'the lookup before k did not run again');
    assert.deepEqual(await getRunOutput(source.runId, { client: h.client }), before, 'the original run is unchanged');

    // The same at the API: typed errors for edits the fork cannot make; a userText edit.
    const agent = h.agent();
    await assert.rejects(agent.forkRun({ runId: source.runId, fromStep: 2, edit: { step: 2, toolResult: 'x' } }), InvalidForkEditError);
    await assert.rejects(agent.forkRun({ runId: source.runId, fromStep: 2, edit: { step: 0, toolResult: 'x' } }), (err: Error) => err instanceof InvalidForkEditError && /a model step/.test(err.message));
    await assert.rejects(agent.forkRun({ runId: source.runId, fromStep: 5 }), InvalidForkError);
    const retold = await agent.forkRun({ runId: source.runId, fromStep: 0, edit: { userText: 'fork the lookup, retold' } });
    assert.equal(retold.status, 'completed');
    assert.equal(taskOf(h.fake.requests[h.fake.requests.length - 1]!), 'fork the lookup, retold');
    await page.close();
  });

  test('bulk: 20 runs stuck in a slow tool are cancelled by one filtered action (each slow tool aborted) and continued by another', async () => {
    slowDelay.value = 60_000;
    const agent = agentFor('bulk');
    const handles = await Promise.all(Array.from({ length: 20 }, (_, i) => agent.start(new Task({ description: `bulk ${i}`, tools }))));
    await waitFor(() => [...counts.slowStarted.keys()].filter((k) => k.startsWith('bulk ')).length === 20, 'the 20 slow steps to start');
    await waitFor(async () => (await countRuns({ sessionId: 'bulk', status: 'running' }, { client: h.client })) === 20, 'visibility to list them');
    const page = await openPage('/?session=bulk&status=running');
    await page.getByTestId('bulk-preview-button').click();
    await shows(page, 'the preview', async () => /^20 executions match; 20 still open/.test(await page.getByTestId('bulk-preview').innerText()));
    await page.getByTestId('bulk-reason').fill('slow_step is broken');
    await page.getByTestId('bulk-cancel').click();
    await shows(page, 'the bulk cancel result', async () => /Cancel requested for 20 runs\./.test(await page.getByTestId('bulk-notice').innerText()));
    const described = async () => Promise.all(handles.map((x) => h.client.workflow.getHandle(x.runId).describe()));
    // Polled gently: the close times are the server's, however late they are read.
    for (let tries = 0; !(await described()).every((d) => d.status.name !== 'RUNNING'); tries++) {
      assert.ok(tries < 50, 'all 20 runs stop');
      await new Promise((r) => setTimeout(r, 200));
    }
    // How long each run took to close after its cancel request (server times) is logged; the goal for it (≤ 2 s) is a
    // timing goal, so it is the cancel bench's (`bulkCancel of 20 runs`), not this test's: here the runs stop because
    // each slow tool was aborted, none of the 60 s calls ran to its end.
    const stops = await Promise.all(
      handles.map(async (x) => {
        const { events } = await h.client.workflow.getHandle(x.runId).fetchHistory();
        return timeMs(events?.at(-1)?.eventTime)! - timeMs(events?.find((e) => e.workflowExecutionCancelRequestedEventAttributes)?.eventTime)!;
      }),
    );
    console.log(`bulk cancel: each run closed within ${Math.max(...stops)} ms of its cancel request`);
    for (const x of handles) {
      const out = await getRunOutput(x.runId, { client: h.client });
      assert.equal(out.status, 'cancelled');
      assert.equal(out.stop?.message, 'slow_step is broken');
    }
    assert.equal([...counts.slowAborted.keys()].filter((k) => k.startsWith('bulk ')).length, 20, 'every slow step was aborted');
    assert.equal([...counts.slowCompleted.keys()].filter((k) => k.startsWith('bulk ')).length, 0, 'no slow step ran to its end');

    // The tool is fixed; one bulk continue of the cancelled ones (no message: the cut call runs again, now fixed).
    slowDelay.value = 0;
    await waitFor(async () => (await countRuns({ sessionId: 'bulk', status: 'cancelled' }, { client: h.client })) === 20, 'visibility to show them cancelled');
    await filterList(page, { status: 'cancelled', session: 'bulk' });
    await page.getByTestId('bulk-continue').click();
    await shows(page, 'the bulk continue result', async () => /Continued 20 runs\./.test(await page.getByTestId('bulk-notice').innerText()));
    await waitFor(async () => (await countRuns({ sessionId: 'bulk', status: 'completed' }, { client: h.client })) === 20, 'all 20 to complete', 20_000);
    for (let i = 0; i < 20; i++) {
      const out = await getRunOutput(handles[i]!.runId, { client: h.client });
      assert.equal(out.status, 'completed');
      // No completed step repeated: the model's turn 0 was asked once, the cut tool call ran to completion once.
      assert.deepEqual(requestsOf(`bulk ${i}`).map((r) => r.turn), [0, 1]);
      assert.equal(counts.slowCompleted.get(`bulk ${i}`), 1);
    }
    await page.close();
  });

  test('answer a pending approval, a sub-run as a tree, interrupt a running run, from their pages', async () => {
    const paused = await agentFor('hitl').start(new Task({ description: 'approve a transfer of 250', tools }));
    const page = await openPage(`/runs/${paused.runId}`);
    await shows(page, 'the approval it waits for', async () => (await page.getByTestId('requirement').count()) === 1);
    assert.match(await page.getByTestId('requirement').innerText(), /confirmation · transfer \{"amount":250\}/);
    await page.getByTestId('approve').click();
    await shows(page, 'the approved run completed', async () => (await page.getByTestId('status').first().innerText()) === 'completed');
    assert.deepEqual(transfers, [250], 'the approved call ran once');
    assert.match(await page.getByTestId('facts').innerText(), /Transfer: moved 250\./);
    await page.close();

    // A sub-run (an agentTool call) expands into its own steps under the step that made it: the tree.
    const outer = await agentFor('tree').do(new Task({ description: 'delegate the lookup', tools }));
    assert.equal(outer.output, 'Delegated: inner done');
    const treePage = await openPage(`/runs/${outer.runId}`);
    await shows(treePage, 'the sub-run step', async () => (await treePage.getByTestId('sub-run-toggle').count()) === 1);
    await treePage.getByTestId('sub-run-toggle').click();
    await shows(treePage, "the sub-run's steps", async () => (await treePage.getByTestId('sub-step').count()) === 3);
    assert.deepEqual(await treePage.getByTestId('sub-step').locator('td:nth-child(2)').allInnerTexts(), ['model', 'tool:lookup', 'model']);
    await treePage.close();

    slowDelay.value = 60_000;
    const running = await agentFor('interrupt').start(new Task({ description: 'interrupt the slow step', tools }));
    await waitFor(() => (counts.slowStarted.get('interrupt the slow step') ?? 0) === 1, 'the slow step to start');
    const runPage = await openPage(`/runs/${running.runId}`);
    await shows(runPage, 'the running run', async () => (await runPage.getByTestId('status').first().innerText()) === 'running');
    await runPage.getByTestId('interrupt-message').fill('Never mind the slow step.');
    await runPage.getByTestId('interrupt').click();
    await shows(runPage, 'the interrupted run completed', async () => (await runPage.getByTestId('status').first().innerText()) === 'completed');
    assert.equal(counts.slowAborted.get('interrupt the slow step'), 1, 'the slow step was cut');
    assert.match(await runPage.getByTestId('transcript').innerText(), /Never mind the slow step\./);
    assert.deepEqual(requestsOf('interrupt the slow step').map((r) => r.turn), [0, 1], 'no turn asked twice');
    await runPage.close();
  });

  test('refusals: 401 without the token off loopback, cross-site requests on loopback; continue of a completed run; answering a run that waits for nothing', async () => {
    await assert.rejects(startConsoleServer({ client: h.client, host: '0.0.0.0', token: '' }), /needs a token/);
    const guarded = await startConsoleServer({ client: h.client, host: '0.0.0.0', token: 'sekret-token' });
    try {
      const base = `http://127.0.0.1:${guarded.port}`;
      const runId = (await listRuns({ status: 'completed' }, { client: h.client, pageSize: 1 })).runs[0]!.runId;
      for (const [method, path] of [
        ['GET', '/'],
        ['GET', `/runs/${runId}`],
        ['GET', '/console.js'],
        ['GET', '/api/runs'],
        ['GET', `/api/runs/${runId}`],
        ['GET', `/api/runs/${runId}/events`],
        ['GET', '/api/runs/count'],
        ['POST', `/api/runs/${runId}/cancel`],
        ['POST', '/api/bulk/cancel'],
      ] as const) {
        const response = await fetch(`${base}${path}`, { method, ...(method === 'POST' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}) });
        const text = await response.text();
        assert.equal(response.status, 401, `${method} ${path}`);
        assert.ok(!text.includes(runId) && !text.includes('console-'), `no run content in the 401 of ${path}`);
        const wrong = await fetch(`${base}${path}`, { method, headers: { authorization: 'Bearer wrong' } });
        assert.equal(wrong.status, 401, `${method} ${path} with a wrong token`);
      }
      const withToken = await fetch(`${base}/api/runs/${runId}`, { headers: { authorization: 'Bearer sekret-token' } });
      assert.equal(withToken.status, 200);
      const viaQuery = await browser.newPage();
      await viaQuery.goto(`${base}/runs/${runId}?token=sekret-token`);
      await shows(viaQuery, 'the run with the token', async () => (await viaQuery.getByTestId('step').count()) > 0);
      await viaQuery.close();
    } finally {
      await guarded.close();
    }

    // On loopback without a token, what another site could make a browser send is refused: a body-less (no-cors) POST,
    // a foreign Origin, a Host that is not loopback (DNS rebinding).
    slowDelay.value = 60_000;
    const running = (await agentFor('cross-site').start(new Task({ description: 'stuck for the cross-site checks', tools }))).runId;
    await waitFor(() => (counts.slowStarted.get('stuck for the cross-site checks') ?? 0) === 1, 'the slow step to start');
    const bare = await fetch(`${consoleServer.url}/api/runs/${running}/cancel`, { method: 'POST' });
    assert.equal(bare.status, 415);
    const foreign = await fetch(`${consoleServer.url}/api/runs/${running}/cancel`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(foreign.status, 403);
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${consoleServer.url}/api/runs`, { headers: { host: `evil.example:${consoleServer.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(rebound, 403);
    assert.equal((await getRunOutput(running, { client: h.client })).status, 'running', 'the run was not touched');

    const completed = (await listRuns({ status: 'completed', sessionId: 's-a' }, { client: h.client, pageSize: 1 })).runs[0]!.runId;
    const page = await openPage(`/runs/${completed}`);
    await shows(page, 'the completed run', async () => (await page.getByTestId('status').first().innerText()) === 'completed');
    await page.getByTestId('continue').click();
    await shows(page, 'the refusal to continue', async () => /already completed, so there is nothing to continue/.test(await page.getByTestId('notice').innerText()));
    const answered = await fetch(`${consoleServer.url}/api/runs/${completed}/answer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ answers: [{ id: 'toolu_nothing', approve: true }] }),
    });
    assert.equal(answered.status, 409);
    const body = (await answered.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'RunNotPausedError');
    assert.match(body.error.message, /is not paused .* so it waits for no answer/);
    await page.close();
  });

  test('a continuation with another model carries that model (DurableAgentModel), and the list finds it under it', async () => {
    slowDelay.value = 60_000;
    const agent = agentFor('model-switch');
    const first = await agent.start(new Task({ description: 'stuck model switch', tools }));
    await waitFor(() => counts.slowStarted.has('stuck model switch'), 'the slow step to start');
    await cancelRun(first.runId, { client: h.client, wait: true });
    const continued = await agent.startContinueRun({ runId: first.runId, model: 'anthropic/claude-haiku-4-5' });
    const modelOf = async (executionRunId: string) => (await h.client.workflow.getHandle(first.runId, executionRunId).describe()).searchAttributes.DurableAgentModel;
    assert.deepEqual(await modelOf(first.executionRunId), ['claude-sonnet-4-6']);
    assert.deepEqual(await modelOf(continued.executionRunId), ['claude-haiku-4-5']);
    await waitFor(async () => (await listRuns({ model: 'claude-haiku-4-5', sessionId: 'model-switch' }, { client: h.client })).runs.length === 1, 'the continuation listed by its model');
    const [row] = (await listRuns({ model: 'claude-haiku-4-5', sessionId: 'model-switch' }, { client: h.client })).runs;
    assert.equal(row?.executionRunId, continued.executionRunId);
    await cancelRun(first.runId, { client: h.client, wait: true });
  });

  test('a namespace that registered only session, user and status: runs still carry those three, and no model', async () => {
    const namespace = `legacy-attributes-${process.pid}`;
    // As the registration script did before DurableAgentModel, with the Temporal CLI.
    const temporalCli = (...args: string[]) => execFileAsync(TEMPORAL_CLI, ['operator', ...args, '--address', h.env.address, '--namespace', namespace]);
    await temporalCli('namespace', 'create');
    const older = ['DurableAgentSessionId', 'DurableAgentUserId', 'DurableAgentStatus'].flatMap((name) => ['--name', name, '--type', 'Keyword']);
    // A namespace just created reaches the frontend's cache after a moment.
    await waitFor(() => temporalCli('search-attribute', 'create', ...older).then(() => true, () => false), 'the older attributes registered');
    const client = new Client({ connection: h.env.connection, namespace });
    assert.equal(await searchAttributesRegistered(client), true);
    assert.equal(await modelSearchAttributeRegistered(client), false);
    // No worker polls this queue: the start alone is what a namespace without DurableAgentModel would refuse.
    const agent = new Agent('anthropic/claude-haiku-4-5', { client, taskQueue: `legacy-${process.pid}`, sessionId: 'legacy-session', userId: 'legacy-user', newRunId: () => `legacy-${process.pid}` });
    const handle = await agent.start(new Task('a run on an older namespace'));
    const described = await client.workflow.getHandle(handle.runId).describe();
    assert.deepEqual(
      Object.fromEntries(Object.entries(described.searchAttributes).filter(([name]) => name.startsWith('DurableAgent'))),
      { DurableAgentSessionId: ['legacy-session'], DurableAgentUserId: ['legacy-user'], DurableAgentStatus: ['running'] },
    );
    await client.workflow.getHandle(handle.runId).terminate('test over');
  });
});
