// Stops read from recorded histories, without a server: how each run stopped (RunOutput.stop), and the one planner's
// continuation with a user message, whose transcript the Messages API accepts (the fake's own rules check it).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages';
import { planContinuation, type ContinuationPlan, type StartPlan } from '../src/history/continuation.js';
import { INTERRUPTED_RESULT, RunStatus, type ContinuationSeed } from '../src/index.js';
import { toRunOutput } from '../src/history/projections.js';
import { requestProblem } from '../src/testing/fake-anthropic/request-rules.js';
import type { RunInput } from '../src/core/types.js';
import { replayConversation } from '../src/workflows/conversation.js';
import { savedRecord, withStepModels } from './helpers/saved-records.js';

function started(plan: ContinuationPlan): StartPlan {
  assert.ok(plan.kind === 'continue' || plan.kind === 'fork');
  return plan;
}

/** The transcript the continuation's next model call sends, checked as the real API would check it. */
function nextRequestProblem(input: RunInput): string | undefined {
  const seed = input.seed as ContinuationSeed;
  const { conversation } = replayConversation(input.task, (id) => seed.completed[id], seed.redirects);
  const body: MessageCreateParams = { model: input.model, max_tokens: 100, messages: conversation.messages, tools: input.task.tools.map((t) => ({ name: t.name, input_schema: { type: 'object' } })) };
  return requestProblem(body, { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' })?.message;
}

describe('stops in recorded histories', () => {
  test('cancel after the step: status cancelled, the stop with its mode and reason, the running step completed', async () => {
    const output = toRunOutput(await savedRecord('stop-after-step'));
    assert.equal(output.status, RunStatus.cancelled);
    assert.deepEqual(output.stop, { reason: 'cancelled', mode: 'afterStep', message: 'recorded stop' });
    assert.deepEqual(output.stepResults.map((s) => s.status), ['completed', 'completed']);
  });

  test('a time limit: the run failed with RunStoppedError, read as a stop (not an error)', async () => {
    const record = await savedRecord('stop-deadline');
    assert.equal(record.state, 'failed');
    const output = toRunOutput(record);
    assert.equal(output.status, RunStatus.cancelled);
    assert.equal(output.error, undefined);
    assert.equal(output.stop?.reason, 'timeout');
    assert.equal(output.stepResults.find((s) => s.name === 'tool:wait')?.status, 'cancelled');
  });

  test('a budget stop, continued with a user message: the planner builds the recorded seed; the cut turn answered as interrupted', async () => {
    const stopped = await savedRecord('stop-budget');
    const output = toRunOutput(stopped);
    assert.equal(output.stop?.limit, 'outputTokens');
    const plan = started(planContinuation(stopped, { kind: 'continue', message: 'Skip the waits.', limits: { maxOutputTokens: 1000 } }));
    const recorded = (await savedRecord('stop-redirected')).input;
    // Steps name the model that answered since runs could use several; the recorded seed is older than that.
    assert.deepEqual(plan.input.seed, withStepModels(recorded.seed!, recorded.model));
    assert.deepEqual(plan.input.limits, { maxOutputTokens: 1000 });
    const results = Object.values(plan.input.seed!.completed).filter((o) => o.kind === 'tool');
    assert.deepEqual(results.map((o) => o.result), [{ content: INTERRUPTED_RESULT, isError: true }, { content: INTERRUPTED_RESULT, isError: true }]);
    assert.deepEqual(plan.input.seed!.redirects, [{ beforeStep: 3, text: 'Skip the waits.' }]);
    assert.equal(nextRequestProblem(plan.input), undefined);
    // Without the message the continuation runs the turn's calls: also a valid transcript once they answer.
    const plain = started(planContinuation(stopped, { kind: 'continue' }));
    assert.equal(plain.input.seed!.redirects, undefined);
  });

  test('every stopped or cancelled recorded run continued with a message sends a transcript the API accepts', async () => {
    for (const name of ['cancelled', 'cut-model', 'stop-after-step', 'stop-deadline', 'stop-budget', 'errored'] as const) {
      const plan = started(planContinuation(await savedRecord(name), { kind: 'continue', message: 'Change of plan.' }));
      assert.equal(nextRequestProblem(plan.input), undefined, name);
    }
  });
});

describe('steps that stop their run, in recorded histories', () => {
  test('a guardrail block and a money-budget cut read as continuable stops; the cut call keeps its partial, priced usage', async () => {
    const blocked = toRunOutput(await savedRecord('stop-guardrail'));
    assert.equal(blocked.status, RunStatus.cancelled);
    assert.equal(blocked.error, undefined);
    assert.deepEqual(blocked.stop?.guardrail, { name: 'blocklist', stage: 'modelOutput' });
    assert.ok(blocked.usage.costUsd! > 0, 'the blocked call was paid for');

    const stopped = await savedRecord('stop-cost');
    const cut = toRunOutput(stopped);
    assert.equal(cut.stop?.reason, 'budget');
    assert.equal(cut.stop?.limit, 'costUsd');
    const step = cut.stepResults[0]!;
    assert.equal(step.usage?.inputTokens, 500);
    assert.ok(step.usage!.costUsd! > 0.004, 'it passed the budget when it was cut');
    assert.equal(cut.usage.costUsd, step.usage!.costUsd);
    const plan = started(planContinuation(stopped, { kind: 'continue', limits: { maxCostUsd: 0.05 } }));
    assert.deepEqual(plan.input.limits, { maxCostUsd: 0.05 });
    assert.equal(plan.input.seed!.usage.costUsd, step.usage!.costUsd);
    assert.deepEqual(Object.keys(plan.input.seed!.completed), [], 'the cut call runs again');
    const continued = toRunOutput(await savedRecord('stop-cost-continued'));
    assert.equal(continued.status, RunStatus.completed);
    assert.ok(Math.abs(continued.usage.costUsd! - continued.stepResults.reduce((sum, s) => sum + (s.usage?.costUsd ?? 0), 0)) < 1e-12);
  });
});
