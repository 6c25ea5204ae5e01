// The run's event stream over HTTP (`durable-agent serve`): Server-Sent Events from any offset, resumed through
// Last-Event-ID; a token on every request when one is set (a request without it is refused and learns nothing of the
// run); no listening beyond loopback without a token; and the live page in headless Chromium, reloaded mid-run, ends
// with every step and the whole text exactly once.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { startRunEventsServer, type RunEventsServer, Task } from '../src/index.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import { waitTool } from './helpers/wait-tool.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing: install it with \`bash scripts/install-chromium.sh\``;
const TOKEN = 'serve-test-token';
const FIRST = 'I will wait for the kettle, then tell you about it in some detail so this takes a moment. ';
const LAST = 'The kettle has boiled: tea is ready, and nothing was said twice.';

const wait = waitTool;

let h: Harness;
let server: RunEventsServer;
before(async () => {
  h = await startHarness({ tools: [wait] });
  server = await startRunEventsServer({ client: h.client, token: TOKEN });
});
after(async () => {
  await server?.close();
  await h?.close();
});

function script(chunkDelayMs: number): void {
  h.fake.setResponder(
    scriptedResponder([toolTurn([{ name: 'wait', input: { ms: 800 } }], { text: FIRST, chunkDelayMs }), textTurn(LAST, { chunkDelayMs })]),
  );
}

interface Sse {
  id: string;
  event: string;
  data: { type: string; offset: number; nextOffset: number; text?: string };
}

/** Every event of one SSE response, until the server ends it. */
async function readSse(url: string, headers: Record<string, string> = {}): Promise<Sse[]> {
  const response = await fetch(url, { headers });
  assert.equal(response.status, 200, await response.clone().text());
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const events: Sse[] = [];
  for (const block of (await response.text()).split('\n\n')) {
    const fields = Object.fromEntries(block.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
    if (fields.event && fields.event !== 'end') events.push({ id: fields.id ?? '', event: fields.event, data: JSON.parse(fields.data ?? '{}') as Sse['data'] });
  }
  return events;
}

const textOf = (events: Sse[]): string => events.map((e) => e.data.text ?? '').join('');

describe('GET /runs/:runId/events', () => {
  test('from any offset, and resumed with Last-Event-ID: the same log, nothing lost or doubled', async () => {
    script(0);
    const output = await h.agent().do(new Task({ description: 'Boil the kettle.', tools: [wait] }));
    const base = `${server.url}/runs/${output.runId}/events`;
    const all = await readSse(`${base}?token=${TOKEN}`);
    assert.equal(all.at(-1)?.event, 'completed');
    assert.equal(textOf(all), FIRST + LAST);
    for (const e of all) assert.equal(e.id, String(e.data.nextOffset));
    // Cut after the fourth event, resume from its id: as an EventSource does after a dropped connection.
    const cut = all[3]!;
    const rest = await readSse(base, { authorization: `Bearer ${TOKEN}`, 'last-event-id': cut.id });
    assert.equal(rest[0]!.data.offset, cut.data.nextOffset);
    assert.equal(textOf([...all.slice(0, 4), ...rest]), FIRST + LAST);
    assert.deepEqual(rest.map((e) => e.event), all.slice(4).map((e) => e.event));
    const fromQuery = await readSse(`${base}?from=${cut.id}&token=${TOKEN}`);
    assert.deepEqual(fromQuery.map((e) => e.data), rest.map((e) => e.data));
  });

  test('without the token, or with a wrong one: refused, and nothing of the run in the answer', async () => {
    script(0);
    const output = await h.agent().do(new Task({ description: 'Boil the secret kettle.', tools: [wait] }));
    for (const [path, headers] of [
      [`/runs/${output.runId}/events`, {}],
      [`/runs/${output.runId}/events?token=wrong`, {}],
      [`/runs/${output.runId}`, { authorization: 'Bearer wrong' }],
      ['/runs/no-such-run/events', {}],
    ] as Array<[string, Record<string, string>]>) {
      const response = await fetch(`${server.url}${path}`, { headers });
      const body = await response.text();
      assert.equal(response.status, 401, path);
      assert.equal(body.trim(), 'unauthorized');
      for (const secret of ['secret kettle', 'kettle', output.runId, 'waited']) assert.ok(!body.includes(secret), `${path} leaks ${secret}`);
    }
    assert.equal((await fetch(`${server.url}/runs/no-such-run/events?token=${TOKEN}`)).status, 404);
  });

  test('listening beyond loopback needs a token', async () => {
    await assert.rejects(startRunEventsServer({ client: h.client, host: '0.0.0.0', token: '' }), /needs a token/);
  });
});

describe('the live page', { skip }, () => {
  test('headless Chromium follows a run, is reloaded mid-run, and ends with every step and the whole text exactly once', async () => {
    script(40);
    const handle = await h.agent().start(new Task({ description: 'Boil the kettle slowly.', tools: [wait] }));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/runs/${handle.runId}?token=${TOKEN}`);
      const log = async (): Promise<string> => (await page.textContent('#log')) ?? '';
      await waitFor(async () => (await log()).includes(FIRST.slice(0, 30)), 'some of the first text on the page');
      const before = await log();
      assert.ok(!before.includes(LAST), 'reloaded while the run still works');
      await page.reload();
      await waitFor(async () => (await page.textContent('#status')) === 'completed', 'the page to show the run completed', 30_000);
      const text = await log();
      const count = (needle: string): number => text.split(needle).length - 1;
      assert.ok(text.startsWith(before.trimEnd().slice(0, 20)));
      assert.equal(count(FIRST), 1, text);
      assert.equal(count(LAST), 1, text);
      assert.equal(count('✓ step'), 3, text);
      assert.equal(count('● step'), 3, text);
      assert.equal(count('→ wait: waited 800 ms'), 1, text);
      assert.equal(count('■ completed'), 1, text);
    } finally {
      await browser.close();
    }
  });
});
