// The fake Anthropic server refuses what the real Messages API refuses: each rule, with the API's wording, and a
// valid agent transcript (parallel tool calls answered in one user message) that passes. No server needed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MessageCreateParams, MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { requestProblem } from '../src/testing/fake-anthropic/request-rules.js';
import { buildMessage } from '../src/testing/fake-anthropic/wire.js';

const HEADERS = { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' };
const toolUse = (id: string): { type: 'tool_use'; id: string; name: string; input: object } => ({ type: 'tool_use', id, name: 'lookup', input: {} });
const toolResult = (id: string): { type: 'tool_result'; tool_use_id: string; content: string } => ({ type: 'tool_result', tool_use_id: id, content: 'ok' });

function request(messages: MessageParam[], extra: Partial<MessageCreateParams> = {}): MessageCreateParams {
  return { model: 'claude-sonnet-4-6', max_tokens: 100, messages, tools: [{ name: 'lookup', input_schema: { type: 'object' } }], ...extra };
}
const problem = (body: MessageCreateParams, headers: Record<string, string> = HEADERS): string | undefined => requestProblem(body, headers)?.message;

describe('the fake refuses what the Messages API refuses', () => {
  test('a valid agent transcript passes: parallel tool calls answered together, then a new turn', () => {
    const body = request([
      { role: 'user', content: 'Look up a and b.' },
      { role: 'assistant', content: [{ type: 'text', text: 'Looking.' }, toolUse('t1'), toolUse('t2')] },
      { role: 'user', content: [toolResult('t1'), toolResult('t2')] },
      { role: 'assistant', content: [{ type: 'text', text: 'Done.' }] },
      { role: 'user', content: 'Thanks; and c?' },
    ]);
    assert.equal(requestProblem(body, HEADERS), undefined);
  });

  test('no API key: 401; no anthropic-version: 400', () => {
    assert.deepEqual(requestProblem(request([{ role: 'user', content: 'hi' }]), { 'anthropic-version': '2023-06-01' }), { status: 401, message: 'x-api-key header is required' });
    assert.equal(requestProblem(request([{ role: 'user', content: 'hi' }]), { 'x-api-key': 'k' })?.status, 400);
  });

  test('a tool_use without its tool_result in the next message', () => {
    const body = request([
      { role: 'user', content: 'Look up a and b.' },
      { role: 'assistant', content: [toolUse('t1'), toolUse('t2')] },
      { role: 'user', content: [toolResult('t1')] },
    ]);
    assert.match(problem(body) ?? '', /`tool_use` ids were found without `tool_result` blocks immediately after: t2/);
  });

  test('a tool_result that answers no tool_use of the message before', () => {
    const body = request([
      { role: 'user', content: 'Look up a.' },
      { role: 'assistant', content: [toolUse('t1')] },
      { role: 'user', content: [toolResult('t1'), toolResult('t9')] },
    ]);
    assert.match(problem(body) ?? '', /unexpected `tool_use_id` found in `tool_result` blocks: t9/);
  });

  test('a tool_use id is used once in the conversation, and answered once', () => {
    const reused = request([
      { role: 'user', content: 'Look up a, then again.' },
      { role: 'assistant', content: [toolUse('t1')] },
      { role: 'user', content: [toolResult('t1')] },
      { role: 'assistant', content: [toolUse('t1')] },
      { role: 'user', content: [toolResult('t1')] },
    ]);
    assert.match(problem(reused) ?? '', /messages\.3: `tool_use` ids must be unique: t1/);
    const twiceInOneTurn = request([
      { role: 'user', content: 'Look up a.' },
      { role: 'assistant', content: [toolUse('t1'), toolUse('t1')] },
      { role: 'user', content: [toolResult('t1')] },
    ]);
    assert.match(problem(twiceInOneTurn) ?? '', /`tool_use` ids must be unique: t1/);
    const answeredTwice = request([
      { role: 'user', content: 'Look up a.' },
      { role: 'assistant', content: [toolUse('t1')] },
      { role: 'user', content: [toolResult('t1'), toolResult('t1')] },
    ]);
    assert.match(problem(answeredTwice) ?? '', /each tool_use must have a single result.*id: t1/);
  });

  test('an interrupted call answered with an is_error result, then the user\'s new message, passes', () => {
    const body = request([
      { role: 'user', content: 'Look up a and b.' },
      { role: 'assistant', content: [toolUse('t1'), toolUse('t2')] },
      {
        role: 'user',
        content: [
          toolResult('t1'),
          { type: 'tool_result', tool_use_id: 't2', content: 'Interrupted: the user stopped this tool call.', is_error: true },
          { type: 'text', text: 'Actually, use the EU region.' },
        ],
      },
    ]);
    assert.equal(requestProblem(body, HEADERS), undefined);
    const missing = request([
      { role: 'user', content: 'Look up a and b.' },
      { role: 'assistant', content: [toolUse('t1'), toolUse('t2')] },
      { role: 'user', content: [toolResult('t1'), { type: 'text', text: 'Actually, use the EU region.' }] },
    ]);
    assert.match(problem(missing) ?? '', /without `tool_result` blocks immediately after: t2/);
  });

  test('tool_result blocks come first in their message', () => {
    const body = request([
      { role: 'user', content: 'Look up a.' },
      { role: 'assistant', content: [toolUse('t1')] },
      { role: 'user', content: [{ type: 'text', text: 'here:' }, toolResult('t1')] },
    ]);
    assert.match(problem(body) ?? '', /tool_result blocks must come first/);
  });

  test('roles alternate, starting with user; no empty messages or text blocks', () => {
    assert.match(problem(request([{ role: 'assistant', content: 'hi' }])) ?? '', /roles must alternate/);
    assert.match(problem(request([{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }])) ?? '', /roles must alternate/);
    assert.match(problem(request([{ role: 'user', content: '' }])) ?? '', /non-empty content/);
    assert.match(problem(request([{ role: 'user', content: [{ type: 'text', text: '' }] }])) ?? '', /text content blocks must be non-empty/);
    assert.equal(problem(request([{ role: 'user', content: 'a' }, { role: 'assistant', content: '' }])), undefined, 'an empty final assistant message (prefill) is allowed');
  });

  test('model, max_tokens, messages and tools are checked', () => {
    assert.match(problem(request([{ role: 'user', content: 'a' }], { model: '' })) ?? '', /model: Field required/);
    assert.match(problem(request([{ role: 'user', content: 'a' }], { max_tokens: 0 })) ?? '', /max_tokens/);
    assert.match(problem(request([])) ?? '', /at least one message/);
    const twice = request([{ role: 'user', content: 'a' }], { tools: [{ name: 'x', input_schema: { type: 'object' } }, { name: 'x', input_schema: { type: 'object' } }] });
    assert.match(problem(twice) ?? '', /Tool names must be unique/);
    assert.match(problem(request([{ role: 'user', content: 'a' }], { tools: [{ name: 'bad name', input_schema: { type: 'object' } }] })) ?? '', /should match pattern/);
  });
});

describe('the fake answers with tool_use ids the request does not hold yet', () => {
  test('a transcript whose oldest turns were left out counts fewer turns: the default id is made unique', () => {
    const turn = { kind: 'tool_use' as const, toolUses: [{ name: 'lookup', input: {} }] };
    const usage = { input_tokens: 1, output_tokens: 1 };
    // Turn 1 of a fresh transcript: the plain id.
    assert.equal(buildMessage(turn, 'msg_fake_7', 'claude-sonnet-4-6', usage, 1, new Set(['toolu_fake_0_0'])).content[0]!.id, 'toolu_fake_1_0');
    // Turn 1 again after a drop, while the request still holds toolu_fake_1_0: a new id, not a repeat the API would refuse.
    const id = buildMessage(turn, 'msg_fake_8', 'claude-sonnet-4-6', usage, 1, new Set(['toolu_fake_1_0'])).content[0]!.id;
    assert.equal(id, 'toolu_fake_1_0_msg_fake_8');
    const body = request([
      { role: 'user', content: 'Look up a.' },
      { role: 'assistant', content: [toolUse('toolu_fake_1_0')] },
      { role: 'user', content: [toolResult('toolu_fake_1_0')] },
      { role: 'assistant', content: [toolUse(id!)] },
      { role: 'user', content: [toolResult(id!)] },
    ]);
    assert.equal(requestProblem(body, HEADERS), undefined);
  });
});
