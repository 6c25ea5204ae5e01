// Payload compression (the `binary/zlib` codec every Temporal SDK reads) end to end on the CLI dev server: a worker
// that takes DURABLE_AGENT_COMPRESSION=zlib from the environment stores long model and tool text deflated, a client with
// the codec reads and continues the run, a client without it gets a typed error, and the codec endpoint inflates for
// the Web UI; compression composes with encryption in the one order that shrinks anything.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import type { Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { z } from 'zod';
import { sleep, tool, AesGcmCodec, startCodecServer, type CodecServer, CodecChain, dataConverterFromEnv, PayloadDecompressionError, ZLIB_ENCODING, ZlibCodec, compressionFromEnv, Agent, closeConnections, RunCompressedError, cancelRun, getRunOutput, Task, RunStatus, type RunOutput } from '../src/index.js';
import { CODEC_KEY_ENV } from '../src/codec/aes-gcm-codec.js';
import { envCodecs } from '../src/codec/env-codecs.js';
import { COMPRESSION_ENV } from '../src/codec/zlib-codec.js';
import { getClient } from '../src/client/connection.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;
const TOKEN = `codec-token-${randomBytes(8).toString('hex')}`;

/** Text that deflates like prose does (a vocabulary, not one repeated phrase), from a seeded generator. */
function prose(bytes: number, seed: number): string {
  const words = 'the agent read a page of ledger entries and found three invoices whose totals did not match what the customer was billed for in march so it asked for the original receipts before writing its report'.split(' ');
  let state = seed;
  const out: string[] = [];
  let length = 0;
  while (length < bytes) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const word = words[state % words.length]!;
    out.push(word);
    length += word.length + 1;
  }
  return out.join(' ').slice(0, bytes);
}

const MODEL_TEXT = `MODEL-TEXT-kestrel ${prose(3000, 7)}`;
const TOOL_TEXT = `TOOL-OUTPUT-lynx ${prose(3000, 11)}`;
const FINAL_TEXT = 'FINAL-ANSWER-heron';

/** Runs `fn` with DURABLE_AGENT_COMPRESSION set to `value` (unset for undefined), then puts it back. */
async function withCompressionEnv<T>(value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const saved = process.env[COMPRESSION_ENV];
  if (value === undefined) delete process.env[COMPRESSION_ENV];
  else process.env[COMPRESSION_ENV] = value;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env[COMPRESSION_ENV];
    else process.env[COMPRESSION_ENV] = saved;
  }
}

const json = (value: unknown): Payload => ({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(value)) });
const encodingOf = (payload: Payload): string => Buffer.from(payload.metadata?.encoding ?? new Uint8Array()).toString();

describe('ZlibCodec', () => {
  test('deflates a long payload into binary/zlib: the serialized payload, zlib-wrapped, as the Temporal SDKs write it', async () => {
    const codec = new ZlibCodec();
    const original = json({ text: prose(4000, 1) });
    const [packed] = await codec.encode([original]);
    assert.equal(encodingOf(packed!), ZLIB_ENCODING);
    assert.deepEqual(Object.keys(packed!.metadata ?? {}), ['encoding']);
    assert.equal(packed!.data![0], 0x78, 'a zlib stream (RFC 1950 header), not raw deflate or gzip');
    const inner = PayloadMessage.decode(inflateSync(Buffer.from(packed!.data!)));
    assert.equal(Buffer.from(inner.metadata.encoding!).toString(), 'json/plain');
    assert.deepEqual(JSON.parse(Buffer.from(inner.data).toString()), JSON.parse(Buffer.from(original.data!).toString()));
    assert.ok(packed!.data!.length < original.data!.length / 2, `${packed!.data!.length} bytes for ${original.data!.length}`);
    const [back] = await codec.decode([packed!]);
    assert.deepEqual(Buffer.from(back!.data!), Buffer.from(original.data!));
    assert.equal(encodingOf(back!), 'json/plain');
  });

  test('reads a payload another SDK deflated (proto bytes through plain zlib)', async () => {
    const original = json({ spec: true });
    const foreign: Payload = { metadata: { encoding: Buffer.from('binary/zlib') }, data: deflateSync(PayloadMessage.encode(original).finish()) };
    const [back] = await new ZlibCodec().decode([foreign]);
    assert.deepEqual(JSON.parse(Buffer.from(back!.data!).toString()), { spec: true });
  });

  test('leaves small payloads, incompressible ones and other encodings as they are', async () => {
    const codec = new ZlibCodec();
    const small = json('short');
    const random: Payload = { metadata: { encoding: Buffer.from('binary/plain') }, data: randomBytes(4096) };
    const [a, b] = await codec.encode([small, random]);
    assert.equal(a, small);
    assert.equal(b, random, 'random bytes do not shrink, so they are kept as they were');
    const [c, d] = await codec.decode([small, random]);
    assert.equal(c, small);
    assert.equal(d, random);
    // minBytes 0 compresses whatever shrinks.
    const [e] = await new ZlibCodec({ minBytes: 0 }).encode([json('x'.repeat(400))]);
    assert.equal(encodingOf(e!), ZLIB_ENCODING);
  });

  test('a corrupt binary/zlib payload is a typed error; bad options and a bad environment value are TypeErrors', async () => {
    await assert.rejects(new ZlibCodec().decode([{ metadata: { encoding: Buffer.from(ZLIB_ENCODING) }, data: Buffer.from('not zlib') }]), PayloadDecompressionError);
    assert.throws(() => new ZlibCodec({ level: 12 }), /level must be a whole number from 1 to 9, got 12/);
    assert.throws(() => new ZlibCodec({ minBytes: -1 }), /minBytes must be/);
    assert.throws(() => compressionFromEnv({ [COMPRESSION_ENV]: 'gzip' }), /DURABLE_AGENT_COMPRESSION must be "zlib" \(or unset\), got "gzip"/);
    assert.equal(compressionFromEnv({}), undefined);
    assert.ok(compressionFromEnv({ [COMPRESSION_ENV]: 'zlib' }) instanceof ZlibCodec);
  });

  test('with encryption: compression comes first, so what is sealed is the deflated payload', async () => {
    const key = randomBytes(32);
    const env = { [COMPRESSION_ENV]: 'zlib', [CODEC_KEY_ENV]: key.toString('hex') };
    const { codecs, tag } = envCodecs(env);
    assert.ok(codecs[0] instanceof ZlibCodec && codecs[1] instanceof AesGcmCodec, 'zlib, then AES-GCM');
    assert.match(tag, /^zlib\+codec-sha256:/);
    assert.deepEqual(dataConverterFromEnv(env)?.payloadCodecs?.map((c) => c.constructor.name), ['ZlibCodec', 'AesGcmCodec']);
    const chain = new CodecChain(codecs);
    const original = json({ text: prose(4000, 3) });
    const [sealed] = await chain.encode([original]);
    assert.equal(encodingOf(sealed!), 'binary/encrypted');
    assert.ok(sealed!.data!.length < original.data!.length / 2, 'the ciphertext is of the deflated bytes');
    const [opened] = await new AesGcmCodec({ key }).decode([sealed!]);
    assert.equal(encodingOf(opened!), ZLIB_ENCODING);
    const [back] = await chain.decode([sealed!]);
    assert.deepEqual(Buffer.from(back!.data!), Buffer.from(original.data!));
    assert.equal(dataConverterFromEnv({}), undefined);
  });
});

describe('compressed runs on the dev server', () => {
  const toolDelay = { ms: 0 };
  let toolStarts = 0;
  const readLedger = tool({
    name: 'read_ledger',
    description: 'Reads the ledger.',
    input: z.object({ month: z.string() }),
    run: async ({ month }, { signal }) => {
      toolStarts += 1;
      await sleep(toolDelay.ms, signal);
      return `${TOOL_TEXT} (${month})`;
    },
  });
  const dataConverter = { payloadCodecs: [new ZlibCodec()] };
  let h: Harness;
  let codecServer: CodecServer;
  let cancelled: RunOutput;
  let continued: RunOutput;

  before(async () => {
    h = await startHarness({ tools: [readLedger], dataConverter, noWorker: true });
    // The worker gets no converter of its own: it must take compression from the environment.
    await withCompressionEnv('zlib', () => h.startWorker({ dataConverter: undefined }));
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'read_ledger', input: { month: 'march' } }], { text: MODEL_TEXT }), textTurn(FINAL_TEXT)]));
    toolDelay.ms = 60_000;
    const agent = h.agent();
    const pending = agent.do(new Task({ description: 'Check the march ledger.', tools: [readLedger] }));
    await waitFor(() => toolStarts === 1, 'the tool to start');
    await cancelRun(agent.runId!, { client: h.client });
    cancelled = await pending;
    toolDelay.ms = 10;
    continued = await agent.continueRun({ runId: cancelled.runId });
  });

  after(async () => {
    await codecServer?.close();
    await closeConnections();
    await h?.close();
  });

  test('the run was cancelled mid-tool and continued through the codec client, nothing completed run twice', () => {
    assert.equal(cancelled.status, RunStatus.cancelled);
    assert.equal(continued.status, RunStatus.completed);
    assert.equal(continued.output, FINAL_TEXT);
    assert.deepEqual(h.fake.requests.map((r) => r.turn), [0, 1], 'the first model turn came from the inflated history');
    assert.equal(toolStarts, 2);
    const toolStep = continued.stepResults.find((s) => s.name === 'tool:read_ledger' && s.status === 'completed');
    assert.equal(toolStep?.output, `${TOOL_TEXT} (march)`);
    // The model's second request carried the tool's text, inflated, as the model must see it.
    assert.ok(JSON.stringify(h.fake.requests[1]!.body).includes(TOOL_TEXT));
  });

  test('the stored histories hold the model text and the tool result deflated, to under half their size', async () => {
    for (const execution of [cancelled.executionRunId, continued.executionRunId]) {
      const history = await h.env.client.workflow.getHandle(continued.runId, execution).fetchHistory();
      const results = (history.events ?? []).flatMap((e) => e.activityTaskCompletedEventAttributes?.result?.payloads ?? []);
      // Long: what the codec compresses (a payload under its minBytes, 256 by default, is left plain by design).
      const big = results.filter((p) => (p.data?.length ?? 0) >= new ZlibCodec().minBytes);
      assert.ok(big.length >= 1, 'a long activity result');
      for (const payload of big) {
        assert.equal(encodingOf(payload), ZLIB_ENCODING, 'every long activity result is binary/zlib');
        const inflated = inflateSync(Buffer.from(payload.data!)).length;
        assert.ok(payload.data!.length < inflated / 2, `${payload.data!.length} B stored for ${inflated} B`);
      }
      const raw = Buffer.from(proto.temporal.api.history.v1.History.encode(history).finish()).toString('latin1');
      assert.ok(!raw.includes('TOOL-OUTPUT-lynx') && !raw.includes('MODEL-TEXT-kestrel'), 'no long text is stored as it is');
    }
  });

  test('a client without the codec gets RunCompressedError naming the variable; with it, getRunOutput reads the run', async () => {
    const output = await getRunOutput(cancelled.runId, { client: h.client });
    assert.equal(output.output, FINAL_TEXT);
    assert.deepEqual(output.stepResults, continued.stepResults);
    const compressed = (err: unknown): boolean => {
      assert.ok(err instanceof RunCompressedError, String(err));
      assert.equal(err.runId, cancelled.runId);
      assert.match(err.message, /is compressed \(its payloads are binary\/zlib\).*set DURABLE_AGENT_COMPRESSION=zlib/);
      return true;
    };
    await assert.rejects(getRunOutput(cancelled.runId, { client: h.env.client }), compressed);
    await assert.rejects(new Agent('anthropic/claude-sonnet-4-6', { client: h.env.client }).continueRun({ runId: cancelled.runId }), compressed);
    // Waiting for a run whose result is compressed: the wait ends at the close, and the reading says why it cannot go on.
    h.fake.setResponder(scriptedResponder([textTurn(`LONG-ANSWER ${prose(2000, 5)}`)]));
    const plainAgent = new Agent('anthropic/claude-sonnet-4-6', { client: h.env.client, taskQueue: h.taskQueue });
    await assert.rejects(plainAgent.do(new Task({ description: 'Answer at length.' })), (err: unknown) => {
      assert.ok(err instanceof RunCompressedError, String(err));
      assert.equal(err.runId, plainAgent.runId);
      return true;
    });
  });

  test('getClient takes compression from DURABLE_AGENT_COMPRESSION and caches plain and compressing clients apart', async () => {
    const target = { address: h.env.address, namespace: 'default' };
    const plain = await withCompressionEnv(undefined, () => getClient(target));
    const zlib = await withCompressionEnv('zlib', () => getClient(target));
    assert.notEqual(plain, zlib);
    assert.equal(plain.options.loadedDataConverter.payloadCodecs.length, 0);
    assert.ok(zlib.options.loadedDataConverter.payloadCodecs[0] instanceof ZlibCodec);
    assert.equal(await withCompressionEnv('zlib', () => getClient(target)), zlib, 'cached');
    assert.equal((await getRunOutput(cancelled.runId, { client: zlib })).output, FINAL_TEXT);
  });

  test('the codec endpoint inflates a stored payload for the Web UI when the environment asks for compression', async () => {
    codecServer = await withCompressionEnv('zlib', () => startCodecServer({ token: TOKEN }));
    const history = await h.env.client.workflow.getHandle(continued.runId, continued.executionRunId).fetchHistory();
    const stored = (history.events ?? []).flatMap((e) => e.activityTaskCompletedEventAttributes?.result?.payloads ?? []).find((p) => encodingOf(p) === ZLIB_ENCODING)!;
    const wire = { metadata: { encoding: Buffer.from(ZLIB_ENCODING).toString('base64') }, data: Buffer.from(stored.data!).toString('base64') };
    const res = await fetch(`${codecServer.url}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ payloads: [wire] }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    assert.equal(Buffer.from(body.payloads[0]!.metadata.encoding!, 'base64').toString(), 'json/plain');
    assert.ok(Buffer.from(body.payloads[0]!.data, 'base64').toString().includes('TOOL-OUTPUT-lynx'));
    const bad = await fetch(`${codecServer.url}/decode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ payloads: [{ metadata: wire.metadata, data: Buffer.from('nope').toString('base64') }] }),
    });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /does not inflate/);
  });
});
