// Every example folder but order-workflow (test/order-workflow.test.ts) run as a user runs it, offline: its entry
// function against one real dev server, with the fakes' scripted turns, asserting what it returns and prints.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { cancelAndContinue } from '../examples/cancel-continue/main.js';
import { readLongReport } from '../examples/context-management/main.js';
import { approveTransfer, transfers } from '../examples/human-in-the-loop/main.js';
import { inventory } from '../examples/long-runs/main.js';
import { acrossProviders } from '../examples/providers/main.js';
import { runawayRuns } from '../examples/runaway-runs/main.js';
import type { ExampleOptions } from '../examples/shared/setup.js';
import { streamAndReconnect } from '../examples/streaming/main.js';
import { typedWeather } from '../examples/structured-output/main.js';
import { guardrailsAndBudget } from '../examples/guardrails-and-budget/main.js';
import { ledger, trust } from '../examples/trust/main.js';
import { closeConnections } from '../src/index.js';
import { workflowBundle } from './helpers/bundle.js';
import { startLocal } from './helpers/servers.js';

let env: TestWorkflowEnvironment;
let options: () => ExampleOptions & { printed: string[] };

before(async () => {
  env = await startLocal();
  const bundle = await workflowBundle(undefined, { tracing: false });
  options = () => {
    const printed: string[] = [];
    return { address: env.address, offline: true, workflowBundle: bundle, print: (line) => void printed.push(line), printed };
  };
});

after(async () => {
  await closeConnections();
  await env?.teardown();
});

const steps = (output: { stepResults: Array<{ name: string; status: string; execution: number }> }): string[] =>
  output.stepResults.map((s) => `${s.execution} ${s.name}: ${s.status}`);

describe('examples/', () => {
  test('cancel-continue: cancelled mid-tool, continued by run id from a new Agent; the cut tool resumed from its checkpoint', async () => {
    const o = options();
    const { cancelled, result } = await cancelAndContinue(o);
    assert.equal(cancelled.status, 'cancelled');
    assert.deepEqual(steps(cancelled), ['1 model: completed', '1 tool:long_running_task: cancelled']);
    assert.equal(result.status, 'completed', JSON.stringify(result.error));
    assert.deepEqual(steps(result), ['1 model: completed', '1 tool:long_running_task: cancelled', '2 tool:long_running_task: completed', '2 model: completed']);
    assert.match(result.stepResults[2]?.output ?? '', /^Completed after 2 seconds \(resumed at \d\.\d s\)$/);
    assert.equal(result.output, 'The task finished.');
    assert.ok(o.printed.includes('status: cancelled') && o.printed.includes('output: The task finished.'), o.printed.join('\n'));
  });

  test('runaway-runs: a filtered bulk cancel stops the hung runs, a bulk continue finishes them, a fork with an edit', async () => {
    const o = options();
    const { stopped, finished, fork } = await runawayRuns(o);
    assert.deepEqual(stopped.map((r) => `${r.status} ${r.stop?.message}`), Array(3).fill('cancelled search API down, INC-42'));
    for (const run of finished) {
      assert.equal(run.status, 'completed', JSON.stringify(run.error));
      // The model step before the cut was not asked again; the cut tool call ran again, on the fixed tool.
      assert.deepEqual(steps(run), ['1 model: completed', '1 tool:search: cancelled', '2 tool:search: completed', '2 model: completed']);
    }
    assert.equal(fork.status, 'completed');
    assert.equal(fork.stepResults[1]?.edited, true);
    assert.equal(fork.stepResults[1]?.output, 'no results');
    assert.ok(o.printed.some((l) => /^3 runs of batch-\w+ are running; cancelling them$/.test(l)), o.printed.join('\n'));
    assert.ok(o.printed.includes('continued 3'), o.printed.join('\n'));
  });

  test('human-in-the-loop: the run pauses on the confirmation, is approved with answerRun and completes; the tool ran once', async () => {
    const o = options();
    const { paused, result } = await approveTransfer(o);
    assert.equal(paused.status, 'paused');
    assert.deepEqual(paused.requirements.map((r) => `${r.kind} ${r.toolName}`), ['confirmation transfer']);
    assert.equal(result.status, 'completed', JSON.stringify(result.error));
    assert.deepEqual(steps(result), ['1 model: completed', '1 tool:transfer: completed', '1 model: completed']);
    assert.deepEqual(transfers, [{ to: 'ACME', amount: 250 }]);
    assert.ok(o.printed.some((l) => /waits for: confirmation of transfer/.test(l)), o.printed.join('\n'));
  });

  test('trust: a payment of 50 runs unasked, one of 500 waits for approval; a cut charge not safe to repeat is not run again', async () => {
    const o = options();
    const { paused, paid, cancelled, resumed } = await trust(o);
    assert.equal(paused.status, 'paused');
    assert.deepEqual(paused.requirements.map((r) => `${r.kind} ${r.toolName} ${JSON.stringify(r.toolInput)}`), ['confirmation pay {"amount":500}']);
    assert.equal(paid.status, 'completed', JSON.stringify(paid.error));
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(resumed.status, 'completed', JSON.stringify(resumed.error));
    assert.deepEqual(ledger.map((l) => l.split(' (')[0]), ['pay 50', 'pay 500', 'charge 30']);
    assert.ok(o.printed.some((l) => /the model was told: Tool charge was interrupted mid-call .*may or may not have taken effect/.test(l)), o.printed.join('\n'));
  });

  test('streaming: step events and text deltas; streamRun from an offset yields exactly the rest', async () => {
    const o = options();
    const { live, resumed, fromOffset } = await streamAndReconnect(o);
    const types = live.map((e) => e.type);
    assert.equal(types[0], 'run_started');
    assert.equal(types.at(-1), 'completed');
    assert.ok(types.includes('step_started') && types.includes('tool_result') && types.includes('step_completed'), types.join(','));
    const text = live.filter((e) => e.type === 'text_delta').map((e) => (e.type === 'text_delta' ? e.text : '')).join('');
    assert.equal(text, 'Tomorrow in Oslo: 7 °C with light rain. Take an umbrella.');
    // The reconnect starts where it was told and ends with the run: the same events from that offset on.
    assert.equal(resumed[0]?.offset, fromOffset);
    assert.equal(resumed.at(-1)?.type, 'completed');
    const tailText = (events: typeof live): string => events.map((e) => (e.type === 'text_delta' ? e.text : `<${e.type}>`)).join('');
    assert.equal(tailText(resumed), tailText(live.filter((e) => e.offset >= fromOffset)));
    assert.ok(o.printed.some((l) => l.startsWith('reconnecting: streamRun(')), o.printed.join('\n'));
  });

  test('context-management: six long pages pass the fake\'s 4,000-token window together; the run completes under its 3,000-token budget', async () => {
    const o = options();
    const { output, peakInputTokens } = await readLongReport(o);
    assert.equal(output.status, 'completed', JSON.stringify(output.error));
    assert.ok(peakInputTokens > 0 && peakInputTokens <= 3000, `peak ${peakInputTokens}`);
    const cleared = output.stepResults.filter((s) => s.context?.clearedToolResults);
    assert.ok(cleared.length >= 1, JSON.stringify(output.stepResults.map((s) => s.context)));
    assert.ok(o.printed.some((l) => /^step \d+: \d+ tool results cleared, about \d+ of 3000 tokens sent$/.test(l)), o.printed.join('\n'));
  });

  test('long-runs: ten tool calls in four executions (continue-as-new every 6 steps) read as one run and one stream', async () => {
    const o = options();
    const { output, events } = await inventory(o);
    assert.equal(output.status, 'completed', JSON.stringify(output.error));
    assert.equal(output.executions, 4);
    assert.deepEqual(output.stepResults.map((s) => s.index), Array.from({ length: 21 }, (_, i) => i));
    assert.deepEqual(events.filter((e) => e.type === 'run_started').map((e) => e.execution), [1, 2, 3, 4]);
    events.forEach((e, i) => assert.equal(e.offset, i === 0 ? 0 : events[i - 1]!.nextOffset));
    assert.equal(events.at(-1)?.type, 'completed');
    assert.ok(o.printed.includes('output: All 10 shelves counted.'), o.printed.join('\n'));
  });

  test('structured-output: the output is the typed, checked object', async () => {
    const o = options();
    const output = await typedWeather(o);
    assert.equal(output.status, 'completed', JSON.stringify(output.error));
    assert.deepEqual(output.output, { city: 'Oslo', celsius: 7, conditions: ['light rain', 'wind'] });
    assert.ok(o.printed.includes('Oslo: 7 °C, light rain, wind'), o.printed.join('\n'));
  });

  test('providers: an openai/ run cut mid-tool continues on anthropic/; a fallback model takes a failing step', async () => {
    const o = options();
    const { cancelled, continued, fallback } = await acrossProviders(o);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(continued.status, 'completed', JSON.stringify(continued.error));
    assert.deepEqual(
      continued.stepResults.map((s) => `${s.execution} ${s.name}: ${s.status}${s.model ? ` ${s.model}` : ''}`),
      ['1 model: completed openai/gpt-5', '1 tool:long_running_task: cancelled', '2 tool:long_running_task: completed', '2 model: completed claude-sonnet-4-6'],
    );
    assert.equal(continued.output, 'Claude here: the task finished.');
    assert.equal(fallback.status, 'completed', JSON.stringify(fallback.error));
    assert.equal(fallback.stepResults[0]?.model, 'claude-sonnet-4-6');
    assert.equal(fallback.stepResults[0]?.attempts, 3);
    assert.equal(fallback.output, 'Claude here: answered in place of gpt-5.');
  });

  test('guardrails-and-budget: PII redacted before the model; a run cut by its money budget stops `budget`, continued it completes', async () => {
    const o = options();
    const { redacted, sent, stopped, continued } = await guardrailsAndBudget(o);
    assert.equal(redacted.status, 'completed');
    assert.ok(sent && !/jane\.roe@example\.com|415-555-0132|4111 1111/.test(sent) && sent.includes('[email]'), sent);
    assert.deepEqual(redacted.stepResults[0]?.guardrails?.map((n) => n.detail), ['redacted 1 email address, 1 phone number, 1 card number']);
    assert.equal(stopped.status, 'cancelled');
    assert.deepEqual([stopped.stop?.reason, stopped.stop?.limit], ['budget', 'costUsd']);
    assert.ok(stopped.usage.costUsd! > 0.01 && stopped.usage.costUsd! < 0.011, String(stopped.usage.costUsd));
    assert.equal(continued.status, 'completed');
    assert.ok(o.printed.some((l) => /^continued with \$0\.05: completed/.test(l)), o.printed.join('\n'));
  });
});
