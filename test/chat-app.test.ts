// The chat example end to end (issue 29's "Must show"): headless Chromium (playwright-core) drives the example page
// (useChat from @ai-sdk/react on DurableChatTransport) served by createChatHandler, against the real Temporal dev
// server, a real worker with the example's tools and the fake Anthropic model over HTTP. Proves: Stop is a durable
// cancel (cancelled in Temporal, tool aborted (how fast: the chat bench), no further model request), a reload resumes the answer with
// no gap or duplicate, Play continues from the cut point (the fake's counts, the tool's checkpoint), approvals with
// useChat's own addToolApprovalResponse (sent on by useChat, answered by the transport: one answerRun, the run read on
// from the stream it had open, no step repeated; another tab follows live; a second answer refused; a rejection), Stop in one tab / Play in another, and the handler's security and typed
// errors. Screenshots: .artifacts/chat-app/*.png. Needs /usr/bin/chromium (scripts/install-chromium.sh); skipped without it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { getRunOutput } from '../src/index.js';
import { startChatApp, type ChatApp } from '../examples/chat-app/app.js';
import { chatResponder, STORY } from '../examples/chat-app/responder.js';
import { chatTools, toolLog } from '../examples/chat-app/tools.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { ROOT } from './helpers/servers.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(ROOT, '.artifacts', 'chat-app');
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing: install it with \`bash scripts/install-chromium.sh\` to run the chat app test`;
if (skip) console.log(`# chat-app.test.ts skipped: ${skip}`);

let h: Harness | undefined;
let app: ChatApp | undefined;
let browser: Browser | undefined;

before(async () => {
  if (skip) return;
  h = await startHarness({ tools: chatTools });
  h.fake.setResponder(chatResponder);
  app = await startChatApp({ client: h.client, taskQueue: h.taskQueue, bodyLimit: 16 * 1024 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  mkdirSync(SHOTS, { recursive: true });
});
after(async () => {
  await browser?.close();
  await app?.close();
  await h?.close();
});

async function openChat(chat: string, user = 'alice'): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width: 900, height: 900 } });
  await page.goto(`${app!.url}/?chat=${chat}&user=${user}`);
  return page;
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId('input').fill(text);
  await page.getByTestId('send').click();
}

async function runStatus(page: Page): Promise<string> {
  return page.getByTestId('run-status').innerText();
}

async function shows(page: Page, what: string, check: () => Promise<boolean>, shot: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      await page.screenshot({ path: join(SHOTS, `${shot}-FAILED.png`), fullPage: true });
      assert.fail(`the page never showed ${what}. Page text:\n${(await page.locator('body').innerText()).slice(0, 2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await page.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: true });
}

const statusIs = (page: Page, status: string) => async () => (await runStatus(page)) === status;
const assistantText = async (page: Page): Promise<string> => (await page.getByTestId('msg-assistant').last().getByTestId('text').allInnerTexts()).join('');
const crunchLog = (since: number) => toolLog.slice(since).filter((e) => e.tool === 'crunch_numbers');

/** The run ids of the chat (the handler's view, as the owner). */
async function chatRuns(chat: string): Promise<string[]> {
  const response = await fetch(`${app!.url}/api/chat/chats/${chat}`, { headers: { 'x-demo-user': 'alice' } });
  return ((await response.json()) as { runs: string[] }).runs;
}

/** The run id of the chat: its latest. */
async function runOf(chat: string): Promise<string> {
  return (await chatRuns(chat)).at(-1)!;
}

/** The chat requests a page sends from now on (`METHOD /path`), in order. */
function chatRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/chat/')) seen.push(`${r.method()} ${url.pathname}`);
  });
  return seen;
}

describe('chat app: Stop, Play, reload, approvals, two tabs (Chromium, real Temporal and worker)', { skip }, () => {
  test('Stop during the slow tool is a durable cancel; Play continues from the cut point', async () => {
    const since = toolLog.length;
    const page = await openChat('c-stop');
    try {
      await send(page, 'crunch 8 units please');
      // Two units done (two checkpoints), the third under way.
      await waitFor(() => crunchLog(since).filter((e) => e.event === 'unit').length >= 2, 'two units of crunch_numbers');
      const requestsBefore = h!.fake.requests.length;
      assert.equal(requestsBefore, 1, 'one model turn so far: the one that called the tool');
      // The running call shows its input (before it completes): the handler looked it up in the run's live steps when
      // the step started.
      await shows(page, "the running tool's input", async () => (await page.locator('body').innerText()).includes('Tool crunch_numbers {"units":8,"unitMs":500} · input-available'), 'stop-input');
      let stopSentAt = 0;
      page.on('request', (r) => {
        if (r.url().endsWith('/stop')) stopSentAt = Date.now();
      });
      const clickedAt = Date.now();
      await page.getByTestId('stop').click();
      // The tool's signal fires (it logs 'aborted'); how fast is the chat bench's goal (Stop click → tool aborted).
      await waitFor(() => crunchLog(since).some((e) => e.event === 'aborted'), 'the tool to be aborted', 10_000);
      const aborted = crunchLog(since).find((e) => e.event === 'aborted')!;
      const stopToAbortMs = aborted.at - clickedAt;
      console.log(`# stop click → tool aborted: ${stopToAbortMs} ms (click → POST stop ${stopSentAt - clickedAt} ms)`);
      await shows(page, 'the run stopped', statusIs(page, 'stopped'), 'stopped');
      const runId = await runOf('c-stop');
      const described = await h!.client.workflow.getHandle(runId).describe();
      assert.equal(described.status.name, 'CANCELLED', 'the run is cancelled in Temporal');
      const unitsDone = crunchLog(since).filter((e) => e.event === 'unit').length;
      await new Promise((r) => setTimeout(r, 1_500));
      assert.equal(h!.fake.requests.length, requestsBefore, 'the fake model receives no further request after Stop');
      assert.equal(crunchLog(since).filter((e) => e.event === 'unit').length, unitsDone, 'and the tool does no further unit');

      const playSince = toolLog.length;
      await page.getByTestId('play').click();
      await shows(page, 'the continued run done', statusIs(page, 'done'), 'played');
      const text = await assistantText(page);
      assert.match(text, new RegExp(`Done: crunched 8 units \\(resumed from unit ${unitsDone}\\)`), `the answer completes in the page: ${text}`);
      const after = crunchLog(playSince);
      assert.deepEqual(after.filter((e) => e.event === 'start').map((e) => e.unit), [unitsDone], 'the cut tool resumed from its checkpoint');
      assert.ok(after.filter((e) => e.event === 'unit').every((e) => (e.unit ?? 0) >= unitsDone), 'no unit done twice');
      const requests = h!.fake.requests.slice(requestsBefore);
      assert.equal(requests.length, 1, 'Play asks the model once: the completed first turn is not re-requested');
      assert.equal(requests[0]!.turn, 1, 'and that request is the second turn (after the tool result)');
      assert.equal(text.match(/Crunching now\./g)?.length, 1, 'the first turn is shown once');
    } finally {
      await page.close();
    }
  });

  test('a reload mid-answer resumes the transcript and the streaming answer with no gap and no duplicate', async () => {
    const page = await openChat('c-story');
    try {
      await send(page, 'tell me a story');
      await shows(page, 'the answer streaming', async () => (await assistantText(page)).length > 40, 'story-before-reload');
      const before = await assistantText(page);
      assert.ok(STORY.startsWith(before) && before.length < STORY.length, 'reloaded mid-answer');
      const reloadAt = Date.now();
      await page.reload();
      let firstTokenMs: number | undefined;
      const seen: string[] = [];
      const deadline = Date.now() + 20_000;
      for (;;) {
        const text = await assistantText(page).catch(() => '');
        if (text && firstTokenMs === undefined) firstTokenMs = Date.now() - reloadAt;
        if (text) seen.push(text);
        assert.ok(STORY.startsWith(text), `every sample of the answer is a prefix of the story (no gap, no duplicate): ${text}`);
        if (text === STORY && (await runStatus(page)) === 'done') break;
        assert.ok(Date.now() < deadline, `the story completed after the reload; last: ${text}`);
        await new Promise((r) => setTimeout(r, 40));
      }
      console.log(`# reload → first resumed text: ${firstTokenMs} ms`);
      const grew = seen.filter((t, i) => i === 0 || t !== seen[i - 1]).length;
      assert.ok(grew >= 2, 'the answer kept streaming after the reload (it grew live)');
      const users = await page.getByTestId('msg-user').allInnerTexts();
      assert.deepEqual(users.map((u) => u.replace(/^You\s*/, '')), ['tell me a story'], 'the transcript came back: the question once');
      await page.screenshot({ path: join(SHOTS, 'reloaded.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  test('approval: the card appears, Approve in tab A (useChat sends it on: answerRun), tab B sees it live, a second approval is refused', async () => {
    const since = toolLog.length;
    const requestsBefore = h!.fake.requests.length;
    const a = await openChat('c-approve');
    const aRequests = chatRequests(a);
    let b: Page | undefined;
    try {
      await send(a, 'deploy web');
      await shows(a, 'the approval card', async () => (await a.getByTestId('approval-card').count()) === 1, 'approval-card');
      b = await openChat('c-approve');
      const bRequests = chatRequests(b);
      await shows(b, 'the approval card in tab B', async () => (await b!.getByTestId('approval-card').count()) === 1, 'approval-card-tab-b');
      const runId = await runOf('c-approve');
      const beforeClick = aRequests.length;
      await a.getByTestId('approve').click();
      await shows(b, 'the deploy result live in tab B', async () => (await b!.getByTestId('tool-output').allInnerTexts()).join('').includes('deployed web'), 'approved-tab-b');
      await shows(a, 'the run done in tab A', statusIs(a, 'done'), 'approved-tab-a');
      await shows(b, 'the run done in tab B, live', statusIs(b, 'done'), 'approved-tab-b-done');
      // The page called only useChat's addToolApprovalResponse: useChat sent the approval on (sendAutomaticallyWhen),
      // the transport answered the run with it and read the run on from the stream it had open: no new message, no
      // new run, no second stream.
      assert.deepEqual(aRequests.slice(beforeClick), [`POST /api/chat/runs/${runId}/answer`], 'tab A sent one answer and nothing else');
      assert.ok(!bRequests.some((r) => r.includes('/answer')), `tab B answered nothing: ${bRequests.join(', ')}`);
      const text = await assistantText(a);
      assert.match(text, /^I will deploy web\.Done: deployed web\. Anything else\?$/, `tab A shows the one answer, its first turn once: ${text}`);
      assert.equal(await a.getByTestId('msg-assistant').count(), 1, 'one assistant message in tab A');
      assert.equal(await b.getByTestId('msg-assistant').count(), 1, 'one assistant message in tab B');

      const output = await getRunOutput(runId, { client: h!.client });
      assert.equal(output.status, 'completed');
      assert.equal((await chatRuns('c-approve')).length, 1, 'one run in the chat');
      const completed = output.stepResults.filter((s) => s.status === 'completed').map((s) => s.activityId);
      assert.equal(new Set(completed).size, completed.length, `no completed step repeated: ${completed.join(', ')}`);
      assert.deepEqual(output.stepResults.map((s) => `${s.name}:${s.status}`), ['model:completed', 'tool:deploy_service:completed', 'model:completed']);
      assert.equal(output.stepResults[1]!.output, 'deployed web');
      assert.deepEqual(h!.fake.requests.slice(requestsBefore).map((r) => r.turn), [0, 1], 'the model was asked twice: before and after the approved call');
      assert.equal(toolLog.slice(since).filter((e) => e.tool === 'deploy_service' && e.event === 'start').length, 1, 'the approved tool ran once');

      const second = await fetch(`${app!.url}/api/chat/runs/${runId}/answer`, {
        method: 'POST',
        headers: { 'x-demo-user': 'alice', 'content-type': 'application/json' },
        body: JSON.stringify({ answers: [{ id: await approvalIdOf(runId), approve: true }] }),
      });
      assert.equal(second.status, 409, 'a second approval of the same request is refused');
      assert.equal(((await second.json()) as { error: { code: string } }).error.code, 'already_answered');
    } finally {
      await a.close();
      await b?.close();
    }
  });

  test('after a reload, Reject: useChat sends the rejection on, the run goes on without the call', async () => {
    const since = toolLog.length;
    const page = await openChat('c-reject-approval');
    try {
      await send(page, 'deploy web');
      await shows(page, 'the approval card', async () => (await page.getByTestId('approval-card').count()) === 1, 'reject-card');
      // The card comes back from the run's stream (replayed), and the answer still goes out through useChat.
      await page.reload();
      const requests = chatRequests(page);
      await shows(page, 'the approval card after the reload', async () => (await page.getByTestId('approval-card').count()) === 1, 'reject-card-reloaded');
      const runId = await runOf('c-reject-approval');
      const beforeClick = requests.length;
      await page.getByTestId('reject').click();
      await shows(page, 'the run done', statusIs(page, 'done'), 'rejected');
      assert.deepEqual(requests.slice(beforeClick), [`POST /api/chat/runs/${runId}/answer`]);
      const output = await getRunOutput(runId, { client: h!.client });
      assert.equal(output.status, 'completed');
      assert.equal(toolLog.slice(since).filter((e) => e.tool === 'deploy_service').length, 0, 'the rejected tool never ran');
      assert.equal(await page.getByTestId('approval-card').count(), 0, 'the card is gone');
    } finally {
      await page.close();
    }
  });

  test('Stop in tab A while tab B watches: both show stopped; Play in B continues it', async () => {
    const since = toolLog.length;
    const a = await openChat('c-two-tabs');
    let b: Page | undefined;
    try {
      await send(a, 'crunch 8 units');
      await waitFor(() => crunchLog(since).some((e) => e.event === 'start'), 'crunch_numbers to start');
      b = await openChat('c-two-tabs');
      await shows(b, 'the tool running in tab B', async () => (await b!.getByTestId('tool-crunch_numbers').count()) === 1 && (await runStatus(b!)) === 'running', 'two-tabs-b-watching');
      await a.getByTestId('stop').click();
      await shows(a, 'stopped in tab A', statusIs(a, 'stopped'), 'two-tabs-a-stopped');
      await shows(b, 'stopped in tab B', statusIs(b, 'stopped'), 'two-tabs-b-stopped');
      await b.getByTestId('play').click();
      await shows(b, 'the run done in tab B', statusIs(b, 'done'), 'two-tabs-b-played');
      assert.match(await assistantText(b), /Done: crunched 8 units/);
    } finally {
      await a.close();
      await b?.close();
    }
  });
});

/** The tool_use id the approval was for (the run's deploy_service step). */
async function approvalIdOf(runId: string): Promise<string> {
  const response = await fetch(`${app!.url}/api/chat/runs/${runId}/stream?from=0`, { headers: { 'x-demo-user': 'alice' } });
  const text = await response.text();
  return /"approvalId":"([^"]+)"/.exec(text)?.[1] ?? 'missing';
}

describe('chat handler: security and typed errors (real handler, real Temporal)', { skip }, () => {
  const call = async (path: string, init: { method?: string; user?: string | null; body?: string; type?: string } = {}): Promise<{ status: number; text: string }> => {
    const headers: Record<string, string> = {};
    if (init.user !== null) headers['x-demo-user'] = init.user ?? 'alice';
    if (init.body !== undefined) headers['content-type'] = init.type ?? 'application/json';
    const response = await fetch(`${app!.url}/api/chat${path}`, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: init.body } : {}), signal: AbortSignal.timeout(10_000) });
    return { status: response.status, text: await response.text() };
  };
  const code = (text: string): string => (JSON.parse(text) as { error: { code: string } }).error.code;

  test("another user's chat and run: 404 with no run content; no caller: 401", async () => {
    const runId = await runOf('c-story');
    for (const [path, method] of [
      ['/chats/c-story', 'GET'],
      ['/chats/c-story/stream', 'GET'],
      [`/runs/${runId}/stream`, 'GET'],
      [`/runs/${runId}/stop`, 'POST'],
      [`/runs/${runId}/play`, 'POST'],
      [`/runs/${runId}/answer`, 'POST'],
    ] as const) {
      const r = await call(path, { method, user: 'bob', ...(method === 'POST' ? { body: '{}' } : {}) });
      assert.equal(r.status, 404, `bob ${method} ${path}`);
      assert.ok(!r.text.includes('story') && !r.text.includes(runId.slice(4)), `no run content for bob: ${r.text}`);
    }
    // bob cannot take alice's chat over by posting to it either.
    const post = await call('/chats/c-story/messages', { method: 'POST', user: 'bob', body: JSON.stringify({ message: 'hi' }) });
    assert.equal(post.status, 404);
    assert.equal((await call('/chats/c-story', { user: null })).status, 401);
  });

  test("a message while the chat's run runs: 'interrupt' stops it and redirects it with the message; 'reject' is 409", async () => {
    const since = toolLog.length;
    const first = await fetch(`${app!.url}/api/chat/chats/c-interrupt/messages`, {
      method: 'POST',
      headers: { 'x-demo-user': 'alice', 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'crunch 20 units' }),
    });
    assert.equal(first.headers.get('x-vercel-ai-ui-message-stream'), 'v1');
    const runId = first.headers.get('x-durable-run-id')!;
    await waitFor(() => crunchLog(since).some((e) => e.event === 'unit'), 'a unit of crunch_numbers');
    const requestsBefore = h!.fake.requests.length;
    const redirect = await call('/chats/c-interrupt/messages', { method: 'POST', body: JSON.stringify({ message: 'tell me a story instead' }) });
    await first.body?.cancel();
    assert.equal(redirect.status, 200);
    assert.ok(crunchLog(since).some((e) => e.event === 'aborted'), 'the running tool was aborted');
    const deltas = redirect.text
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => JSON.parse(l.slice(6)) as { type: string; delta?: string; data?: { status: string } });
    assert.equal(deltas.filter((c) => c.type === 'text-delta').map((c) => c.delta).join(''), STORY, 'the redirected run answers the new message');
    assert.equal(deltas.filter((c) => c.type === 'data-run').pop()?.data?.status, 'completed');
    assert.equal(await runOf('c-interrupt'), runId, 'the same run, continued (not a new one)');
    const asked = h!.fake.requests.slice(requestsBefore);
    assert.equal(asked.length, 1, 'one model request after the interrupt');
    assert.match(JSON.stringify(asked[0]!.body.messages[asked[0]!.body.messages.length - 1]), /tell me a story instead/);

    const strict = await startChatApp({ client: h!.client, taskQueue: h!.taskQueue, whileRunning: 'reject' });
    try {
      const started = await fetch(`${strict.url}/api/chat/chats/c-reject/messages`, {
        method: 'POST',
        headers: { 'x-demo-user': 'alice', 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'crunch 20 units' }),
      });
      const rejectedRun = started.headers.get('x-durable-run-id')!;
      const second = await fetch(`${strict.url}/api/chat/chats/c-reject/messages`, {
        method: 'POST',
        headers: { 'x-demo-user': 'alice', 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'and another thing' }),
      });
      assert.equal(second.status, 409);
      assert.equal(code(await second.text()), 'run_still_running');
      await started.body?.cancel();
      const stopped = await fetch(`${strict.url}/api/chat/runs/${rejectedRun}/stop`, {
        method: 'POST',
        headers: { 'x-demo-user': 'alice', 'content-type': 'application/json' },
        body: '{"mode":"now"}',
      });
      assert.deepEqual(await stopped.json(), { runId: rejectedRun, status: 'cancelled' });
    } finally {
      await strict.close();
    }
  });

  test('typed errors: unknown run, stop of a finished run, malformed and oversized bodies', async () => {
    const unknown = await call('/runs/run-nope/stop', { method: 'POST', body: '{}' });
    assert.deepEqual([unknown.status, code(unknown.text)], [404, 'run_not_found']);
    const finished = await call(`/runs/${await runOf('c-story')}/stop`, { method: 'POST', body: '{}' });
    assert.deepEqual([finished.status, code(finished.text)], [409, 'run_not_running']);
    const notJson = await call('/chats/c-new/messages', { method: 'POST', body: '{"message": ' });
    assert.deepEqual([notJson.status, code(notJson.text)], [400, 'malformed_body']);
    const noMessage = await call('/chats/c-new/messages', { method: 'POST', body: '{"text": 1}' });
    assert.deepEqual([noMessage.status, code(noMessage.text)], [400, 'malformed_body']);
    const badMode = await call(`/runs/${await runOf('c-story')}/stop`, { method: 'POST', body: '{"mode":"later"}' });
    assert.deepEqual([badMode.status, code(badMode.text)], [400, 'malformed_body']);
    const huge = await call('/chats/c-new/messages', { method: 'POST', body: JSON.stringify({ message: 'x'.repeat(20_000) }) });
    assert.deepEqual([huge.status, code(huge.text)], [413, 'body_too_large']);
    const play = await call(`/runs/${await runOf('c-story')}/play`, { method: 'POST', body: '{}' });
    assert.deepEqual([play.status, code(play.text)], [409, 'run_completed']);
    const badChat = await call('/chats/bad%20id!/messages', { method: 'POST', body: '{"message":"x"}' });
    assert.deepEqual([badChat.status, code(badChat.text)], [400, 'invalid_chat_id']);
  });
});
