// Provider faults and bad model behaviour, on the time-skipping server so retry back-offs and retry-after waits
// cost no wall time. Retryable faults are retried by the activity's policy and show as attempts in history;
// requests that can never succeed fail the run at once with a typed error; what the model does wrong becomes an
// is_error tool_result and the run goes on.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { z } from 'zod';
import { tool, Task, FailureTypes, RunStatus, type RunOutput } from '../src/index.js';
import { MAX_TOOL_RESULT_BYTES } from '../src/activities/tool-call.js';
import { scriptedResponder, textTurn, toolTurn, type FakeFault } from '../src/testing/index.js';
import { startHarness, type Harness } from './helpers/harness.js';

const echo = tool({
  name: 'echo',
  description: 'Echoes a word.',
  input: z.object({ word: z.string().min(1) }),
  run: ({ word }) => `echo: ${word}`,
});
const explode = tool({
  name: 'explode',
  description: 'Always throws.',
  input: z.object({}),
  run: () => {
    throw new RangeError('boom at depth 3');
  },
});
const bigint = tool({
  name: 'bigint',
  description: 'Returns a value JSON cannot hold.',
  input: z.object({}),
  run: () => ({ total: 10n }),
});
const hang = tool({
  name: 'hang',
  description: 'Never returns and ignores its abort signal.',
  input: z.object({}),
  timeoutMs: 300,
  run: () => new Promise(() => undefined),
});
const huge = tool({
  name: 'huge',
  description: 'Returns more than one payload can carry.',
  input: z.object({ bytes: z.number() }),
  run: ({ bytes }) => 'x'.repeat(bytes),
});
const tools = [echo, explode, bigint, hang, huge];

let h: Harness;
before(async () => {
  // A stream silent for 1 s is abandoned and retried (the hung-response case).
  h = await startHarness({ server: 'time-skipping', tools, worker: { streamIdleTimeoutMs: 1000 } });
});
after(async () => {
  await h?.close();
});
beforeEach(() => {
  h.fake.reset();
});

const answerThenDone = scriptedResponder([toolTurn([{ name: 'echo', input: { word: 'hi' } }]), textTurn('All done.')]);

async function runWith(faults: FakeFault[], task = new Task({ description: 'Echo hi.', tools: [echo] })): Promise<RunOutput> {
  h.fake.setResponder(answerThenDone);
  h.fake.injectFaults(...faults);
  return h.agent().do(task);
}

function assertRecovered(output: RunOutput, attempts: number): void {
  assert.equal(output.status, RunStatus.completed, JSON.stringify(output.error));
  assert.equal(output.output, 'All done.');
  const first = output.stepResults[0]!;
  assert.equal(first.name, 'model');
  assert.equal(first.attempts, attempts, 'the retries are recorded as attempts of the step in history');
  assert.equal(h.fake.requests.filter((r) => r.turn === 0).length, attempts);
  assert.equal(h.fake.requests.filter((r) => r.turn === 1).length, 1);
}

describe('provider faults are retried per policy', () => {
  test('529 overloaded three times, then success', async () => {
    const fault: FakeFault = { kind: 'http', status: 529 };
    assertRecovered(await runWith([fault, fault, fault]), 4);
  });

  test('429 honours retry-after', async () => {
    const output = await runWith([{ kind: 'http', status: 429, retryAfterSeconds: 45 }]);
    assertRecovered(output, 2);
    // Server time (skipped here): the second attempt started no earlier than the 45 s the API asked for.
    const history = await h.client.workflow.getHandle(output.runId, output.executionRunId).fetchHistory();
    const scheduled = history.events!.find((e) => e.activityTaskScheduledEventAttributes?.activityId === 'step-0-model')!;
    const startedEvent = history.events!.find((e) => e.activityTaskStartedEventAttributes && e.activityTaskStartedEventAttributes.attempt === 2)!;
    const seconds = (e: typeof scheduled): number => Number(e.eventTime!.seconds!.toString());
    assert.ok(seconds(startedEvent) - seconds(scheduled) >= 45, `attempt 2 started ${seconds(startedEvent) - seconds(scheduled)} s after scheduling`);
    // The Java test server leaves lastFailure off the started event (the dev server fills it); the attempt shows the retry.
    assert.equal(startedEvent.activityTaskStartedEventAttributes!.scheduledEventId?.toString(), scheduled.eventId?.toString());
  });

  test('500 server error', async () => {
    assertRecovered(await runWith([{ kind: 'http', status: 500 }]), 2);
  });

  test('an error event in the middle of the stream', async () => {
    assertRecovered(await runWith([{ kind: 'midStreamError', afterEvents: 3 }]), 2);
  });

  test('a connection reset, before and during the stream', async () => {
    assertRecovered(await runWith([{ kind: 'connectionReset' }, { kind: 'connectionReset', afterEvents: 2 }]), 3);
  });

  test('a hung response is abandoned and retried', async () => {
    assertRecovered(await runWith([{ kind: 'hang', afterEvents: 2 }]), 2);
    assert.equal(h.fake.requests[0]!.aborted, true, 'the hung request was aborted by the worker');
  });

  test('overloaded on every attempt ends the run after the policy’s attempts, with a typed error', async () => {
    const fault: FakeFault = { kind: 'http', status: 529 };
    const output = await runWith(Array.from({ length: 6 }, () => fault));
    assert.equal(output.status, RunStatus.error);
    assert.equal(output.error?.name, FailureTypes.overloaded);
    assert.equal(output.error?.activityId, 'step-0-model');
    assert.match(output.error!.message, /Step 0 \(model, activity step-0-model\) failed/);
    assert.equal(h.fake.requests.length, 6);
  });
});

describe('requests that cannot succeed fail the run at once', () => {
  for (const [status, name] of [
    [400, FailureTypes.badRequest],
    [401, FailureTypes.authentication],
  ] as const) {
    test(`${status} → ${name}`, async () => {
      const output = await runWith([{ kind: 'http', status, message: `injected ${status} for the test` }]);
      assert.equal(output.status, RunStatus.error);
      assert.equal(output.isError, true);
      assert.equal(output.error?.name, name);
      assert.match(output.error!.message, new RegExp(`Anthropic API ${status}: .*injected ${status} for the test`));
      assert.equal(output.stepResults[0]!.attempts, 1);
      assert.equal(h.fake.requests.length, 1, 'not retried');
      const described = await h.client.workflow.getHandle(output.runId, output.executionRunId).describe();
      assert.equal(described.status.name, 'FAILED');
    });
  }
});

describe('bad model behaviour becomes an is_error tool_result and the run goes on', () => {
  async function toolResultFor(toolUse: { name: string; input: unknown }, runTools = tools): Promise<{ content: string; isError: boolean; output: RunOutput }> {
    h.fake.setResponder(scriptedResponder([toolTurn([toolUse]), textTurn('Recovered.')]));
    const output = await h.agent().do(new Task({ description: `Call ${toolUse.name}.`, tools: runTools }));
    assert.equal(output.status, RunStatus.completed, JSON.stringify(output.error));
    assert.equal(output.output, 'Recovered.');
    const request = h.fake.requests.find((r) => r.turn === 1)!;
    const last = request.body.messages[request.body.messages.length - 1]!;
    assert.ok(Array.isArray(last.content));
    const block = last.content[0]!;
    assert.equal(block.type, 'tool_result');
    return { content: String(block.content), isError: block.is_error === true, output };
  }

  test('input that violates the tool schema', async () => {
    const r = await toolResultFor({ name: 'echo', input: { word: 42 } });
    assert.equal(r.isError, true);
    assert.match(r.content, /Invalid input for tool echo/);
    assert.match(r.content, /word/);
  });

  test('a tool name the run was not given', async () => {
    const r = await toolResultFor({ name: 'rm_rf', input: {} }, [echo]);
    assert.equal(r.isError, true);
    assert.match(r.content, /Tool "rm_rf" is not available in this run\. Available tools: echo\./);
  });

  test('a tool that throws', async () => {
    const r = await toolResultFor({ name: 'explode', input: {} });
    assert.equal(r.isError, true);
    assert.equal(r.content, 'Tool explode failed: RangeError: boom at depth 3');
  });

  test('a tool result that cannot be serialised', async () => {
    const r = await toolResultFor({ name: 'bigint', input: {} });
    assert.equal(r.isError, true);
    assert.match(r.content, /Tool bigint returned a value that cannot be serialised/);
  });

  test('a hung tool hits its own timeout', async () => {
    const r = await toolResultFor({ name: 'hang', input: {} });
    assert.equal(r.isError, true);
    assert.equal(r.content, 'Tool hang timed out after 300 ms and was stopped.');
  });

  test('a tool result over the per-result size limit', async () => {
    const r = await toolResultFor({ name: 'huge', input: { bytes: MAX_TOOL_RESULT_BYTES + 1 } });
    assert.equal(r.isError, true);
    assert.match(r.content, new RegExp(`Tool huge returned ${MAX_TOOL_RESULT_BYTES + 1} bytes, over the ${MAX_TOOL_RESULT_BYTES}-byte limit`));
  });

  test('reaching max steps ends the run with a clear status, not a hang', async () => {
    h.fake.setResponder(() => toolTurn([{ name: 'echo', input: { word: 'again' } }]));
    const output = await h.agent().do(new Task({ description: 'Loop forever.', tools: [echo], maxSteps: 5 }));
    assert.equal(output.status, RunStatus.error);
    assert.equal(output.error?.name, FailureTypes.maxStepsReached);
    assert.match(output.error!.message, /reached its limit of 5 steps/);
    // An upper bound on steps run: the last model turn's tool call would be step 6, so it never runs.
    assert.match(output.error!.message, /asked for 1 tool call \(step 5\).*none ran/);
    assert.deepEqual(
      output.stepResults.map((s) => `${s.index} ${s.name}`),
      ['0 model', '1 tool:echo', '2 model', '3 tool:echo', '4 model'],
    );
  });
});

describe('payload size', () => {
  test('tool results of one turn too large for one model request fail the run at once, naming the step', async () => {
    const near = MAX_TOOL_RESULT_BYTES - 1000;
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'huge', input: { bytes: near } }, { name: 'huge', input: { bytes: near } }, { name: 'huge', input: { bytes: near } }]), textTurn('unreachable')]));
    const output = await h.agent().do(new Task({ description: 'Fetch three huge things.', tools: [huge] }));
    assert.equal(output.status, RunStatus.error);
    assert.equal(output.error?.name, FailureTypes.payloadTooLarge);
    assert.equal(output.error?.stepIndex, 4);
    assert.match(output.error!.message, /Step 4 \(model turn 2\)/);
    assert.match(output.error!.message, /2 MB/);
    assert.equal(h.fake.requests.length, 1, 'the oversized request was never sent');
  });
});
