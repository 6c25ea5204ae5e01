// The user story as a Temporal user sees it in the Web UI: a run cancelled while its tool runs, then continued to
// completion, shows up as two executions of one workflow id — the first Canceled, the continuation Completed.
// Drives headless Chromium (playwright-core) against the Web UI the pinned Temporal CLI dev server embeds (UI 2.54.1,
// which shows statuses in capitals: they are matched without regard to case).
// Screenshots: .artifacts/web-ui/*.png. Needs /usr/bin/chromium (scripts/install-chromium.sh); skipped without it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { z } from 'zod';
import { sleep, tool, cancelRun, Task, RunStatus, WORKFLOW_TYPE, type RunOutput } from '../src/index.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import { countingTools, ToolCounter } from './helpers/counting-tools.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { freePort, ROOT } from './helpers/servers.js';
import { currentDetailsShow } from './helpers/web-ui.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(ROOT, '.artifacts', 'web-ui');
const NAMESPACE = 'default';
const SECONDS = 1;
const skip = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is missing: install it with \`bash scripts/install-chromium.sh\` (Debian, as root) to run the Web UI test`;
if (skip) console.log(`# web-ui.test.ts skipped: ${skip}`);

const counter = new ToolCounter();
// A tool the test holds until it lets go: the run stays in its tool call for as long as the browser needs.
const gate = { hold: true, started: 0 };
const gatedTask = tool({
  name: 'gated_task',
  description: 'Waits until released.',
  input: z.object({ ticket: z.string() }),
  run: async ({ ticket }, { signal }) => {
    gate.started++;
    while (gate.hold) await sleep(100, signal);
    return `Ticket ${ticket} processed.`;
  },
});
const tools = [...countingTools(counter), gatedTask];
const longRunningTask = tools[0]!;

let h: Harness | undefined;
let browser: Browser | undefined;
let uiUrl = '';

before(async () => {
  if (skip) return;
  const uiPort = await freePort();
  h = await startHarness({ tools, uiPort });
  uiUrl = `http://127.0.0.1:${uiPort}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  mkdirSync(SHOTS, { recursive: true });
});
after(async () => {
  await browser?.close();
  await h?.close();
});

interface ShowOptions {
  /** Screenshot name under .artifacts/web-ui (`<name>-FAILED.png` when the text never shows). */
  shot: string;
  /** Reload while waiting, for pages fed by Temporal's visibility store, which may lag the run by a moment. */
  reloadEveryMs?: number;
  timeoutMs?: number;
}

/** Opens `path` and polls the rendered text until every pattern matches, or fails with the text it last saw. */
async function pageShows(page: Page, path: string, patterns: RegExp[], what: string, options: ShowOptions): Promise<string> {
  const { shot, reloadEveryMs, timeoutMs = 30_000 } = options;
  const url = `${uiUrl}${path}`;
  const deadline = Date.now() + timeoutMs;
  if (!page.url().endsWith(path)) await page.goto(url);
  let loadedAt = Date.now();
  for (;;) {
    const text = await page.locator('body').innerText();
    const missing = patterns.filter((p) => !p.test(text));
    if (!missing.length) {
      await page.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: true });
      return text;
    }
    if (Date.now() > deadline) {
      await page.screenshot({ path: join(SHOTS, `${shot}-FAILED.png`), fullPage: true });
      assert.fail(`the Web UI at ${url} did not show ${what} within ${timeoutMs} ms; missing ${missing.join(', ')}.\nPage text:\n${text.slice(0, 3000)}`);
    }
    if (reloadEveryMs !== undefined && Date.now() - loadedAt > reloadEveryMs) {
      await page.reload();
      loadedAt = Date.now();
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the Web UI shows a cancelled run and its continuation', () => {
  let cancelled: RunOutput;
  let continued: RunOutput;

  test('user story: cancel while the tool runs, then continue to completion', { skip }, async () => {
    const harness = h!;
    harness.fake.setResponder(
      scriptedResponder([
        toolTurn([{ name: 'long_running_task', input: { seconds: SECONDS } }]),
        textTurn(`The long_running_task finished after ${SECONDS} seconds.`),
      ]),
    );
    const agent = harness.agent();
    const pending = agent.do(new Task({ description: `Call long_running_task with ${SECONDS} seconds.`, tools: [longRunningTask] }));
    const key = `long_running_task:${SECONDS}`;
    await waitFor(() => counter.started.get(key) === 1, `${key} to start`);
    assert.ok(agent.runId, 'runId is set while the run is in flight');
    await cancelRun(agent.runId, { client: harness.client });
    cancelled = await pending;
    assert.equal(cancelled.status, RunStatus.cancelled);
    assert.deepEqual(cancelled.stepResults.map((s) => `${s.name}: ${s.status}`), ['model: completed', 'tool:long_running_task: cancelled']);

    continued = await agent.continueRun({ runId: cancelled.runId });
    assert.equal(continued.status, RunStatus.completed);
    assert.equal(continued.runId, cancelled.runId, 'a continuation keeps the workflow id');
    assert.notEqual(continued.executionRunId, cancelled.executionRunId, 'and is a new execution');
    assert.equal(counter.completed.get(key), 1);
  });

  test('the workflow list, filtered by WorkflowId, has both executions: Canceled and Completed', { skip }, async () => {
    assert.ok(cancelled && continued, 'the user story ran');
    const page = await browser!.newPage({ viewport: { width: 1600, height: 1000 } });
    try {
      const workflowId = cancelled.runId;
      const query = encodeURIComponent(`WorkflowId="${workflowId}"`);
      await pageShows(
        page,
        `/namespaces/${NAMESPACE}/workflows?query=${query}`,
        [new RegExp(escape(cancelled.executionRunId)), new RegExp(escape(continued.executionRunId))],
        `both executions of ${workflowId}`,
        { shot: 'workflow-list', reloadEveryMs: 5_000 },
      );
      const rows = page.locator('tr').filter({ hasText: workflowId });
      assert.equal(await rows.count(), 2, `two rows for ${workflowId}`);
      const cancelledRow = await page.locator('tr').filter({ hasText: cancelled.executionRunId }).innerText();
      const continuedRow = await page.locator('tr').filter({ hasText: continued.executionRunId }).innerText();
      for (const row of [cancelledRow, continuedRow]) {
        assert.ok(row.includes(workflowId) && row.includes(WORKFLOW_TYPE), `row names the workflow id and type: ${row}`);
      }
      assert.match(cancelledRow, /\bCanceled\b/i, `the cancelled execution's row: ${cancelledRow}`);
      assert.doesNotMatch(cancelledRow, /\bCompleted\b/i);
      assert.match(continuedRow, /\bCompleted\b/i, `the continuation's row: ${continuedRow}`);
      assert.doesNotMatch(continuedRow, /\bCancel/i);

      // Follow the cancelled execution's Run ID link, as a user would.
      await page.locator('tr').filter({ hasText: cancelled.executionRunId }).getByRole('link', { name: cancelled.executionRunId }).click();
      await page.waitForURL(`**/workflows/${workflowId}/${cancelled.executionRunId}/**`);
      // The execution opens on its timeline; its events are under the Event History tab.
      await page.getByRole('tab', { name: /Event History/ }).click();
      await page.waitForURL(`**/workflows/${workflowId}/${cancelled.executionRunId}/history`);
      const text = await pageShows(
        page,
        new URL(page.url()).pathname,
        [
          new RegExp(`Canceled\\s+${escape(workflowId)}`, 'i'),
          new RegExp(`Run ID\\s+${escape(cancelled.executionRunId)}`),
          /Workflow Execution Cancel Requested/,
          /Activity Task Canceled/,
          /Workflow Execution Canceled/,
        ],
        'the cancelled execution: status Canceled, the cancel request, the cancelled tool activity',
        { shot: 'cancelled-execution' },
      );
      assert.doesNotMatch(text, /Workflow Execution Completed/, 'the cancelled execution never shows as completed');
    } finally {
      await page.close();
    }
  });

  test('the continuation’s page shows it Completed, the tool re-run and the final answer', { skip }, async () => {
    assert.ok(cancelled && continued, 'the user story ran');
    const page = await browser!.newPage({ viewport: { width: 1600, height: 1000 } });
    try {
      const text = await pageShows(
        page,
        `/namespaces/${NAMESPACE}/workflows/${continued.runId}/${continued.executionRunId}/history`,
        [
          new RegExp(`Completed\\s+${escape(continued.runId)}`, 'i'),
          new RegExp(`Run ID\\s+${escape(continued.executionRunId)}`),
          /Workflow Execution Completed/,
          // Input: seeded with the cancelled execution's completed model step. Result: the final answer.
          /"seed"/,
          /"step-0-model"/,
          new RegExp(`"output": "${escape(`The long_running_task finished after ${SECONDS} seconds.`)}"`),
          // History: the cut-off tool call runs again.
          /Activity Type\s+callTool\s+Summary\s+tool long_running_task/,
        ],
        'the continuation: status Completed, its seed, the re-run tool and the final answer',
        { shot: 'continued-execution' },
      );
      assert.doesNotMatch(text, /Workflow Execution Cancel/, 'the continuation was not cancelled');
      const modelCalls = text.match(/Activity Type\s+callModel\b/g) ?? [];
      assert.equal(modelCalls.length, 1, 'one model call in the continuation: the first turn came from the seed');
    } finally {
      await page.close();
    }
  });
});

describe('Current Details: the live transcript of a running, a cancelled and a continued run', () => {
  test('running → cancelled → continued, each shown in the Web UI as it happens', { skip }, async () => {
    const harness = h!;
    gate.hold = true;
    gate.started = 0;
    harness.fake.setResponder(
      scriptedResponder([toolTurn([{ name: 'gated_task', input: { ticket: 'T-42' } }]), textTurn('Ticket T-42 is processed; all done.')]),
    );
    const agent = harness.agent();
    const pending = agent.do(new Task({ description: 'Process ticket T-42 with gated_task.', tools: [gatedTask] }));
    await waitFor(() => gate.started === 1, 'gated_task to start');
    const runId = agent.runId!;
    const page = await browser!.newPage({ viewport: { width: 1600, height: 1000 } });
    try {
      const first = (await harness.client.workflow.getHandle(runId).describe()).runId;
      await currentDetailsShow(
        page,
        `${uiUrl}/namespaces/${NAMESPACE}`,
        runId,
        first,
        [/Status:\s*running/, /Execution:\s*1/, /Task:\s*Process ticket T-42 with gated_task\./, /Tool call\s+gated_task\s+\{"ticket":"T-42"\}\s*·\s*running/, /Running:\s*tool:gated_task \(step 1\)/],
        'current-details-running',
      );

      await cancelRun(runId, { client: harness.client });
      const cancelled = await pending;
      assert.equal(cancelled.status, RunStatus.cancelled);
      await currentDetailsShow(
        page,
        `${uiUrl}/namespaces/${NAMESPACE}`,
        runId,
        cancelled.executionRunId,
        [/Status:\s*cancelled\s*—\s*cancelled by request/, /Tool call\s+gated_task\s+\{"ticket":"T-42"\}\s*·\s*cancelled/],
        'current-details-cancelled',
      );

      gate.hold = false;
      const continued = await agent.continueRun({ runId });
      assert.equal(continued.status, RunStatus.completed);
      const text = await currentDetailsShow(
        page,
        `${uiUrl}/namespaces/${NAMESPACE}`,
        runId,
        continued.executionRunId,
        [
          /Status:\s*completed\s*—\s*the model ended its turn \(end_turn\)/,
          new RegExp(`Execution:\\s*2 \\(continues ${escape(cancelled.executionRunId)}\\)`),
          /Tool call\s+gated_task\s+\{"ticket":"T-42"\}\s*·\s*completed \(execution 2\)/,
          /Tool result\s+gated_task:\s*Ticket T-42 processed\./,
          /Model:\s*Ticket T-42 is processed; all done\./,
        ],
        'current-details-continued',
      );
      assert.doesNotMatch(text, /Running:/, 'nothing runs any more');
    } finally {
      gate.hold = false;
      await page.close();
    }
  });
});
