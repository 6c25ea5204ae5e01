// Encrypted runs stay readable in the local Web UI: the dev server's UI is configured with a codec endpoint
// (`--ui-codec-endpoint`, as `durable-agent dev` does when DURABLE_AGENT_CODEC_KEY is set), the codec server trusts
// that UI's origin on loopback without a token, and headless Chromium sees the decrypted task and result while the
// Temporal server holds only ciphertext. Anyone else still gets 401/403. Screenshots: .artifacts/web-ui/.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { encryptedDataConverter, startCodecServer, type CodecServer, Task, RunStatus, type RunOutput } from '../src/index.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import { countingTools, ToolCounter } from './helpers/counting-tools.js';
import { startHarness, type Harness } from './helpers/harness.js';
import { freePort, ROOT } from './helpers/servers.js';
import { currentDetailsShow } from './helpers/web-ui.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(ROOT, '.artifacts', 'web-ui');
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing: install it with \`bash scripts/install-chromium.sh\` (Debian, as root)`;
if (skip) console.log(`# web-ui-codec.test.ts skipped: ${skip}`);

const KEY = randomBytes(32).toString('hex');
const TOKEN = `token-${process.pid}`;
const MARKER = `confidential-${randomBytes(6).toString('hex')}`;
const ANSWER = `The report for ${MARKER} is filed.`;
const tools = countingTools(new ToolCounter());

let h: Harness | undefined;
let codec: CodecServer | undefined;
let browser: Browser | undefined;
let uiPort = 0;
let run: RunOutput | undefined;

before(async () => {
  if (skip) return;
  uiPort = await freePort();
  codec = await startCodecServer({ key: KEY, token: TOKEN, trustedLocalOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`] });
  h = await startHarness({ tools, uiPort, uiCodecEndpoint: codec.url, dataConverter: encryptedDataConverter({ key: KEY }) });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  mkdirSync(SHOTS, { recursive: true });
});
after(async () => {
  await browser?.close();
  await h?.close();
  await codec?.close();
});

/** A request to the codec server with the headers a caller chooses (Host included, which fetch() will not let us set). */
function send(method: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const body = method === 'POST' ? JSON.stringify({ payloads: [] }) : undefined;
  return new Promise((resolve, reject) => {
    const req = request(`${codec!.url}${path}`, { method, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function post(path: string, headers: Record<string, string>): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return send('POST', path, headers);
}

describe('the Web UI reads encrypted runs through the codec endpoint', () => {
  test('an encrypted run: the server stores only ciphertext', { skip }, async () => {
    const harness = h!;
    harness.fake.setResponder(scriptedResponder([toolTurn([{ name: 'long_running_task', input: { seconds: 1 } }]), textTurn(ANSWER)]));
    run = await harness.agent().do(new Task({ description: `File the report for ${MARKER}.`, tools: [tools[0]!] }));
    assert.equal(run.status, RunStatus.completed);
    const raw = JSON.stringify(await harness.env.client.workflow.getHandle(run.runId, run.executionRunId).fetchHistory());
    assert.equal(raw.includes(MARKER), false, 'the marker is nowhere in the raw history');
    assert.equal(raw.includes(Buffer.from(MARKER).toString('base64').slice(0, 12)), false, 'not even base64-encoded');
    // Current Details reach the UI as the answer of Temporal's metadata query: encrypted by the worker as well.
    const { queryResult } = await harness.env.client.workflowService.queryWorkflow({
      namespace: 'default',
      execution: { workflowId: run.runId, runId: run.executionRunId },
      query: { queryType: '__temporal_workflow_metadata' },
    });
    const answer = queryResult?.payloads?.[0];
    assert.equal(Buffer.from(answer?.metadata?.encoding ?? []).toString(), 'binary/encrypted', 'the metadata query answer is encrypted');
    assert.equal(Buffer.from(answer?.data ?? []).toString('latin1').includes(MARKER), false);
  });

  test('headless Chromium: the execution page shows the decrypted task and result', { skip }, async () => {
    assert.ok(run, 'the encrypted run completed');
    const page = await browser!.newPage({ viewport: { width: 1600, height: 1000 } });
    try {
      const url = `http://127.0.0.1:${uiPort}/namespaces/default/workflows/${run.runId}/${run.executionRunId}/history`;
      await page.goto(url);
      const deadline = Date.now() + 30_000;
      let text = '';
      for (;;) {
        text = await page.locator('body').innerText();
        if (text.includes(`File the report for ${MARKER}.`) && text.includes(ANSWER)) break;
        if (Date.now() > deadline) {
          await page.screenshot({ path: join(SHOTS, 'encrypted-run-decoded-FAILED.png'), fullPage: true });
          assert.fail(`the Web UI at ${url} did not show the decrypted input and result within 30 s. Page text:\n${text.slice(0, 2000)}`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      await page.screenshot({ path: join(SHOTS, 'encrypted-run-decoded.png'), fullPage: true });
      assert.doesNotMatch(text, /binary\/encrypted/, 'no payload is left encrypted on the page');
    } finally {
      await page.close();
    }
  });

  test('headless Chromium: Current Details show the decrypted transcript of the encrypted run', { skip }, async () => {
    assert.ok(run, 'the encrypted run completed');
    const page = await browser!.newPage({ viewport: { width: 1600, height: 1000 } });
    try {
      // The details travel as a query answer the worker encrypts; the UI decodes them through the codec endpoint.
      const text = await currentDetailsShow(
        page,
        `http://127.0.0.1:${uiPort}/namespaces/default`,
        run.runId,
        run.executionRunId,
        [/Status:\s*completed/, new RegExp(`Task:\\s*File the report for ${MARKER}\\.`), /Tool call\s+long_running_task\s+\{"seconds":1\}\s*·\s*completed/, new RegExp(`Model:\\s*${ANSWER.replace(/\./g, '\\.')}`)],
        'encrypted-run-current-details',
      );
      assert.doesNotMatch(text, /binary\/encrypted/);
    } finally {
      await page.close();
    }
  });

  test('CORS: the local UI’s origin may call from a browser, other origins get no CORS grant', { skip }, async () => {
    const ui = `http://127.0.0.1:${uiPort}`;
    const preflight = await send('OPTIONS', '/decode', { origin: ui, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], ui);
    assert.match(String(preflight.headers['access-control-allow-headers']), /content-type/);
    assert.match(String(preflight.headers['access-control-allow-headers']), /x-namespace/);
    const ok = await post('/decode', { origin: ui });
    assert.equal(ok.headers['access-control-allow-origin'], ui, 'the answer is readable by the UI');
    for (const origin of ['http://evil.example', `http://127.0.0.1:${uiPort + 1}`]) {
      const other = await send('OPTIONS', '/decode', { origin, 'access-control-request-method': 'POST' });
      assert.equal(other.headers['access-control-allow-origin'], undefined, `no CORS grant for ${origin}`);
      const refused = await post('/decode', { origin });
      assert.equal(refused.status, 401);
      assert.equal(refused.headers['access-control-allow-origin'], undefined, `${origin} cannot even read the refusal`);
    }
  });

  test('anyone but the local UI still needs the token: 401 without it, 403 with a wrong one', { skip }, async () => {
    const port = new URL(codec!.url).port;
    const ui = `http://127.0.0.1:${uiPort}`;
    assert.equal((await post('/decode', { origin: ui })).status, 200, 'the local UI, token-less');
    assert.equal((await post('/decode', {})).status, 401, 'no origin, no token');
    assert.equal((await post('/decode', { origin: 'http://evil.example' })).status, 401, 'another origin');
    assert.equal((await post('/decode', { origin: ui, host: `evil.example:${port}` })).status, 401, 'a DNS-rebinding page: right origin header, foreign Host');
    assert.equal((await post('/decode', { origin: ui, authorization: 'Bearer wrong' })).status, 403, 'a wrong token is refused even from the UI');
    assert.equal((await post('/decode', { authorization: `Bearer ${TOKEN}` })).status, 200, 'the token works from anywhere that reaches loopback');
    const refused = await post('/decode', { origin: 'http://evil.example' });
    assert.equal(refused.body.includes(MARKER), false, 'a refusal leaks no run content');
  });
});
