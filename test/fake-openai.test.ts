// The fake OpenAI Chat Completions server, driven over HTTP by the real @ai-sdk/openai and @ai-sdk/openai-compatible
// providers (their LanguageModelV4 doStream / doGenerate) and by raw fetch for the wire format and the API's rules.
// The script is the provider-neutral one the Anthropic fake takes: one script drives both.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { APICallError, type LanguageModelV4, type LanguageModelV4Prompt, type LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { FakeAnthropicServer, FakeOpenAIServer, openAIDemoResponder, scriptedResponder, textTurn, toolTurn, type FakeTurn } from '../src/testing/index.js';

const KEY = 'sk-test-fake';
const ask = (text: string): LanguageModelV4Prompt => [{ role: 'user', content: [{ type: 'text', text }] }];
const lookupTool = { type: 'function' as const, name: 'lookup', description: 'Look a word up.', inputSchema: { type: 'object' as const, properties: { word: { type: 'string' as const } }, required: ['word'], additionalProperties: false } };

async function collect(model: LanguageModelV4, options: Parameters<LanguageModelV4['doStream']>[0]): Promise<LanguageModelV4StreamPart[]> {
  const { stream } = await model.doStream(options);
  const parts: LanguageModelV4StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}
const textOf = (parts: LanguageModelV4StreamPart[]): string => parts.map((p) => (p.type === 'text-delta' ? p.delta : '')).join('');
const finishOf = (parts: LanguageModelV4StreamPart[]): Extract<LanguageModelV4StreamPart, { type: 'finish' }> => parts.find((p) => p.type === 'finish') as Extract<LanguageModelV4StreamPart, { type: 'finish' }>;

describe('fake OpenAI server', () => {
  let fake: FakeOpenAIServer;
  let openai: LanguageModelV4;
  let compatible: LanguageModelV4;

  async function post(body: unknown, headers: Record<string, string> = { authorization: `Bearer ${KEY}` }): Promise<{ status: number; json: { error: { message: string; type: string; param: string | null; code: string | null } } }> {
    const res = await fetch(`${fake.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as { error: { message: string; type: string; param: string | null; code: string | null } } };
  }

  before(async () => {
    fake = await FakeOpenAIServer.start();
    openai = createOpenAI({ baseURL: fake.baseURL, apiKey: KEY }).chat('gpt-5');
    compatible = createOpenAICompatible({ name: 'fake', baseURL: `${fake.url}/v1`, apiKey: KEY, includeUsage: true }).chatModel('gpt-4o');
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.setResponder(scriptedResponder([]));
  });

  test('streams text to @ai-sdk/openai and @ai-sdk/openai-compatible, with usage, and records the request', async () => {
    fake.setResponder(scriptedResponder([textTurn('Hello from the fake OpenAI model.', { usage: { input_tokens: 12, output_tokens: 8 } })]));
    for (const model of [openai, compatible]) {
      const parts = await collect(model, { prompt: [{ role: 'system', content: 'Be brief.' }, ...ask('hi')] });
      assert.equal(textOf(parts), 'Hello from the fake OpenAI model.');
      assert.ok(parts.filter((p) => p.type === 'text-delta').length > 1, 'the text arrives in several deltas');
      const finish = finishOf(parts);
      assert.equal(finish.finishReason.unified, 'stop');
      assert.equal(finish.usage.inputTokens.total, 12);
      assert.equal(finish.usage.outputTokens.total, 8);
    }
    assert.equal(fake.requests.length, 2);
    for (const r of fake.requests) {
      assert.deepEqual([r.stream, r.turn, r.completed, r.aborted, r.invalid], [true, 0, true, false, undefined]);
      assert.deepEqual(r.body.stream_options, { include_usage: true });
      assert.equal(r.headers.authorization, `Bearer ${KEY}`);
    }
    assert.equal(fake.requests[0]!.body.messages[0]!.role, 'developer', 'gpt-5 is a reasoning model: the SDK sends the system prompt as developer');
  });

  test('parallel tool calls stream as OpenAI streams them, and the SDK transcript that answers them is accepted', async () => {
    fake.setResponder(scriptedResponder([
      toolTurn([{ name: 'lookup', input: { word: 'alpha' } }, { name: 'lookup', input: { word: 'beta' } }], { text: 'Looking both up.' }),
      textTurn('alpha and beta found.'),
    ]));
    for (const model of [openai, compatible]) {
      const parts = await collect(model, { prompt: ask('Look up alpha and beta.'), tools: [lookupTool] });
      const calls = parts.filter((p) => p.type === 'tool-call');
      assert.deepEqual(calls.map((c) => [c.toolCallId, c.toolName, JSON.parse(c.input)]), [['call_fake_0_0', 'lookup', { word: 'alpha' }], ['call_fake_0_1', 'lookup', { word: 'beta' }]]);
      assert.equal(textOf(parts), 'Looking both up.');
      assert.equal(finishOf(parts).finishReason.unified, 'tool-calls');
      const next = await collect(model, {
        tools: [lookupTool],
        prompt: [
          ...ask('Look up alpha and beta.'),
          { role: 'assistant', content: [{ type: 'text', text: 'Looking both up.' }, ...calls.map((c) => ({ type: 'tool-call' as const, toolCallId: c.toolCallId, toolName: c.toolName, input: JSON.parse(c.input) as unknown }))] },
          { role: 'tool', content: calls.map((c) => ({ type: 'tool-result' as const, toolCallId: c.toolCallId, toolName: c.toolName, output: { type: 'text' as const, value: 'found' } })) },
        ],
      });
      assert.equal(textOf(next), 'alpha and beta found.');
    }
    assert.deepEqual(fake.requests.map((r) => [r.turn, r.invalid]), [[0, undefined], [1, undefined], [0, undefined], [1, undefined]]);
  });

  test('the raw stream: role chunk, tool call heads then argument fragments, finish_reason, a usage chunk with empty choices, [DONE]', async () => {
    fake.setResponder(scriptedResponder([toolTurn([{ id: 'call_a', name: 'lookup', input: { word: 'alpha' } }, { id: 'call_b', name: 'lookup', input: { word: 'beta' } }], { usage: { input_tokens: 50, output_tokens: 10, cache_read_input_tokens: 30 } })]));
    const res = await fetch(`${fake.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ model: 'gpt-4o', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'go' }], tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }] }),
    });
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const frames = (await res.text()).split('\n\n').filter(Boolean);
    assert.ok(frames.every((f) => f.startsWith('data: ')));
    assert.equal(frames.at(-1), 'data: [DONE]');
    type Chunk = { object: string; choices: Array<{ delta: { role?: string; content?: string | null; tool_calls?: Array<{ index: number; id?: string; type?: string; function: { name?: string; arguments: string } }> }; finish_reason: string | null }>; usage: unknown };
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.slice(6)) as Chunk);
    assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk'));
    assert.deepEqual(chunks[0]!.choices[0]!.delta, { role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'lookup', arguments: '' } }], refusal: null });
    const deltas = chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []));
    for (const [index, id, args] of [[0, 'call_a', '{"word":"alpha"}'], [1, 'call_b', '{"word":"beta"}']] as const) {
      const mine = deltas.filter((d) => d.index === index);
      assert.equal(mine.filter((d) => d.id !== undefined).length, 1, 'one head a call');
      assert.equal(mine[0]!.id, id);
      assert.ok(mine.length > 2, 'arguments arrive in fragments');
      assert.equal(mine.map((d) => d.function.arguments).join(''), args);
    }
    assert.equal(chunks.at(-2)!.choices[0]!.finish_reason, 'tool_calls');
    assert.ok(chunks.slice(0, -1).every((c) => c.usage === null), 'with include_usage every other chunk carries usage: null');
    assert.deepEqual(chunks.at(-1)!.choices, []);
    assert.deepEqual(chunks.at(-1)!.usage, {
      prompt_tokens: 80,
      completion_tokens: 10,
      total_tokens: 90,
      prompt_tokens_details: { cached_tokens: 30, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    });
  });

  test('non-streaming: doGenerate gets text, tool calls, cached-token usage and finish_reason length', async () => {
    fake.setResponder(scriptedResponder([toolTurn([{ name: 'lookup', input: { word: 'x' } }], { usage: { input_tokens: 100, output_tokens: 7, cache_read_input_tokens: 900 } })]));
    const generated = await openai.doGenerate({ prompt: ask('Look up x.'), tools: [lookupTool] });
    assert.deepEqual(generated.content, [{ type: 'tool-call', toolCallId: 'call_fake_0_0', toolName: 'lookup', input: '{"word":"x"}' }]);
    assert.equal(generated.finishReason.unified, 'tool-calls');
    assert.deepEqual(generated.usage.inputTokens, { total: 1000, noCache: 100, cacheRead: 900, cacheWrite: undefined });
    assert.equal(fake.requests[0]!.stream, false);

    fake.setResponder(scriptedResponder([textTurn('cut sho', { stopReason: 'max_tokens' })]));
    const cut = await compatible.doGenerate({ prompt: ask('Say a lot.') });
    assert.deepEqual(cut.content, [{ type: 'text', text: 'cut sho' }]);
    assert.equal(cut.finishReason.unified, 'length');
    assert.ok((cut.usage.inputTokens.total ?? 0) > 0, 'without scripted usage the fake estimates tokens');
  });

  test('a transcript whose oldest turns were left out counts fewer turns: the default tool call id is not repeated', async () => {
    fake.setResponder(() => toolTurn([{ name: 'lookup', input: { word: 'y' } }]));
    // Turn 1 by its assistant messages, while the transcript already holds turn 1's default id (a turn was left out).
    const prompt: LanguageModelV4Prompt = [
      ...ask('Look up x, then y.'),
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_fake_1_0', toolName: 'lookup', input: { word: 'x' } }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_fake_1_0', toolName: 'lookup', output: { type: 'text', value: 'x: a letter' } }] },
    ];
    const generated = await openai.doGenerate({ prompt, tools: [lookupTool] });
    const call = generated.content.find((part) => part.type === 'tool-call');
    assert.ok(call?.type === 'tool-call' && /^call_fake_1_0_chatcmpl-fake\d+$/.test(call.toolCallId), JSON.stringify(call));
    // A fresh transcript at the same turn gets the plain id.
    const fresh = await openai.doGenerate({ prompt: [...ask('Look up x.'), { role: 'assistant', content: [{ type: 'text', text: 'Thinking.' }] }, ...ask('Go on.')], tools: [lookupTool] });
    assert.deepEqual(fresh.content.find((part) => part.type === 'tool-call'), { type: 'tool-call', toolCallId: 'call_fake_1_0', toolName: 'lookup', input: '{"word":"y"}' });
  });

  test('response_format json_schema: the SDK sends a strict schema, the scripted JSON comes back', async () => {
    fake.setResponder(scriptedResponder([textTurn('{"city":"Paris"}')]));
    const schema = { type: 'object' as const, properties: { city: { type: 'string' as const } }, required: ['city'], additionalProperties: false };
    const parts = await collect(openai, { prompt: ask('Where is the Louvre?'), responseFormat: { type: 'json', schema, name: 'answer' } });
    assert.deepEqual(JSON.parse(textOf(parts)), { city: 'Paris' });
    assert.deepEqual(fake.requests[0]!.body.response_format, { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema } });

    const loose = await post({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema: { type: 'object', properties: { city: { type: 'string' } } } } } });
    assert.equal(loose.status, 400);
    assert.equal(loose.json.error.message, "Invalid schema for response_format 'answer': In context=(), 'additionalProperties' is required to be supplied and to be false.");
  });

  test('an abort mid-stream is recorded as aborted, not completed', async () => {
    fake.setResponder(scriptedResponder([textTurn('a long answer that streams slowly, eight characters at a time', { chunkDelayMs: 30 })]));
    const controller = new AbortController();
    const { stream } = await openai.doStream({ prompt: ask('Talk.'), abortSignal: controller.signal });
    const reader = stream.getReader();
    for (;;) {
      const { value } = await reader.read();
      if (value?.type === 'text-delta') break;
    }
    controller.abort();
    await reader.read().catch(() => undefined);
    for (let i = 0; i < 50 && !fake.requests[0]!.aborted; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual([fake.requests[0]!.aborted, fake.requests[0]!.completed], [true, false]);
  });

  test('injected 429 and 503 answer OpenAI-shaped errors the SDK surfaces as retryable APICallErrors; a mid-stream error ends the stream', async () => {
    fake.setResponder(scriptedResponder([textTurn('finally')]));
    fake.injectFaults({ kind: 'http', status: 429, retryAfterSeconds: 2, message: 'Rate limit reached for requests' }, { kind: 'http', status: 503 });
    const first = await openai.doStream({ prompt: ask('hi') }).then(() => undefined, (e: unknown) => e);
    assert.ok(APICallError.isInstance(first));
    assert.deepEqual([first.statusCode, first.isRetryable, first.responseHeaders?.['retry-after'], first.message], [429, true, '2', 'Rate limit reached for requests']);
    assert.deepEqual(JSON.parse(first.responseBody ?? ''), { error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } });
    const second = await compatible.doGenerate({ prompt: ask('hi') }).then(() => undefined, (e: unknown) => e);
    assert.ok(APICallError.isInstance(second));
    assert.deepEqual([second.statusCode, second.isRetryable], [503, true]);
    assert.equal(textOf(await collect(openai, { prompt: ask('hi') })), 'finally', 'faults are one a request');
    assert.deepEqual(fake.requests.map((r) => r.fault?.kind ?? 'none'), ['http', 'http', 'none']);

    fake.injectFaults({ kind: 'midStreamError', afterEvents: 2 });
    const parts = await collect(openai, { prompt: ask('hi') });
    assert.ok(parts.some((p) => p.type === 'error'));
    assert.equal(finishOf(parts).finishReason.unified, 'error');
  });

  test('latency, a connection reset and a hang, as the Anthropic fake injects them', async () => {
    const slow = await FakeOpenAIServer.start({ latencyMs: 150, responder: scriptedResponder([textTurn('late')]) });
    try {
      const started = Date.now();
      const parts = await collect(createOpenAI({ baseURL: slow.baseURL, apiKey: KEY }).chat('gpt-4o'), { prompt: ask('hi') });
      assert.equal(textOf(parts), 'late');
      assert.ok(Date.now() - started >= 140);
    } finally {
      await slow.close();
    }
    fake.setResponder(scriptedResponder([textTurn('never read')]));
    fake.injectFaults({ kind: 'connectionReset' }, { kind: 'hang' });
    assert.ok(APICallError.isInstance(await openai.doGenerate({ prompt: ask('hi') }).then(() => undefined, (e: unknown) => e)));
    const hung = await openai.doGenerate({ prompt: ask('hi'), abortSignal: AbortSignal.timeout(100) }).then(() => undefined, (e: unknown) => e);
    assert.equal((hung as Error).name, 'TimeoutError');
    for (let i = 0; i < 50 && !fake.requests[1]!.aborted; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(fake.requests.map((r) => [r.fault?.kind, r.completed, r.aborted]), [['connectionReset', false, true], ['hang', false, true]]);
  });

  describe('refuses what the Chat Completions API refuses, in its error shape', () => {
    const user = { role: 'user', content: 'Look up a.' };
    const calls = (...ids: string[]): object => ({ role: 'assistant', content: null, tool_calls: ids.map((id) => ({ id, type: 'function', function: { name: 'lookup', arguments: '{}' } })) });
    const answer = (id: string): object => ({ role: 'tool', tool_call_id: id, content: 'ok' });
    const chat = (messages: object[], extra: object = {}): object => ({ model: 'gpt-4o', messages, ...extra });

    test('a valid agent transcript passes: parallel calls answered by consecutive tool messages, then a new turn', async () => {
      fake.setResponder(scriptedResponder([textTurn('a'), textTurn('b'), textTurn('done')]));
      const res = await post(chat([user, calls('c1', 'c2'), answer('c2'), answer('c1'), { role: 'assistant', content: 'Both ok.' }, { role: 'user', content: 'And b?' }]));
      assert.equal(res.status, 200);
    });

    const cases: Array<[string, object, number, string | RegExp, string | null, string | null]> = [
      ['a tool message with no tool_calls before it', chat([user, answer('c1')]), 400, "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", 'messages.[1].role', null],
      ['a tool message answering an id the assistant did not call', chat([user, calls('c1'), answer('c9')]), 400, "Invalid parameter: 'tool_call_id' of 'c9' not found in 'tool_calls' of previous message.", 'messages.[2].tool_call_id', null],
      ['a tool call left unanswered before the next message', chat([user, calls('c1', 'c2'), answer('c1'), { role: 'user', content: 'next' }]), 400, "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: c2", 'messages.[3].role', null],
      ['a transcript ending on unanswered tool calls', chat([user, calls('c1')]), 400, /did not have response messages: c1$/, 'messages.[2].role', null],
      ['a tool call answered twice', chat([user, calls('c1'), answer('c1'), answer('c1')]), 400, /'c1' is answered by more than one message/, 'messages.[3].tool_call_id', null],
      ['a tool call id used twice in the conversation', chat([user, calls('c1'), answer('c1'), calls('c1'), answer('c1')]), 400, /'c1' is used more than once/, 'messages.[3].tool_calls', null],
      ['no messages', chat([]), 400, "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array'],
      ['an invalid role', chat([{ role: 'bot', content: 'x' }]), 400, "Invalid value: 'bot'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.", 'messages[0].role', 'invalid_value'],
      ['a user message without content', chat([{ role: 'user' }]), 400, "Missing required parameter: 'messages[0].content'.", 'messages[0].content', 'missing_required_parameter'],
      ['a tool with an invalid function name', chat([user], { tools: [{ type: 'function', function: { name: 'look up', parameters: { type: 'object' } } }] }), 400, "Invalid 'tools[0].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.", 'tools[0].function.name', 'invalid_value'],
      ['a tool whose parameters are not an object schema', chat([user], { tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'string' } } }] }), 400, 'Invalid schema for function \'lookup\': schema must be a JSON Schema of \'type: "object"\', got \'type: "string"\'.', 'tools[0].function.parameters', 'invalid_function_parameters'],
      ['a strict tool whose schema leaves a property optional', chat([user], { tools: [{ type: 'function', function: { name: 'lookup', strict: true, parameters: { type: 'object', properties: { w: { type: 'string' } }, additionalProperties: false } } }] }), 400, /'required' is required to be supplied .* Missing 'w'\.$/, 'tools[0].function.parameters', 'invalid_function_parameters'],
      ['json_object mode without the word JSON in the messages', chat([user], { response_format: { type: 'json_object' } }), 400, "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", 'messages', null],
      ['stream_options without stream', chat([user], { stream_options: { include_usage: true } }), 400, "The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options', null],
      ['max_tokens on a reasoning model', { model: 'gpt-5', messages: [user], max_tokens: 10 }, 400, "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", 'max_tokens', 'unsupported_parameter'],
      ['an unknown model', { model: 'gpt-9', messages: [user] }, 404, 'The model `gpt-9` does not exist or you do not have access to it.', null, 'model_not_found'],
    ];
    for (const [name, body, status, message, param, code] of cases) {
      test(name, async () => {
        const res = await post(body);
        assert.equal(res.status, status);
        assert.equal(res.json.error.type, 'invalid_request_error');
        if (typeof message === 'string') assert.equal(res.json.error.message, message);
        else assert.match(res.json.error.message, message);
        assert.deepEqual([res.json.error.param, res.json.error.code], [param, code]);
        assert.equal(fake.requests.at(-1)!.invalid, res.json.error.message);
      });
    }

    test('401 without Authorization: Bearer, and the SDK surfaces it', async () => {
      const res = await post(chat([user]), {});
      assert.equal(res.status, 401);
      assert.match(res.json.error.message, /^You didn't provide an API key/);
      assert.equal((await post(chat([user]), { authorization: KEY })).status, 401, 'a key without Bearer');
      const err = await createOpenAI({ baseURL: `${fake.url}/v1`, apiKey: '' }).chat('gpt-4o').doGenerate({ prompt: ask('hi') }).then(() => undefined, (e: unknown) => e);
      assert.ok(APICallError.isInstance(err));
      assert.deepEqual([err.statusCode, err.isRetryable], [401, false]);
    });

    test('GET /v1/models lists the known models; options add models, pin the key, or accept any model', async () => {
      const list = (await (await fetch(`${fake.url}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as { object: string; data: Array<{ id: string; object: string }> };
      assert.equal(list.object, 'list');
      assert.ok(['gpt-5', 'gpt-5-mini', 'gpt-4o', 'gpt-4o-mini'].every((id) => list.data.some((m) => m.id === id && m.object === 'model')));
      const custom = await FakeOpenAIServer.start({ models: ['my-model'], apiKey: 'sk-only' });
      const any = await FakeOpenAIServer.start({ models: '*', responder: scriptedResponder([textTurn('any')]) });
      try {
        const ok = createOpenAICompatible({ name: 'custom', baseURL: `${custom.url}/v1`, apiKey: 'sk-only' });
        custom.setResponder(scriptedResponder([textTurn('mine')]));
        assert.deepEqual((await ok.chatModel('my-model').doGenerate({ prompt: ask('hi') })).content, [{ type: 'text', text: 'mine' }]);
        const wrongKey = await createOpenAICompatible({ name: 'custom', baseURL: `${custom.url}/v1`, apiKey: 'sk-other' }).chatModel('my-model').doGenerate({ prompt: ask('hi') }).then(() => undefined, (e: unknown) => e);
        assert.ok(APICallError.isInstance(wrongKey));
        assert.equal(wrongKey.statusCode, 401);
        assert.match(wrongKey.message, /^Incorrect API key provided/);
        const anyModel = createOpenAICompatible({ name: 'any', baseURL: `${any.url}/v1`, apiKey: KEY }).chatModel('llama-3.3-70b');
        assert.deepEqual((await anyModel.doGenerate({ prompt: ask('hi') })).content, [{ type: 'text', text: 'any' }]);
      } finally {
        await custom.close();
        await any.close();
      }
    });
  });

  test('the offline demo model calls long_running_task, then reports its result', async () => {
    fake.setResponder(openAIDemoResponder);
    const tool = { type: 'function' as const, name: 'long_running_task', inputSchema: { type: 'object' as const, properties: { seconds: { type: 'integer' as const } }, required: ['seconds'], additionalProperties: false } };
    const first = await collect(openai, { prompt: ask('Call long_running_task with 3 seconds.'), tools: [tool] });
    const call = first.find((p) => p.type === 'tool-call');
    assert.deepEqual([call?.toolName, JSON.parse(call?.input ?? '{}')], ['long_running_task', { seconds: 3 }]);
    const second = await collect(openai, {
      tools: [tool],
      prompt: [
        ...ask('Call long_running_task with 3 seconds.'),
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: call!.toolCallId, toolName: 'long_running_task', input: { seconds: 3 } }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: call!.toolCallId, toolName: 'long_running_task', output: { type: 'text', value: 'Completed after 3 seconds' } }] },
      ],
    });
    assert.equal(textOf(second), 'The long_running_task finished: Completed after 3 seconds.');
  });

  test('one script drives the Anthropic fake and the OpenAI fake alike', async () => {
    const script: FakeTurn[] = [toolTurn([{ id: 'tu_1', name: 'lookup', input: { word: 'a' } }], { text: 'Checking.' }), textTurn('Done.')];
    const anthropicFake = await FakeAnthropicServer.start({ responder: scriptedResponder(script) });
    fake.setResponder(scriptedResponder(script));
    try {
      const claude = new Anthropic({ baseURL: anthropicFake.url, apiKey: KEY, maxRetries: 0 });
      const message = await claude.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 100, messages: [{ role: 'user', content: 'Look up a.' }], tools: [{ name: 'lookup', input_schema: { type: 'object' } }] });
      const generated = await openai.doGenerate({ prompt: ask('Look up a.'), tools: [lookupTool] });
      const claudeUse = message.content.find((b) => b.type === 'tool_use');
      const openaiCall = generated.content.find((c) => c.type === 'tool-call');
      assert.deepEqual([claudeUse?.id, claudeUse?.name, claudeUse?.input], ['tu_1', 'lookup', { word: 'a' }]);
      assert.deepEqual([openaiCall?.toolCallId, openaiCall?.toolName, JSON.parse(openaiCall?.input ?? '')], ['tu_1', 'lookup', { word: 'a' }]);
    } finally {
      await anthropicFake.close();
    }
  });
});
