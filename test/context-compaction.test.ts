// Context management (Task `context`): a run whose tool results together pass the model's context window. The fake
// refuses any request over its window with the Messages API's 400 ("prompt is too long"), so a run here completes only
// if what it sent was compacted: older tool results cleared, or older turns summarised in a step of their own. A
// continuation after a cut sends the very bytes the cut call sent.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createOpenAI } from '@ai-sdk/openai';
import { Agent } from '../src/client/agent.js';
import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages';
import { cancelRun } from '../src/client/run-control.js';
import { outputSummary } from '../src/cli/format.js';
import { UiChunkMapper } from '../src/server/chat/ui-chunks.js';
import { Task } from '../src/client/task.js';
import { RunStatus, type ContextSpec, type MessageParam, type ModelCallInput } from '../src/core/types.js';
import { budgetOf, clearedPlaceholder, compactedTranscript, ContextWindow, contextWindowOf } from '../src/workflows/context-window.js';
import { readExecution } from '../src/history/read-execution.js';
import { estimateTokens, textTurn, type RecordedRequest } from '../src/testing/fake-anthropic/index.js';
import { FakeOpenAIServer } from '../src/testing/fake-openai/index.js';
import { withoutCacheControls } from '../src/testing/fake-anthropic/prompt-cache.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { fetchPage, isSummarisation, lastPage, pageReader, pageReaderOpenAI, pageText } from './helpers/page-reader.js';

const WINDOW = 4000;
const BUDGET = 2500;
const PAGES = 8;

let h: Harness | undefined;
let openaiFake: FakeOpenAIServer | undefined;
before(async () => {
  openaiFake = await FakeOpenAIServer.start({ contextWindow: WINDOW });
  h = await startHarness({ tools: [fetchPage], fake: { contextWindow: WINDOW }, noWorker: true });
  const openai = createOpenAI({ baseURL: openaiFake.baseURL, apiKey: 'test-key' });
  await h.startWorker({ models: { openai: (id) => openai.chat(id) } });
});
after(async () => {
  await h?.close();
  await openaiFake?.close();
});
beforeEach(() => {
  h?.fake.reset();
  openaiFake?.reset();
});
const get = (): Harness => {
  if (!h) throw new Error('the harness is not started yet');
  return h;
};
const reader = (slow?: { page: number; cut: boolean }) => pageReader(PAGES, slow);

const task = (context: ContextSpec): Task => new Task({ description: `Read the report: fetch pages 1 to ${PAGES} with fetch_page, one at a time.`, tools: [fetchPage], maxTokens: 256, context });
/** Input tokens of a request as the fake counts them (what it compares with its window). */
const tokensOf = (request: RecordedRequest): number => estimateTokens(withoutCacheControls(request.body)).input_tokens;
const placeholderOf = (page: number): string => clearedPlaceholder(pageText(page).length, 'fetch_page');

describe('the strict fake and the window table', () => {
  test('a run that sends its whole transcript passes the window and gets the API\'s 400', async () => {
    const h = get();
    h.fake.setResponder(reader());
    const output = await h.agent().do(task({ strategy: 'off' }));
    assert.equal(output.status, RunStatus.error);
    // Over the window, or too close to it to leave max_tokens of room: the API's two refusals for length.
    const refusal = /prompt is too long: \d+ tokens > 4000 maximum|input length and `max_tokens` exceed context limit: \d+ \+ 256 > 4000/;
    assert.match(output.error?.message ?? '', refusal);
    assert.ok(h.fake.requests.some((r) => refusal.test(r.invalid ?? '')), 'the fake refused a request over its window');
  });

  test('the OpenAI fake refuses a prompt over the model\'s window with context_length_exceeded', async () => {
    const openai = await FakeOpenAIServer.start({ contextWindow: { 'gpt-4o': 1000 }, responder: () => textTurn('fits') });
    try {
      const ask = (text: string) =>
        fetch(`${openai.baseURL}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer test-key' },
          body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: text }] }),
        });
      assert.equal((await ask('short')).status, 200);
      const refused = await ask(pageText(1).repeat(2));
      assert.equal(refused.status, 400);
      const body = (await refused.json()) as { error: { message: string; code: string; param: string } };
      assert.equal(body.error.code, 'context_length_exceeded');
      assert.match(body.error.message, /^This model's maximum context length is 1000 tokens\. However, your messages resulted in \d+ tokens\./);
    } finally {
      await openai.close();
    }
  });

  test('clearing moves only when a request would pass the budget, and keeps each tool_use with its result', () => {
    const turn = (page: number): MessageParam[] => [
      { role: 'assistant', content: [{ type: 'tool_use', id: `page-${page}`, name: 'fetch_page', input: { page } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: `page-${page}`, content: pageText(page), is_error: false }] },
    ];
    const window = new ContextWindow({ budgetTokens: BUDGET, keepRecent: 2 }, 'claude-sonnet-4-6', 256, undefined, 'Read.');
    const messages: MessageParam[] = [{ role: 'user', content: 'Read.' }];
    const lines: (number | undefined)[] = [];
    for (let page = 1; page <= PAGES; page++) {
      messages.push(...turn(page));
      const { compaction } = window.plan(messages);
      lines.push(compaction?.cleared?.before);
      const sent = compactedTranscript(messages, compaction);
      assert.ok(!compaction || compaction.estimatedTokens <= BUDGET, `page ${page}: ${compaction?.estimatedTokens}`);
      assert.deepEqual(sent.map((m) => m.role), messages.map((m) => m.role), 'every message is sent, in order');
    }
    // Three pages fit; the fourth moves the line (a message index) to keep the last two turns whole; it stays until the
    // budget is passed again.
    assert.deepEqual(lines, [undefined, undefined, undefined, 6, 6, 10, 10, 14]);
  });

  test('the estimate is the size of the request compactedTranscript builds, over cuts, drops, referred results and reused ids', () => {
    // A transcript of a run that continued as new (results 1-3 referred to, not carried), whose model reuses tool_use
    // ids across turns with other tools, with an error result, a text block after the results, and two results a turn.
    const referred: Record<string, number> = { 'r-1': 900, 'r-2': 1400, 'r-3': 700 };
    const system = 'You read reports.';
    const window = new ContextWindow({ budgetTokens: 1500, keepRecent: 2 }, 'claude-sonnet-4-6', 256, system, 'Read.');
    // As the snapshot of an execution that had started clearing (nothing before message 1 to clear yet) restores it.
    window.restore({ overhead: 0, cleared: { before: 1, results: 0 } }, Object.fromEntries(Object.entries(referred).map(([id, chars]) => [id, { activityId: `step-x-${id}`, digest: `${chars}:abc`, execution: 'e-1' }])));
    const messages: MessageParam[] = [{ role: 'user', content: 'Read.' }];
    for (const id of Object.keys(referred)) {
      messages.push({ role: 'assistant', content: [{ type: 'tool_use', id, name: 'fetch_page', input: {} }] });
      messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, is_error: false }] as MessageParam['content'] });
    }
    let dropped = 0;
    for (let turn = 1; turn <= 60; turn++) {
      const tool = turn % 3 === 0 ? 'lookup' : 'fetch_page';
      const ids = [`call-${turn % 4}`, ...(turn % 5 === 0 ? [`call-b-${turn}`] : [])];
      messages.push({ role: 'assistant', content: [{ type: 'text', text: `Turn ${turn}.` }, ...ids.map((id) => ({ type: 'tool_use' as const, id, name: tool, input: { turn } }))] });
      const results: MessageParam['content'] = ids.map((id) => ({ type: 'tool_result' as const, tool_use_id: id, content: `${tool} ${turn}: ${'x'.repeat(200 + turn * 7)}`, is_error: turn % 7 === 0 }));
      messages.push({ role: 'user', content: turn % 6 === 0 ? [...results, { type: 'text', text: 'And hurry.' }] : results });
      const { compaction } = window.plan(messages, true, () => true);
      if (!compaction) continue;
      const sent = compactedTranscript(messages, compaction);
      let referredChars = 0;
      for (const message of sent) {
        if (typeof message.content === 'string') continue;
        for (const block of message.content) if (block.type === 'tool_result' && !('content' in block)) referredChars += referred[block.tool_use_id] ?? 0;
      }
      const expected = Math.ceil((JSON.stringify(sent).length + referredChars + system.length) / 4);
      assert.equal(compaction.estimatedTokens, expected, `turn ${turn}`);
      if (compaction.summary?.dropped) dropped = compaction.summary.through;
      if (turn === 1) assert.ok(referredChars > 0, 'the first request sends the referred results');
      // A cleared result names the tool of the latest call with its id before it.
      for (const [index, message] of sent.entries()) {
        if (typeof message.content === 'string') continue;
        for (const block of message.content) {
          if (block.type !== 'tool_result' || typeof block.content !== 'string' || !block.content.startsWith('[tool result cleared')) continue;
          const call = sent[index - 1];
          const use = call && typeof call.content !== 'string' ? call.content.find((b) => b.type === 'tool_use' && b.id === block.tool_use_id) : undefined;
          assert.ok(use?.type === 'tool_use' && block.content.includes(` of ${use.name} output`), `${block.content} follows its call`);
        }
      }
    }
    assert.ok(dropped > 0, 'the run left its oldest turns out');
  });

  test('the default budget is a safe share of the model\'s window', () => {
    assert.equal(contextWindowOf('claude-sonnet-4-6'), 200_000);
    assert.equal(contextWindowOf('openai/gpt-5'), 400_000);
    assert.equal(budgetOf(undefined, 'claude-sonnet-4-6', 4096), Math.floor((200_000 - 4096) * 0.8));
    assert.equal(budgetOf({ budgetTokens: 1234 }, 'claude-sonnet-4-6', 4096), 1234);
  });
});

describe('clear-tool-results', () => {
  test('older tool results go as placeholders; every request stays under the budget; history keeps them whole; a fork resends the same request', async () => {
    const h = get();
    h.fake.setResponder(reader());
    const output = await h.agent().do(task({ budgetTokens: BUDGET, strategy: 'clear-tool-results', keepRecent: 2 }));
    assert.equal(output.status, RunStatus.completed, JSON.stringify(output.error));
    assert.equal(output.output, `Read all ${PAGES} pages.`);
    assert.deepEqual(h.fake.requests.filter((r) => r.invalid).map((r) => r.invalid), []);
    const peak = Math.max(...h.fake.requests.map(tokensOf));
    assert.ok(peak <= BUDGET, `peak input tokens ${peak} within the ${BUDGET}-token budget`);

    // The last request: pages 1..6 cleared (each pair kept), 7 and 8 whole.
    const last = h.fake.requests[h.fake.requests.length - 1]!;
    const sent = JSON.stringify(withoutCacheControls(last.body.messages));
    for (let page = 1; page <= PAGES; page++) {
      const whole = sent.includes(JSON.stringify(pageText(page)));
      assert.equal(whole, page > PAGES - 2, `page ${page} ${page > PAGES - 2 ? 'whole' : 'cleared'}`);
      if (page <= PAGES - 2) assert.ok(sent.includes(JSON.stringify(placeholderOf(page))), `page ${page}'s placeholder`);
    }
    // What was sent is rebuilt from history: the transcript and each step's recorded compaction.
    const compacted = output.stepResults.filter((s) => s.context);
    assert.ok(compacted.length > 0 && compacted.every((s) => s.name === 'model' && s.context!.estimatedTokens <= BUDGET));
    assert.ok(compacted.some((s) => s.context!.clearedToolResults === PAGES - 2), JSON.stringify(compacted.map((s) => s.context)));
    // What the last call sent, rebuilt from history alone: the transcript before its answer and the compaction its
    // callModel input recorded.
    const record = await readExecution(h.client, output.runId, output.executionRunId);
    const lastCall = record.activities.filter((a) => a.activityType === 'callModel').at(-1)!;
    const rebuilt = compactedTranscript(output.messages.slice(0, -1), (lastCall.input as ModelCallInput).context);
    assert.equal(JSON.stringify(rebuilt), JSON.stringify(withoutCacheControls(last.body.messages)));
    // The user sees it: `show` (outputSummary) and the Web UI's Current Details.
    assert.match(outputSummary(output), /^context: \d+ requests compacted from step \d+; the last \(step \d+\): 6 tool results cleared; about \d+ of 2500 budget tokens sent$/m);
    const metadata = await h.client.workflow.getHandle(output.runId, output.executionRunId).query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    assert.match(metadata.currentDetails ?? '', /\*\*Context:\*\* step \d+ \(model\): 6 tool results cleared; about \d+ of 2500 budget tokens sent/);
    // A fork from the last model step sends that step's request again, byte for byte.
    const before = h.fake.requests.length;
    const fork = await h.agent().forkRun({ runId: output.runId, fromStep: lastCall.input.stepIndex });
    assert.equal(fork.status, RunStatus.completed, JSON.stringify(fork.error));
    assert.deepEqual(h.fake.requests.slice(before).map((r) => JSON.stringify(r.wireBody)), [JSON.stringify(last.wireBody)]);
    const toolResults = output.messages.flatMap((m) => (typeof m.content === 'string' ? [] : m.content.flatMap((b) => (b.type === 'tool_result' ? [b] : []))));
    assert.equal(toolResults.length, PAGES);
    assert.ok(toolResults.every((b, i) => b.content === pageText(i + 1)), 'the run\'s messages keep every result whole');
  });

  test('a run cut mid-call after compaction continues with the very request the cut call sent', async () => {
    const h = get();
    const slow = { page: 7, cut: false };
    h.fake.setResponder(reader(slow));
    const agent = h.agent();
    const cutTask = task({ budgetTokens: BUDGET, keepRecent: 2 });
    const pending = agent.do(cutTask);
    await waitFor(() => h.fake.requests.some((r) => lastPage(r) === 6), 'the slow model call');
    await cancelRun(agent.runId!, { client: h.client });
    assert.equal((await pending).status, RunStatus.cancelled);
    const cut = h.fake.requests.find((r) => lastPage(r) === 6)!;
    assert.ok(JSON.stringify(cut.body.messages).includes(JSON.stringify(placeholderOf(1))), 'the cut call was compacted');
    const before = h.fake.requests.length;

    const continued = await agent.continueRun({ runId: agent.runId! });
    assert.equal(continued.status, RunStatus.completed, JSON.stringify(continued.error));
    const resent = h.fake.requests.slice(before).find((r) => lastPage(r) === 6);
    assert.ok(resent, 'the continuation asked for the cut turn again');
    assert.equal(JSON.stringify(resent.wireBody), JSON.stringify(cut.wireBody), 'byte-equal to the cut call');
  });
});

describe('clear-tool-results on an AI SDK provider', () => {
  test('an openai/ run passes the OpenAI fake\'s window only with its older tool results cleared', async () => {
    const h = get();
    openaiFake!.setResponder(pageReaderOpenAI(PAGES));
    const agent = new Agent('openai/gpt-4o', { client: h.client, taskQueue: h.taskQueue });
    const output = await agent.do(task({ budgetTokens: BUDGET, keepRecent: 2 }));
    assert.equal(output.status, RunStatus.completed, JSON.stringify(output.error));
    assert.deepEqual(openaiFake!.requests.filter((r) => r.invalid).map((r) => r.invalid), []);
    const last = JSON.stringify(openaiFake!.requests.at(-1)!.body.messages);
    assert.ok(last.includes(JSON.stringify(placeholderOf(1)).slice(1, -1)), 'page 1 went as its placeholder');
    assert.ok(last.includes(JSON.stringify(pageText(PAGES)).slice(1, -1)), 'the last page went whole');
    const peak = Math.max(...openaiFake!.requests.map((r) => estimateTokens(r.body).input_tokens));
    assert.ok(peak <= BUDGET, `peak ${peak} within the ${BUDGET}-token budget`);
  });
});

describe('summarize', () => {
  test('a summarisation step of its own; the requests after it send the summary and the recent turns', async () => {
    const h = get();
    h.fake.setResponder(reader());
    const output = await h.agent().do(task({ budgetTokens: BUDGET, strategy: 'summarize', keepRecent: 1 }));
    assert.equal(output.status, RunStatus.completed, JSON.stringify(output.error));
    assert.deepEqual(h.fake.requests.filter((r) => r.invalid).map((r) => r.invalid), []);
    const summaries = output.stepResults.filter((s) => s.name === 'summarize');
    assert.ok(summaries.length >= 1, JSON.stringify(output.stepResults.map((s) => s.name)));
    assert.match(summaries[0]!.activityId, /^step-\d+-summarize$/);
    assert.match(summaries[0]!.output ?? '', /^Pages 1 to \d were fetched/);
    assert.match(outputSummary(output), /^context: \d+ requests compacted from step \d+ \(\d+ summarize steps?\); the last \(step \d+\): \d+ messages summarised/m);
    const after = h.fake.requests.filter((r) => !isSummarisation(r) && typeof r.body.messages[0]?.content === 'string' && (r.body.messages[0].content as string).includes('Summary of the work so far'));
    assert.ok(after.length > 0, 'later requests open with the summary');
    const peak = Math.max(...h.fake.requests.map(tokensOf));
    assert.ok(peak <= WINDOW, `peak ${peak} within the window`);
    const first = after[0]!.body as MessageCreateParams;
    assert.equal(first.messages[1]?.role, 'assistant', 'the recent turns follow the summary');
    // A chat (createChatHandler) shows no summarisation step: its summary is not the model's answer.
    const chat = new UiChunkMapper(output.runId);
    const base = { runId: output.runId, execution: 1, offset: 0, nextOffset: 1 };
    assert.deepEqual(chat.map({ ...base, type: 'step_started', step: { index: summaries[0]!.index, name: 'summarize', activityId: summaries[0]!.activityId } }), []);
    assert.deepEqual(chat.map({ ...base, type: 'text_delta', activityId: summaries[0]!.activityId, index: summaries[0]!.index, text: 'Pages' }), []);
    assert.deepEqual(chat.map({ ...base, type: 'step_completed', step: summaries[0]! }), []);
  });
});
