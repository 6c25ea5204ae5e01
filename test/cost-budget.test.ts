// Money: every model call is priced by the worker's price table (Usage.costUsd per step and for the run, in RunOutput
// and `show`), and a run's money budget (limits.maxCostUsd) cuts the model call whose streamed usage passes it: the
// fake's stream is aborted mid-answer, the call's partial usage (input as reported at message_start, output estimated
// from what streamed) is counted, the run stops `budget` (continuable), and a continuation with a raised budget
// completes. The costs are checked against the price table applied to the usage the fake reported.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { Task } from '../src/client/task.js';
import { outputSummary, stepsTable } from '../src/cli/format.js';
import { RunStatus, type Usage } from '../src/core/types.js';
import { CHARS_PER_TOKEN } from '../src/activities/cost-meter.js';
import { costOf, DEFAULT_PRICES } from '../src/models/prices.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/fake-anthropic/index.js';
import { countingTools, ToolCounter } from './helpers/counting-tools.js';
import { harnessPerFile, type Harness } from './helpers/harness.js';

const counter = new ToolCounter();
const tools = countingTools(counter);
const lookup = tools[1]!;
const harness = harnessPerFile({ tools }, () => counter.reset());
let h: Harness;
beforeEach(() => {
  h = harness();
});

const sonnet = DEFAULT_PRICES['claude-sonnet-4-6']!;
/** The price table applied to usage as the fake reports it (the API's field names). */
const priceOfFake = (u: { input_tokens: number; output_tokens: number; cache_read_input_tokens?: number; cache_creation_input_tokens?: number }): number =>
  costOf(sonnet, { inputTokens: u.input_tokens, outputTokens: u.output_tokens, cacheReadInputTokens: u.cache_read_input_tokens ?? 0, cacheCreationInputTokens: u.cache_creation_input_tokens ?? 0 });
const close = (actual: number | undefined, expected: number, what: string): void => {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-12, `${what}: ${String(actual)} ≠ ${expected}`);
};

describe('cost', () => {
  test('each model step is priced by the table, the run sums them; show prints them', async () => {
    const first = { input_tokens: 1200, output_tokens: 80 };
    const second = { input_tokens: 300, output_tokens: 200, cache_read_input_tokens: 1000, cache_creation_input_tokens: 400 };
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'lookup', input: { key: 'a' } }], { usage: first }), textTurn('a is value-of-a.', { usage: second })]));
    const output = await h.agent().do(new Task({ description: 'Look up a.', tools: [lookup] }));
    assert.equal(output.status, RunStatus.completed);
    const models = output.stepResults.filter((s) => s.name === 'model');
    close(models[0]!.usage?.costUsd, priceOfFake(first), 'first model step');
    close(models[1]!.usage?.costUsd, priceOfFake(second), 'second model step');
    // 1200 × $3/M + 80 × $15/M + 300 × $3/M + 200 × $15/M + 1000 × $0.30/M + 400 × $3.75/M
    close(output.usage.costUsd, 0.0036 + 0.0012 + 0.0009 + 0.003 + 0.0003 + 0.0015, 'the run');
    assert.equal(output.stepResults.find((s) => s.name === 'tool:lookup')?.usage, undefined);
    assert.match(outputSummary(output), /\$0\.0105/);
    assert.match(stepsTable(output.stepResults), /\$0\.0048/);
  });
});

describe('money budget', () => {
  test('a budget below one call cuts its stream mid-answer, counts its partial usage, stops `budget`; a raised budget completes', async () => {
    const answer = 'The quarterly numbers, line by line. '.repeat(110); // ~4000 characters, ~1000 tokens
    const usage = { input_tokens: 1000, output_tokens: Math.ceil(answer.length / CHARS_PER_TOKEN) };
    const fullCost = priceOfFake(usage); // $0.003 in + ~$0.015 out
    const maxCostUsd = 0.01;
    assert.ok(fullCost > maxCostUsd * 1.5, 'one call costs well over the budget');
    h.fake.setResponder(scriptedResponder([textTurn(answer, { usage, chunkDelayMs: 2 })]));
    const agent = h.agent();
    const stopped = await agent.do(new Task({ description: 'Summarise the quarter.', limits: { maxCostUsd } }));

    assert.equal(stopped.status, RunStatus.cancelled);
    assert.equal(stopped.error, undefined);
    assert.equal(stopped.stop?.reason, 'budget');
    assert.equal(stopped.stop?.limit, 'costUsd');
    // The request was aborted mid-stream, not answered in full.
    assert.equal(h.fake.requests.length, 1);
    assert.equal(h.fake.requests[0]!.aborted, true);
    assert.equal(h.fake.requests[0]!.completed, false);
    const [cut] = stopped.stepResults;
    assert.equal(cut?.name, 'model');
    const streamed = cut!.output ?? '';
    assert.ok(streamed.length > 0 && streamed.length < answer.length, `cut mid-answer (${streamed.length} of ${answer.length} characters)`);
    assert.ok(answer.startsWith(streamed));
    // Its partial usage: input as message_start reported it, output estimated from what streamed before the cut.
    const partial: Usage = cut!.usage!;
    assert.equal(partial.inputTokens, 1000);
    assert.equal(partial.outputTokens, Math.ceil(streamed.length / CHARS_PER_TOKEN));
    close(partial.costUsd, costOf(sonnet, { inputTokens: 1000, outputTokens: partial.outputTokens }), 'the cut call');
    assert.ok(partial.costUsd! > maxCostUsd && partial.costUsd! < maxCostUsd + 0.001, `cut as soon as it passed the budget ($${partial.costUsd})`);
    close(stopped.usage.costUsd, partial.costUsd!, 'the stopped run');

    // Continue with a raised budget: the cut call runs again, in full, and the run completes; the costs add up.
    const done = await agent.continueRun({ runId: stopped.runId, limits: { maxCostUsd: 0.05 } });
    assert.equal(done.status, RunStatus.completed);
    assert.equal(done.output, answer);
    assert.equal(h.fake.requests.length, 2);
    assert.equal(h.fake.requests[1]!.completed, true);
    const last = done.stepResults.at(-1)!;
    close(last.usage?.costUsd, fullCost, 'the continued call');
    close(done.usage.costUsd, partial.costUsd! + fullCost, 'the whole run');
    const summed = done.stepResults.reduce((sum, s) => sum + (s.usage?.costUsd ?? 0), 0);
    close(done.usage.costUsd, summed, 'the steps together');
  });

  test('maxCostUsd must be a positive number; fractions are fine', () => {
    assert.throws(() => new Task({ description: 'x', limits: { maxCostUsd: 0 } }), /maxCostUsd must be a positive number/);
    assert.throws(() => new Task({ description: 'x', limits: { maxCostUsd: Number.NaN } }), /maxCostUsd must be a positive number/);
    assert.equal(new Task({ description: 'x', limits: { maxCostUsd: 0.25 } }).limits?.maxCostUsd, 0.25);
  });
});
