// The fake serves Claude on Bedrock and Vertex as the real services do, to the real clients over HTTP:
// @anthropic-ai/bedrock-sdk (SigV4-signed, binary event stream decoded by AWS's own codec) and @anthropic-ai/vertex-sdk
// (OAuth bearer, SSE). One script of turns drives all three surfaces; faults, aborts and refusals come out of the
// SDKs as the errors the real services give; each request is recorded with its surface and the model of its path.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import * as zlib from 'node:zlib';
import Anthropic, { APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { AnthropicBedrock } from '@anthropic-ai/bedrock-sdk';
import { AnthropicVertex } from '@anthropic-ai/vertex-sdk';
import { OAuth2Client } from 'google-auth-library';
import { FakeAnthropicServer, scriptedResponder, textTurn, toolTurn, type FakeApi } from '../src/testing/index.js';
import { crc32 } from '../src/testing/fake-anthropic/event-stream.js';

const BEDROCK_MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const VERTEX_MODEL = 'claude-sonnet-4-5@20250929';
const ANTHROPIC_MODEL = 'claude-sonnet-4-5';

let fake: FakeAnthropicServer;
before(async () => {
  fake = await FakeAnthropicServer.start();
});
after(async () => {
  await fake?.close();
});
beforeEach(() => fake.reset());

type Client = AnthropicBedrock | AnthropicVertex | Anthropic;
interface Surface {
  api: FakeApi;
  model: string;
  client: () => Client;
}
const SURFACES: Surface[] = [
  {
    api: 'bedrock',
    model: BEDROCK_MODEL,
    client: () => new AnthropicBedrock({ baseURL: fake.url, awsRegion: 'us-east-1', awsAccessKey: 'x', awsSecretKey: 'y', maxRetries: 0 }),
  },
  {
    api: 'vertex',
    model: VERTEX_MODEL,
    client: () =>
      new AnthropicVertex({ baseURL: `${fake.url}/v1`, region: 'us-east5', projectId: 'proj', authClient: new OAuth2Client({ credentials: { access_token: 'token' } }), maxRetries: 0 }),
  },
  { api: 'anthropic', model: ANTHROPIC_MODEL, client: () => new Anthropic({ baseURL: fake.url, apiKey: 'k', maxRetries: 0 }) },
];
const [bedrock, vertex] = SURFACES as [Surface, Surface, Surface];

const SCRIPT = [
  toolTurn([{ id: 'toolu_1', name: 'lookup', input: { city: 'Paris' } }], { text: 'Let me look that up.' }),
  textTurn('It is sunny in Paris.', { usage: { input_tokens: 120, output_tokens: 9 } }),
];
const TOOLS = [{ name: 'lookup', description: 'Looks up the weather.', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } }];
const ASK: MessageParam = { role: 'user', content: 'Weather in Paris?' };

async function rejection(promise: Promise<unknown>): Promise<APIError> {
  const err = await promise.then(
    () => assert.fail('expected the request to fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof APIError, `an APIError, got ${String(err)}`);
  return err;
}

describe('the fake as Bedrock and Vertex, driven by the real SDK clients', () => {
  for (const surface of SURFACES) {
    test(`${surface.api}: one script streams a tool_use turn, then a text turn, with usage; recorded with surface and model`, async () => {
      fake.setResponder(scriptedResponder(SCRIPT));
      const client = surface.client();
      const first = await client.messages.stream({ model: surface.model, max_tokens: 256, tools: TOOLS, messages: [ASK] }).finalMessage();
      assert.equal(first.stop_reason, 'tool_use');
      assert.deepEqual(first.content, [
        { type: 'text', text: 'Let me look that up.', citations: null },
        { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { city: 'Paris' } },
      ]);
      assert.ok(first.usage.input_tokens > 0 && first.usage.output_tokens > 0);

      const messages: MessageParam[] = [
        ASK,
        { role: 'assistant', content: first.content.map((b) => (b.type === 'text' ? { type: 'text' as const, text: b.text } : b)) as MessageParam['content'] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }] },
      ];
      const second = await client.messages.stream({ model: surface.model, max_tokens: 256, tools: TOOLS, messages }).finalMessage();
      assert.deepEqual(second.content, [{ type: 'text', text: 'It is sunny in Paris.', citations: null }]);
      assert.equal(second.stop_reason, 'end_turn');
      assert.equal(second.usage.input_tokens, 120);
      assert.equal(second.usage.output_tokens, 9);

      const unstreamed = await client.messages.create({ model: surface.model, max_tokens: 256, tools: TOOLS, messages });
      assert.deepEqual(unstreamed.content, [{ type: 'text', text: 'It is sunny in Paris.' }]);
      assert.deepEqual([unstreamed.usage.input_tokens, unstreamed.usage.output_tokens], [120, 9]);

      assert.deepEqual(
        fake.requests.map((r) => [r.api, r.model, r.body.model, r.stream, r.turn, r.completed, r.invalid]),
        [
          [surface.api, surface.model, surface.model, true, 0, true, undefined],
          [surface.api, surface.model, surface.model, true, 1, true, undefined],
          [surface.api, surface.model, surface.model, false, 1, true, undefined],
        ],
      );
      const wire = fake.requests[0]!.wireBody;
      if (surface.api === 'anthropic') {
        assert.equal(wire.model, ANTHROPIC_MODEL);
      } else {
        assert.equal('model' in wire, false, 'Bedrock and Vertex carry the model in the path');
        assert.match(String(wire.anthropic_version), /^\d{4}-\d{2}-\d{2}$/);
        assert.equal('stream' in wire, surface.api === 'vertex', 'Bedrock takes the stream flag from the path');
      }
    });
  }

  test('bedrock: the request is SigV4-signed for bedrock, the stream is an AWS event stream, the path names the model', async () => {
    fake.setResponder(scriptedResponder(SCRIPT));
    await bedrock.client().messages.stream({ model: BEDROCK_MODEL, max_tokens: 64, messages: [ASK] }).finalMessage();
    const [request] = fake.requests;
    assert.equal(request?.path, `/model/${BEDROCK_MODEL}/invoke-with-response-stream`);
    assert.match(request?.headers.authorization ?? '', /^AWS4-HMAC-SHA256 Credential=x\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/);
    const response = await fetch(`${fake.url}/model/${BEDROCK_MODEL}/invoke-with-response-stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bedrock-api-key' },
      body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 64, messages: [ASK] }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/vnd.amazon.eventstream');
    const bytes = new Uint8Array(await response.arrayBuffer());
    const view = new DataView(bytes.buffer);
    const total = view.getUint32(0);
    assert.equal(view.getUint32(8), crc32(bytes.subarray(0, 8)), 'prelude CRC');
    assert.equal(view.getUint32(total - 4), crc32(bytes.subarray(0, total - 4)), 'message CRC');
    const zlibCrc = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
    if (zlibCrc) assert.equal(crc32(bytes.subarray(0, total)), zlibCrc(bytes.subarray(0, total)));
  });

  for (const surface of [bedrock, vertex]) {
    test(`${surface.api}: a stream aborted by the client mid-text is recorded as aborted`, async () => {
      fake.setResponder(() => textTurn('A long answer that streams slowly, one small piece at a time, until someone stops it.', { chunkDelayMs: 25 }));
      const stream = surface.client().messages.stream({ model: surface.model, max_tokens: 256, messages: [ASK] });
      let text = '';
      stream.on('text', (delta) => {
        text += delta;
        if (text.length >= 16) stream.abort();
      });
      await assert.rejects(stream.finalMessage(), APIUserAbortError);
      const deadline = Date.now() + 2000;
      while (!fake.requests[0]?.aborted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.equal(fake.requests[0]?.aborted, true);
      assert.equal(fake.requests[0]?.completed, false);
      assert.ok(text.length < 40, `the stream stopped early (${text.length} characters)`);
    });

    test(`${surface.api}: injected 429 and 503 come out of the SDK with their status; a mid-stream error ends the stream`, async () => {
      fake.setResponder(scriptedResponder(SCRIPT));
      const client = surface.client();
      const ask = { model: surface.model, max_tokens: 64, messages: [ASK] };
      fake.injectFaults({ kind: 'http', status: 429 }, { kind: 'http', status: 503 }, { kind: 'midStreamError', afterEvents: 3 });
      const throttled = await rejection(client.messages.stream(ask).finalMessage());
      assert.equal(throttled.status, 429);
      const unavailable = await rejection(client.messages.create(ask));
      assert.equal(unavailable.status, 503);
      if (surface.api === 'bedrock') {
        assert.match(throttled.headers?.get('x-amzn-errortype') ?? '', /^ThrottlingException:/);
        assert.match(unavailable.headers?.get('x-amzn-errortype') ?? '', /^ServiceUnavailableException:/);
      } else {
        assert.deepEqual((throttled.error as { error?: { status?: string } }).error?.status, 'RESOURCE_EXHAUSTED');
      }
      const cut = await rejection(client.messages.stream(ask).finalMessage());
      assert.match(JSON.stringify(cut.error), surface.api === 'bedrock' ? /serviceUnavailableException/ : /overloaded_error/);
      assert.deepEqual(
        fake.requests.map((r) => r.fault?.kind),
        ['http', 'http', 'midStreamError'],
      );
    });

    test(`${surface.api}: a transcript the real API refuses (tool_result without its tool_use) is refused with 400`, async () => {
      fake.setResponder(scriptedResponder(SCRIPT));
      const messages: MessageParam[] = [
        ASK,
        { role: 'assistant', content: 'Let me look that up.' },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_missing', content: 'sunny' }] },
      ];
      const err = await rejection(surface.client().messages.create({ model: surface.model, max_tokens: 64, tools: TOOLS, messages }));
      assert.equal(err.status, 400);
      assert.match(err.message, /unexpected `tool_use_id` found in `tool_result` blocks: toolu_missing/);
      if (surface.api === 'bedrock') assert.match(err.headers?.get('x-amzn-errortype') ?? '', /^ValidationException:/);
      assert.match(fake.requests[0]?.invalid ?? '', /toolu_missing/);
      assert.equal(fake.requests[0]?.api, surface.api);
    });
  }

  test('bedrock: a model Bedrock does not serve Claude as is refused (400 ValidationException); 424 and 408 faults are modeled', async () => {
    fake.setResponder(scriptedResponder(SCRIPT));
    const client = bedrock.client();
    const unknown = await rejection(client.messages.create({ model: 'amazon.nova-pro-v1:0', max_tokens: 64, messages: [ASK] }));
    assert.equal(unknown.status, 400);
    assert.match(unknown.message, /The provided model identifier is invalid/);
    fake.injectFaults({ kind: 'http', status: 424 }, { kind: 'http', status: 408 });
    const modelError = await rejection(client.messages.create({ model: BEDROCK_MODEL, max_tokens: 64, messages: [ASK] }));
    assert.equal(modelError.status, 424);
    assert.match(modelError.headers?.get('x-amzn-errortype') ?? '', /^ModelErrorException:/);
    const timeout = await rejection(client.messages.create({ model: BEDROCK_MODEL, max_tokens: 64, messages: [ASK] }));
    assert.equal(timeout.status, 408);
  });

  test('vertex: a model Vertex does not publish under anthropic is 404 NOT_FOUND', async () => {
    const err = await rejection(vertex.client().messages.create({ model: 'gemini-2.5-pro', max_tokens: 64, messages: [ASK] }));
    assert.equal(err.status, 404);
    assert.match(err.message, /Publisher Model `projects\/proj\/locations\/us-east5\/publishers\/anthropic\/models\/gemini-2.5-pro` not found/);
  });

  test('credentials and body shape are checked as the services check them', async () => {
    const post = async (path: string, body: unknown, headers: Record<string, string> = {}): Promise<[number, unknown, string | null]> => {
      const response = await fetch(`${fake.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      return [response.status, await response.json(), response.headers.get('x-amzn-errortype')];
    };
    const bedrockPath = `/model/${BEDROCK_MODEL}/invoke`;
    const body = { anthropic_version: 'bedrock-2023-05-31', max_tokens: 64, messages: [ASK] };
    const sigv4 = {
      authorization: `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=${'a'.repeat(64)}`,
      'x-amz-date': '20260101T000000Z',
    };
    const [noAuth, noAuthBody, noAuthType] = await post(bedrockPath, body);
    assert.deepEqual([noAuth, noAuthBody], [403, { message: 'Missing Authentication Token' }]);
    assert.match(noAuthType ?? '', /^MissingAuthenticationTokenException:/);
    assert.equal((await post(bedrockPath, body, { ...sigv4, 'x-amz-date': '' }))[0], 403, 'SigV4 without X-Amz-Date');
    assert.equal((await post(bedrockPath, body, { ...sigv4, authorization: sigv4.authorization.replace('/bedrock/', '/s3/') }))[0], 403, 'signed for another service');
    assert.deepEqual((await post(bedrockPath, { ...body, model: BEDROCK_MODEL }, sigv4)).slice(0, 2), [
      400,
      { message: 'Malformed input request: #: extraneous key [model] is not permitted, please reformat your input and try again.' },
    ]);
    const { anthropic_version: _version, ...unversioned } = body;
    assert.match(JSON.stringify((await post(bedrockPath, unversioned, sigv4))[1]), /required key \[anthropic_version\] not found/);
    fake.setResponder(scriptedResponder(SCRIPT));
    assert.equal((await post(bedrockPath, body, sigv4))[0], 200);

    const vertexPath = `/v1/projects/proj/locations/us-east5/publishers/anthropic/models/${VERTEX_MODEL}:rawPredict`;
    const vertexBody = { anthropic_version: 'vertex-2023-10-16', max_tokens: 64, messages: [ASK] };
    const [unauthenticated, googleError] = await post(vertexPath, vertexBody);
    assert.equal(unauthenticated, 401);
    assert.equal((googleError as { error: { status: string } }).error.status, 'UNAUTHENTICATED');
    const bearer = { authorization: 'Bearer token' };
    assert.deepEqual((await post(vertexPath, { ...vertexBody, model: VERTEX_MODEL }, bearer)).slice(0, 2), [
      400,
      { type: 'error', error: { type: 'invalid_request_error', message: 'model: Extra inputs are not permitted' } },
    ]);
    assert.equal((await post(vertexPath, vertexBody, bearer))[0], 200);
    assert.deepEqual(
      fake.requests.map((r) => [r.api, r.invalid === undefined]),
      [...Array<[string, boolean]>(5).fill(['bedrock', false]), ['bedrock', true], ['vertex', false], ['vertex', false], ['vertex', true]],
    );
  });
});
