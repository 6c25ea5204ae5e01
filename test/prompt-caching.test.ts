// Prompt caching end to end on the CLI dev server: the worker marks each request's stable prefix, the fake models
// Anthropic's cache, and cache reads and writes reach RunOutput.usage, each step's usage, `show` and the stream —
// and after a cancel and continue the continuation's first model call reads what the cut execution wrote.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { cancelRun } from '../src/client/run-control.js';
import { Task } from '../src/client/task.js';
import { outputSummary, stepsTable } from '../src/cli/format.js';
import { RunStatus, type StepResult, type StreamEvent } from '../src/core/types.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/fake-anthropic/index.js';
import { countingTools, ToolCounter } from './helpers/counting-tools.js';
import { finished, startCli } from './helpers/cli-process.js';
import { harnessPerFile, waitFor, type Harness } from './helpers/harness.js';
import { roundUsd } from '../src/core/usd.js';

const counter = new ToolCounter();
const tools = countingTools(counter);
const lookup = tools[1]!;

/** A system prompt past the minimum cacheable length (1024 tokens for Sonnet), distinct per test. */
const system = (name: string): string => `You are agent ${name}. ${'Answer precisely and cite the lookup results you used. '.repeat(100)}`;

const harness = harnessPerFile({ tools }, () => counter.reset());
let h: Harness;
beforeEach(() => {
  h = harness();
});

const cacheOf = (s: StepResult): [number, number] => [s.usage?.cacheReadInputTokens ?? 0, s.usage?.cacheCreationInputTokens ?? 0];

describe('prompt caching', () => {
  test('each turn reads the prefix the previous one wrote; usage reports reads and writes apart, in RunOutput, show and the stream', async () => {
    h.fake.setResponder(
      scriptedResponder([
        toolTurn([{ name: 'lookup', input: { key: 'a' } }]),
        toolTurn([{ name: 'lookup', input: { key: 'b' } }]),
        textTurn('a and b looked up.'),
      ]),
    );
    const events: StreamEvent[] = [];
    for await (const event of h.agent().stream(new Task({ description: 'Look up a, then b.', system: system('stream'), tools: [lookup] }))) events.push(event);
    const last = events[events.length - 1]!;
    assert.equal(last.type, 'completed');
    const output = last.type === 'completed' ? last.output : undefined;
    assert.ok(output);
    const models = output.stepResults.filter((s) => s.name === 'model');
    assert.equal(models.length, 3);
    const [first, second, third] = models.map(cacheOf);
    assert.equal(first![0], 0, 'nothing to read on the first call');
    assert.ok(first![1] > 1024, 'the first call writes tools + system + task');
    assert.ok(second![0] >= first![1] && third![0] >= second![0] + second![1], 'each call reads all that the one before it wrote');
    assert.ok(models.every((s) => s.usage!.inputTokens < 50), 'what is neither read nor written is a few tokens');
    // The run's usage sums the steps', cache tokens apart.
    const sum = (pick: (s: StepResult) => number): number => models.reduce((n, s) => n + pick(s), 0);
    assert.deepEqual(output.usage, {
      inputTokens: sum((s) => s.usage!.inputTokens),
      outputTokens: sum((s) => s.usage!.outputTokens),
      cacheReadInputTokens: sum((s) => cacheOf(s)[0]),
      cacheCreationInputTokens: sum((s) => cacheOf(s)[1]),
      costUsd: roundUsd(sum((s) => s.usage!.costUsd!)),
    });
    // The stream's step events carry each call's cache tokens; `show` prints them.
    const streamed = events.flatMap((e) => (e.type === 'step_completed' && e.step.name === 'model' ? [cacheOf(e.step)] : []));
    assert.deepEqual(streamed, [first, second, third]);
    const cacheLine = new RegExp(`cache ${output.usage.cacheReadInputTokens} read, ${output.usage.cacheCreationInputTokens} written`);
    assert.match(outputSummary(output), cacheLine);
    assert.match(stepsTable(output.stepResults), /cache \d+ read, \d+ written/);
    const shown = await finished(startCli({ ...process.env, TEMPORAL_ADDRESS: h.env.address, DURABLE_AGENT_CLI_SOURCE: '1' }, ['show', output.runId]));
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, cacheLine, 'durable-agent show prints the cache tokens');
    // Every request kept to the API's rules (at most 4 breakpoints, ...): the fake refused none.
    assert.deepEqual(h.fake.requests.map((r) => r.invalid), [undefined, undefined, undefined]);
  });

  test('after a cancel and continue, the continuation’s first model call is a cache read of the whole prompt', async () => {
    h.fake.setResponder(
      scriptedResponder([
        toolTurn([{ name: 'lookup', input: { key: 'a' } }]),
        textTurn(`a is value-of-a. ${'More detail. '.repeat(10)}`, { chunkDelayMs: 100 }),
      ]),
    );
    const agent = h.agent();
    const task = new Task({ description: 'Look up a and explain it.', system: system('continue'), tools: [lookup] });
    const pending = agent.do(task);
    // Cut the second model call mid-stream: its request reached the model (and wrote the cache) but never finished.
    await waitFor(() => h.fake.requests.some((r) => r.turn === 1 && !r.completed), 'the second model call to stream');
    await cancelRun(agent.runId!, { client: h.client });
    const cancelled = await pending;
    assert.equal(cancelled.status, RunStatus.cancelled);
    assert.deepEqual(cancelled.stepResults.map((s) => `${s.index} ${s.name}: ${s.status}`), ['0 model: completed', '1 tool:lookup: completed', '2 model: cancelled']);

    const continued = await agent.continueRun({ runId: cancelled.runId });
    assert.equal(continued.status, RunStatus.completed);
    const firstOfContinuation = continued.stepResults.find((s) => s.execution === 2 && s.name === 'model')!;
    const [read, written] = cacheOf(firstOfContinuation);
    assert.ok(read > 1024, `the continuation's first call reads from the cache (read ${read})`);
    assert.equal(written, 0, 'it re-sends exactly the prompt the cut call wrote: nothing new to write');
    assert.ok(firstOfContinuation.usage!.inputTokens < 10, 'hardly any input at full price');
    // The requests of the cut call and of the continuation's first call are the same prompt.
    const turn1 = h.fake.requests.filter((r) => r.turn === 1);
    assert.equal(turn1.length, 2);
    assert.equal(JSON.stringify(turn1[1]!.body.messages), JSON.stringify(turn1[0]!.body.messages));
    assert.equal(counter.completed.get('lookup:a'), 1);
  });

  test('a worker with promptCaching: false marks nothing and reads nothing', async () => {
    await h.stopWorker();
    await h.startWorker({ anthropic: { baseURL: h.fake.url, apiKey: 'test-key', promptCaching: false } });
    try {
      h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'lookup', input: { key: 'c' } }]), textTurn('c looked up.')]));
      const output = await h.agent().do(new Task({ description: 'Look up c.', system: system('off'), tools: [lookup] }));
      assert.equal(output.status, RunStatus.completed);
      assert.ok(h.fake.requests.every((r) => !JSON.stringify(r.body).includes('cache_control')));
      assert.deepEqual(output.stepResults.filter((s) => s.name === 'model').map(cacheOf), [[0, 0], [0, 0]]);
      assert.equal(output.usage.cacheReadInputTokens, undefined);
    } finally {
      await h.stopWorker();
      await h.startWorker();
    }
  });
});
