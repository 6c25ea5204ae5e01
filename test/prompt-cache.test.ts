// Prompt caching without a server: the worker's breakpoints (src/activities/prompt-cache.ts) and the fake's model of
// Anthropic's cache (src/testing/fake-anthropic/prompt-cache.ts): reads, writes, minimum length, TTL, model, lookback,
// and the API's refusals.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MessageCreateParams, MessageParam, Tool } from '@anthropic-ai/sdk/resources/messages';
import { withCacheBreakpoints } from '../src/activities/prompt-cache.js';
import { estimateTokens, FakePromptCache } from '../src/testing/index.js';
import { withoutCacheControls } from '../src/testing/fake-anthropic/prompt-cache.js';
import { requestProblem } from '../src/testing/fake-anthropic/request-rules.js';

const HEADERS = { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' };
const SYSTEM = `You are a careful assistant. ${'Follow the house style guide closely. '.repeat(150)}`;
const TOOLS: Tool[] = [
  { name: 'lookup', description: 'Looks a thing up.', input_schema: { type: 'object' } },
  { name: 'fetch', description: 'Fetches a page.', input_schema: { type: 'object' } },
];

/** The conversation after `turns` tool round trips. */
function conversation(turns: number): MessageParam[] {
  const messages: MessageParam[] = [{ role: 'user', content: 'Look things up.' }];
  for (let i = 0; i < turns; i++) {
    messages.push({ role: 'assistant', content: [{ type: 'tool_use', id: `t${i}`, name: 'lookup', input: { i } }] });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `t${i}`, content: `result ${i} ${'x'.repeat(400)}` }] });
  }
  return messages;
}

function body(turns: number, model = 'claude-sonnet-4-6'): MessageCreateParams {
  const prompt = withCacheBreakpoints({ tools: TOOLS, system: SYSTEM, messages: conversation(turns) });
  return { model, max_tokens: 100, ...prompt };
}

function account(cache: FakePromptCache, request: MessageCreateParams) {
  assert.equal(requestProblem(request, HEADERS), undefined, 'the API accepts the request');
  const total = estimateTokens(withoutCacheControls(request)).input_tokens;
  const usage = cache.account(request, { input_tokens: total, output_tokens: 1 });
  assert.equal(usage.input_tokens + usage.cache_read_input_tokens! + usage.cache_creation_input_tokens!, total, 'read + written + uncached = the whole prompt');
  return usage;
}

const countMarks = (request: MessageCreateParams): number => JSON.stringify(request).split('"cache_control"').length - 1;

describe('the worker marks the stable prefix', () => {
  test('four breakpoints at most: last tool, system, last message, the message the previous call ended with', () => {
    const messages = conversation(3);
    const before = JSON.stringify(messages);
    const prompt = withCacheBreakpoints({ tools: TOOLS, system: SYSTEM, messages });
    assert.equal(JSON.stringify(messages), before, 'the transcript itself is not changed');
    assert.equal(countMarks({ model: 'm', max_tokens: 1, ...prompt }), 4);
    assert.ok(prompt.tools[1]!.cache_control && !prompt.tools[0]!.cache_control);
    assert.ok(prompt.system?.[0]?.cache_control);
    assert.match(JSON.stringify(prompt.messages[6]), /cache_control/);
    assert.match(JSON.stringify(prompt.messages[4]), /cache_control/);
    // Plain-text messages keep their shape: a repair request's turn marks the answer before it.
    const first = withCacheBreakpoints({ tools: [], messages: [{ role: 'user', content: 'hi' }] });
    assert.deepEqual(first.messages, [{ role: 'user', content: 'hi' }]);
    const repair = withCacheBreakpoints({ tools: [], messages: [...messages, { role: 'assistant', content: [{ type: 'text', text: '{}' }] }, { role: 'user', content: 'fix it' }] });
    assert.deepEqual(repair.messages[8], { role: 'user', content: 'fix it' });
    assert.match(JSON.stringify(repair.messages[7]), /cache_control/);
    assert.match(JSON.stringify(repair.messages[6]), /cache_control/);
  });
});

describe("the fake models Anthropic's prompt cache", () => {
  test('a turn writes its prefix; the next turn reads it and writes only what is new', () => {
    const cache = new FakePromptCache();
    const first = account(cache, body(0));
    assert.equal(first.cache_read_input_tokens, 0);
    assert.ok(first.cache_creation_input_tokens! > 1024, 'tools + system + the task are written');
    const second = account(cache, body(1));
    assert.ok(second.cache_read_input_tokens! >= first.cache_creation_input_tokens!, 'the first prompt is read back');
    assert.ok(second.cache_creation_input_tokens! > 0 && second.cache_creation_input_tokens! < 200, 'only the new turn is written');
    const again = account(cache, body(1));
    assert.equal(again.cache_creation_input_tokens, 0, 'the same prompt again is all read');
    assert.equal(again.cache_read_input_tokens! + again.input_tokens, estimateTokens(withoutCacheControls(body(1))).input_tokens);
  });

  test('entries expire after 5 minutes unless read; a read refreshes them', () => {
    let now = 0;
    const cache = new FakePromptCache({ now: () => now });
    account(cache, body(0));
    now += 4 * 60_000;
    assert.ok(account(cache, body(0)).cache_read_input_tokens! > 0, 'read within the TTL');
    now += 4 * 60_000;
    assert.ok(account(cache, body(0)).cache_read_input_tokens! > 0, 'the read refreshed the entry');
    now += 5 * 60_000 + 1;
    const expired = account(cache, body(0));
    assert.equal(expired.cache_read_input_tokens, 0);
    assert.ok(expired.cache_creation_input_tokens! > 0, 'written again');
  });

  test('keyed per model; nothing below the minimum cacheable length; the lookback finds an earlier breakpoint', () => {
    const cache = new FakePromptCache();
    account(cache, body(0));
    assert.equal(account(cache, body(0, 'claude-opus-4-1')).cache_read_input_tokens, 0, 'another model does not read it');
    const short = new FakePromptCache();
    const small: MessageCreateParams = { model: 'claude-sonnet-4-6', max_tokens: 10, ...withCacheBreakpoints({ tools: [], system: 'Be brief.', messages: conversation(1) }) };
    const usage = account(short, small);
    assert.deepEqual([usage.cache_read_input_tokens, usage.cache_creation_input_tokens], [0, 0]);
    assert.equal(account(short, small).cache_read_input_tokens, 0);
    // A request that marks only its last block still reads the prefix an earlier request wrote a few blocks before it.
    const lookback = new FakePromptCache();
    account(lookback, body(2));
    const onlyLast = withCacheBreakpoints({ tools: [], messages: conversation(3) });
    const later: MessageCreateParams = { model: 'claude-sonnet-4-6', max_tokens: 10, tools: TOOLS, system: [{ type: 'text', text: SYSTEM }], messages: onlyLast.messages.map((m, i) => (i === 4 ? conversation(3)[4]! : m)) };
    assert.ok(account(lookback, later).cache_read_input_tokens! > 1024);
  });

  test('the API refuses a fifth breakpoint and markers on empty text', () => {
    const request = body(3);
    request.tools = TOOLS.map((t) => ({ ...t, cache_control: { type: 'ephemeral' } }));
    assert.equal(requestProblem(request, HEADERS)?.message, 'A maximum of 4 blocks with cache_control may be provided. Found 5.');
    const empty: MessageCreateParams = { model: 'm', max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], system: [{ type: 'text', text: '', cache_control: { type: 'ephemeral' } }] };
    assert.equal(requestProblem(empty, HEADERS)?.message, 'cache_control cannot be set for empty text blocks');
  });

  test('structured outputs: the API takes a json_schema format whose objects all forbid additional properties', () => {
    const base: MessageCreateParams = { model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'hi' }] };
    const withSchema = (schema: Record<string, unknown>) => ({ ...base, output_config: { format: { type: 'json_schema' as const, schema } } });
    assert.equal(requestProblem(withSchema({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false }), HEADERS), undefined);
    assert.equal(
      requestProblem(withSchema({ type: 'object', properties: { a: { type: 'object', properties: {} } }, additionalProperties: false }), HEADERS)?.message,
      "output_config.format.schema.properties.a: For 'object' type, 'additionalProperties' must be explicitly set to false",
    );
  });
});
