// Payload encryption end to end on the CLI dev server: what Temporal stores is ciphertext, the codec client reads and
// continues runs, and the Web UI codec endpoint decrypts for authorised callers only.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { z } from 'zod';
import { sleep, tool, AesGcmCodec, encryptedDataConverter, PayloadDecryptionError, startCodecServer, type CodecServer, Agent, closeConnections, RunEncryptedError, cancelRun, getRunOutput, Task, RunStatus, type RunOutput } from '../src/index.js';
import { CODEC_KEY_ENV, keyFingerprint, parseCodecKey } from '../src/codec/aes-gcm-codec.js';
import { getClient } from '../src/client/connection.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import { workflowBundle } from './helpers/bundle.js';
import { finished, killCliProcesses, startCli } from './helpers/cli-process.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { historyToFile } from './helpers/history-files.js';
import { historyAsPlaintext } from './helpers/history-plaintext.js';

const KEY = randomBytes(32);
const KEY_ID = keyFingerprint(KEY);
const TOKEN = `codec-token-${randomBytes(8).toString('hex')}`;
const UI_ORIGIN = 'http://localhost:8233';

// Distinctive strings that must only ever exist as ciphertext on the Temporal server.
const TASK_TEXT = 'Open the vault for PLAINTEXT-TASK-quetzal-5521.';
const TOOL_ITEM = 'PLAINTEXT-INPUT-ocelot-9083';
const TOOL_PROGRESS = 'PLAINTEXT-PROGRESS-axolotl-4410';
const TOOL_OUTPUT = 'PLAINTEXT-TOOL-OUTPUT-narwhal-7264';
const MODEL_PREAMBLE = 'PLAINTEXT-MODEL-TEXT-pangolin-3187';
const FINAL_TEXT = 'PLAINTEXT-FINAL-ANSWER-okapi-6650';
const SECRET_STRINGS = [TASK_TEXT, TOOL_ITEM, TOOL_PROGRESS, TOOL_OUTPUT, MODEL_PREAMBLE, FINAL_TEXT];

const toolDelay = { ms: 0 };
let toolStarts = 0;
const vaultLookup = tool({
  name: 'vault_lookup',
  description: 'Looks an item up in the vault.',
  input: z.object({ item: z.string() }),
  run: async ({ item }, { signal, heartbeat }) => {
    toolStarts += 1;
    heartbeat({ progress: TOOL_PROGRESS });
    await sleep(toolDelay.ms, signal);
    return `${TOOL_OUTPUT} for ${item}`;
  },
});

const dataConverter = encryptedDataConverter({ key: KEY });
let h: Harness;
let codecServer: CodecServer;
let cancelled: RunOutput;
let continued: RunOutput;
let rawHistories: temporal.api.history.v1.IHistory[] = [];

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}
interface FoundPayload {
  path: string;
  payload: JsonPayload;
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');
const unb64 = (text: string | undefined): string => Buffer.from(text ?? '', 'base64').toString('utf8');

function isPayloadShaped(value: unknown): value is JsonPayload {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const metadata = (value as { metadata?: unknown }).metadata;
  return typeof metadata === 'object' && metadata !== null && Object.values(metadata).every((v) => typeof v === 'string');
}

/** Every Payload in a history JSON: elements of `payloads` arrays, map values (memo, header) and lone ones (summary, failure attributes). */
function findPayloads(node: unknown, path: string, out: FoundPayload[]): void {
  if (Array.isArray(node)) {
    node.forEach((child, i) => findPayloads(child, `${path}[${i}]`, out));
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  if (isPayloadShaped(node)) {
    out.push({ path, payload: node });
    return;
  }
  for (const [key, child] of Object.entries(node)) {
    if (key === 'payloads') {
      assert.ok(Array.isArray(child), `${path}.payloads is a list`);
      for (const [i, p] of (child as unknown[]).entries()) {
        assert.ok(isPayloadShaped(p), `${path}.payloads[${i}] is a Payload with metadata`);
      }
    }
    findPayloads(child, `${path}.${key}`, out);
  }
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${codecServer.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-namespace': 'default', origin: UI_ORIGIN, ...headers },
    body: JSON.stringify(body),
  });
}

before(async () => {
  h = await startHarness({ tools: [vaultLookup], dataConverter, noWorker: true });
  // The worker gets no converter of its own: createWorker must pick the codec up from the environment.
  const saved = process.env[CODEC_KEY_ENV];
  process.env[CODEC_KEY_ENV] = KEY.toString('hex');
  try {
    await h.startWorker({ dataConverter: undefined });
  } finally {
    if (saved === undefined) delete process.env[CODEC_KEY_ENV];
    else process.env[CODEC_KEY_ENV] = saved;
  }
  codecServer = await startCodecServer({ key: KEY.toString('base64'), token: TOKEN, corsOrigin: UI_ORIGIN });

  h.fake.setResponder(
    scriptedResponder([
      toolTurn([{ name: 'vault_lookup', input: { item: TOOL_ITEM } }], { text: MODEL_PREAMBLE }),
      textTurn(FINAL_TEXT),
    ]),
  );
  toolDelay.ms = 60_000;
  const agent = h.agent();
  const pending = agent.do(new Task({ description: TASK_TEXT, tools: [vaultLookup] }));
  await waitFor(() => toolStarts === 1, 'the tool to start');
  await cancelRun(agent.runId!, { client: h.client });
  cancelled = await pending;
  toolDelay.ms = 50;
  continued = await agent.continueRun({ runId: cancelled.runId });
  // fetchHistory returns what the server stores; a client without the codec proves nothing is decoded on the way.
  const plain = h.env.client;
  rawHistories = await Promise.all(
    [cancelled.executionRunId, continued.executionRunId].map((id) => plain.workflow.getHandle(cancelled.runId, id).fetchHistory()),
  );
});

after(async () => {
  killCliProcesses();
  await codecServer?.close();
  await closeConnections();
  await h?.close();
});

describe('AES-GCM codec', () => {
  test('the run was cancelled and continued through the codec client', () => {
    assert.equal(cancelled.status, RunStatus.cancelled);
    assert.deepEqual(
      cancelled.stepResults.map((s) => `${s.name}: ${s.status}`),
      ['model: completed', 'tool:vault_lookup: cancelled'],
    );
    assert.equal(continued.status, RunStatus.completed);
    assert.equal(continued.output, FINAL_TEXT);
    assert.equal(continued.executions, 2);
    const toolStep = continued.stepResults.find((s) => s.name === 'tool:vault_lookup' && s.status === 'completed');
    assert.equal(toolStep?.output, `${TOOL_OUTPUT} for ${TOOL_ITEM}`);
    assert.deepEqual(h.fake.requests.map((r) => r.turn), [0, 1], 'the completed model turn came from the decrypted history');
  });

  test('every payload in both raw histories is encrypted, memo and summary included', () => {
    const found: FoundPayload[] = [];
    rawHistories.forEach((history, i) => findPayloads(JSON.parse(historyToFile(history)), `execution${i + 1}`, found));
    // Search attributes are indexed by the server, so Temporal never passes them through codecs. A patch marker is
    // written by the SDK's core itself, as plain JSON holding only the patch id (checked here), never through codecs.
    const isPatchMarker = (f: FoundPayload): boolean => f.path.includes('.markerRecordedEventAttributes.details.patch-data.');
    for (const marker of found.filter(isPatchMarker)) {
      assert.match(Buffer.from(marker.payload.data ?? '', 'base64').toString(), /^\{"id":"durable-agent\/[a-z-]+","deprecated":false\}$/);
    }
    const encryptedOnes = found.filter((f) => !f.path.includes('.searchAttributes.') && !isPatchMarker(f));
    for (const { path, payload } of encryptedOnes) {
      assert.equal(unb64(payload.metadata?.encoding), 'binary/encrypted', `${path} is encrypted`);
      assert.equal(unb64(payload.metadata?.['encryption-key-id']), KEY_ID, `${path} names its key id`);
      assert.deepEqual(Object.keys(payload.metadata ?? {}).sort(), ['encoding', 'encryption-key-id'], `${path} leaks no other metadata`);
    }
    const paths = encryptedOnes.map((f) => f.path.replace(/\[\d+\]/g, '[]'));
    for (const expected of [
      'workflowExecutionStartedEventAttributes.input.payloads[]',
      'workflowExecutionStartedEventAttributes.memo.fields.task',
      'workflowExecutionStartedEventAttributes.memo.fields.model',
      'userMetadata.summary',
      'activityTaskScheduledEventAttributes.input.payloads[]',
      'activityTaskCompletedEventAttributes.result.payloads[]',
      // The tool's last heartbeat, recorded as the cancelled activity's details.
      'activityTaskCanceledEventAttributes.details.payloads[]',
      'workflowExecutionCompletedEventAttributes.result.payloads[]',
    ]) {
      assert.ok(paths.some((p) => p.endsWith(expected)), `a payload at …${expected} (found: ${[...new Set(paths)].join(', ')})`);
    }
  });

  test('no task text, tool input, heartbeat, tool output or model text is stored in plaintext', () => {
    for (const history of rawHistories) {
      const views = [historyToFile(history), historyAsPlaintext(history)];
      // The bytes really were decoded for the search: the encoding label reads as text.
      assert.ok(views[1]!.includes('"binary/encrypted"'));
      for (const view of views) for (const secret of SECRET_STRINGS) assert.ok(!view.includes(secret), `"${secret}" is not in the raw history`);
    }
    // Not vacuous: the same strings were really sent through Temporal.
    assert.ok(JSON.stringify(continued).includes(TOOL_OUTPUT));
  });

  test('the workflow bundle carries no codec: codecs run outside the sandbox', async () => {
    const { code } = await workflowBundle();
    assert.ok(!code.includes('binary/encrypted') && !code.includes('aes-256-gcm'));
  });

  test('getRunOutput and continueRun decode through the codec client; a plain client cannot', async () => {
    const output = await getRunOutput(cancelled.runId, { client: h.client });
    assert.equal(output.status, RunStatus.completed);
    assert.equal(output.output, FINAL_TEXT);
    assert.deepEqual(output.stepResults, continued.stepResults);
    // Without the key: a typed error that says the run is encrypted and which variable to set, for reading and continuing.
    const encrypted = (err: unknown): boolean => {
      assert.ok(err instanceof RunEncryptedError, String(err));
      assert.equal(err.runId, cancelled.runId);
      assert.match(err.message, /is encrypted.*set DURABLE_AGENT_CODEC_KEY/);
      return true;
    };
    await assert.rejects(getRunOutput(cancelled.runId, { client: h.env.client }), encrypted);
    await assert.rejects(new Agent('anthropic/claude-sonnet-4-6', { client: h.env.client }).continueRun({ runId: cancelled.runId }), encrypted);
  });

  test('durable-agent show without the key says the run is encrypted and names the variable, no stack trace', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, TEMPORAL_ADDRESS: h.env.address, DURABLE_AGENT_CLI_SOURCE: '1' };
    delete env[CODEC_KEY_ENV];
    const shown = await finished(startCli(env, ['show', cancelled.runId]));
    assert.equal(shown.code, 4, shown.stderr);
    assert.match(shown.stderr, new RegExp(`^RunEncryptedError: Run "${cancelled.runId}" is encrypted .*DURABLE_AGENT_CODEC_KEY`));
    assert.doesNotMatch(shown.stderr, /\n\s+at /, 'no stack trace');
  });

  test('a client with the wrong key gets an error naming the key id', async () => {
    const wrong = new Client({ connection: h.env.connection, namespace: 'default', dataConverter: encryptedDataConverter({ key: randomBytes(32) }) });
    await assert.rejects(getRunOutput(cancelled.runId, { client: wrong }), (err: unknown) => {
      assert.ok(err instanceof PayloadDecryptionError, String(err));
      assert.equal(err.keyId, KEY_ID);
      assert.ok(err.message.includes(KEY_ID), err.message);
      return true;
    });
    const sameIdOtherKey = new AesGcmCodec({ key: randomBytes(32), keyId: KEY_ID });
    const [sealed] = await new AesGcmCodec({ key: KEY }).encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('1') }]);
    await assert.rejects(sameIdOtherKey.decode([sealed!]), new RegExp(`key id "${KEY_ID}".*not the one`));
  });

  test('getClient takes the codec from DURABLE_AGENT_CODEC_KEY, and caches plain and codec clients apart', async () => {
    const target = { address: h.env.address, namespace: 'default' };
    const saved = process.env[CODEC_KEY_ENV];
    try {
      delete process.env[CODEC_KEY_ENV];
      const plain = await getClient(target);
      process.env[CODEC_KEY_ENV] = KEY.toString('base64');
      const withCodec = await getClient(target);
      assert.notEqual(plain, withCodec);
      assert.equal(plain.options.loadedDataConverter.payloadCodecs.length, 0);
      assert.ok(withCodec.options.loadedDataConverter.payloadCodecs[0] instanceof AesGcmCodec);
      assert.equal(await getClient(target), withCodec);
      assert.equal((await getRunOutput(cancelled.runId, target)).output, FINAL_TEXT);
    } finally {
      if (saved === undefined) delete process.env[CODEC_KEY_ENV];
      else process.env[CODEC_KEY_ENV] = saved;
    }
  });

  test('keys: hex and base64 of 32 bytes, anything else refused without echoing it', () => {
    assert.deepEqual(parseCodecKey(KEY.toString('hex')), KEY);
    assert.deepEqual(parseCodecKey(KEY.toString('base64')), KEY);
    assert.deepEqual(parseCodecKey(KEY.toString('base64url')), KEY);
    assert.throws(() => parseCodecKey('c2hvcnQta2V5'), (err: unknown) => err instanceof TypeError && !err.message.includes('c2hvcnQta2V5'));
  });
});

describe('codec endpoint for the Web UI', () => {
  function rawPayload(event: string, field: string): JsonPayload {
    const history = JSON.parse(historyToFile(rawHistories[1]!)) as { events: Array<Record<string, Record<string, { payloads: JsonPayload[] }>>> };
    const found = history.events.find((e) => e[event]?.[field]);
    assert.ok(found, `${event}.${field} in the history`);
    return found[event]![field]!.payloads[0]!;
  }

  test('POST /decode turns the raw history payloads back into the plaintext JSON', async () => {
    const input = rawPayload('workflowExecutionStartedEventAttributes', 'input');
    const result = rawPayload('workflowExecutionCompletedEventAttributes', 'result');
    const res = await post('/decode', { payloads: [input, result] }, { authorization: `Bearer ${TOKEN}` });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), UI_ORIGIN);
    const body = (await res.json()) as { payloads: JsonPayload[] };
    assert.equal(body.payloads.length, 2);
    for (const p of body.payloads) assert.equal(unb64(p.metadata?.encoding), 'json/plain');
    const runInput = JSON.parse(unb64(body.payloads[0]!.data)) as { task: { description: string } };
    assert.equal(runInput.task.description, TASK_TEXT);
    assert.equal((JSON.parse(unb64(body.payloads[1]!.data)) as { output: string }).output, FINAL_TEXT);
  });

  test('POST /encode seals what /decode opens', async () => {
    const plain = { metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify({ hello: TOOL_OUTPUT })) };
    const auth = { authorization: `Bearer ${TOKEN}` };
    const encoded = (await (await post('/encode', { payloads: [plain] }, auth)).json()) as { payloads: JsonPayload[] };
    assert.equal(unb64(encoded.payloads[0]!.metadata?.encoding), 'binary/encrypted');
    assert.ok(!unb64(encoded.payloads[0]!.data).includes(TOOL_OUTPUT));
    const decoded = (await (await post('/decode', encoded, auth)).json()) as { payloads: JsonPayload[] };
    assert.deepEqual(decoded.payloads[0], plain);
  });

  test('refuses without a token (401) and with a wrong one (403)', async () => {
    const payloads = [rawPayload('workflowExecutionStartedEventAttributes', 'input')];
    const missing = await post('/decode', { payloads });
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get('www-authenticate') ?? '', /Bearer/);
    const wrong = await post('/decode', { payloads }, { authorization: `Bearer ${TOKEN}x` });
    assert.equal(wrong.status, 403);
    const notBearer = await post('/encode', { payloads }, { authorization: `Basic ${b64(`user:${TOKEN}`)}` });
    assert.equal(notBearer.status, 401);
    for (const res of [missing, wrong, notBearer]) assert.ok(!JSON.stringify(await res.json()).includes(TASK_TEXT));
  });

  test('answers the CORS preflight for the UI origin only', async () => {
    const preflight = (origin: string): Promise<Response> =>
      fetch(`${codecServer.url}/decode`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-namespace' },
      });
    const ok = await preflight(UI_ORIGIN);
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), UI_ORIGIN);
    assert.match(ok.headers.get('access-control-allow-methods') ?? '', /POST/);
    const allowed = (ok.headers.get('access-control-allow-headers') ?? '').split(',').map((s) => s.trim());
    for (const header of ['x-namespace', 'content-type', 'authorization']) assert.ok(allowed.includes(header), header);
    const other = await preflight('http://evil.example');
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  test('a codec server holding another key names the key id it would need', async () => {
    const otherServer = await startCodecServer({ key: randomBytes(32), token: TOKEN });
    try {
      const res = await fetch(`${otherServer.url}/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ payloads: [rawPayload('workflowExecutionStartedEventAttributes', 'input')] }),
      });
      assert.equal(res.status, 400);
      const body = (await res.json()) as { error: string; keyId: string };
      assert.equal(body.keyId, KEY_ID);
      assert.ok(body.error.includes(KEY_ID));
    } finally {
      await otherServer.close();
    }
  });

  test('bad requests: unknown path 404, GET 405, malformed body 400', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    assert.equal((await post('/nope', { payloads: [] }, auth)).status, 404);
    assert.equal((await fetch(`${codecServer.url}/decode`, { headers: auth })).status, 405);
    assert.equal((await post('/decode', { nope: 1 }, auth)).status, 400);
    assert.equal((await post('/decode', { payloads: [] }, auth)).status, 200);
  });
});
