// Cancel anywhere: a multi-step run (model → 2 parallel tools → model → tool → model) is cancelled at every step
// boundary and in the middle of every step, then continued. Whatever the cut, the continued run must end exactly as
// the uninterrupted one, and the fake model and the tools' own counters prove nothing that completed ran twice.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { sleep, tool, cancelRun, Task, RunStatus, type RunOutput, type StepResult, type Usage } from '../src/index.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import { ToolCounter } from './helpers/counting-tools.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { roundUsd } from '../src/core/usd.js';

const counter = new ToolCounter();
const DELAYS: Record<string, number> = { fetch_a: 100, fetch_b: 600, fetch_c: 400, sleepy: 10_000 };

function countedTool(name: string) {
  return tool({
    name,
    description: `Fetches ${name}.`,
    input: z.object({ key: z.string() }),
    run: async ({ key }, { signal }) => {
      counter.bump(counter.started, name);
      try {
        await sleep(DELAYS[name] ?? 0, signal);
      } catch (err) {
        counter.bump(counter.aborted, name);
        counter.abortedAt.push(Date.now());
        throw err;
      }
      counter.bump(counter.completed, name);
      return `${name}(${key}) = ${key.toUpperCase()}-${name.length}`;
    },
  });
}

const tools = ['fetch_a', 'fetch_b', 'fetch_c', 'sleepy'].map(countedTool);
const TOOL_NAMES = ['fetch_a', 'fetch_b', 'fetch_c'];
// Slow enough streams that a cancel can land inside a model call.
const STREAM = { chunkDelayMs: 30 };
const LONG_TEXT = 'Working through the plan step by step, checking each intermediate result carefully.';

const script = scriptedResponder([
  toolTurn([{ name: 'fetch_a', input: { key: 'alpha' } }, { name: 'fetch_b', input: { key: 'beta' } }], { text: LONG_TEXT, ...STREAM }),
  toolTurn([{ name: 'fetch_c', input: { key: 'gamma' } }], { text: LONG_TEXT, ...STREAM }),
  // The last turn streams longest: a cancel aimed at its middle must not arrive after the run has completed.
  textTurn(`Final answer: ALPHA, BETA and GAMMA. ${LONG_TEXT}`, { chunkDelayMs: 80 }),
]);

function newTask(): Task {
  return new Task({ description: 'Fetch alpha and beta in parallel, then gamma, then answer.', tools: tools.slice(0, 3) });
}

let h: Harness;
let reference: RunOutput;

before(async () => {
  h = await startHarness({ tools });
  h.fake.setResponder(script);
  reference = await h.agent().do(newTask());
  assert.equal(reference.status, RunStatus.completed);
});
after(async () => {
  await h?.close();
});

const requestsOf = (turn: number) => h.fake.requests.filter((r) => r.turn === turn);
const started = (name: string): number => counter.started.get(name) ?? 0;
const completed = (name: string): number => counter.completed.get(name) ?? 0;

/** Where to cut the run: each predicate becomes true at one point of the first execution. */
const CUT_POINTS: Array<{ name: string; reached: () => boolean }> = [
  { name: 'mid model turn 0', reached: () => requestsOf(0).length === 1 && !requestsOf(0)[0]!.completed },
  { name: 'after model turn 0', reached: () => requestsOf(0)[0]?.completed === true },
  { name: 'both parallel tools running', reached: () => started('fetch_a') === 1 && started('fetch_b') === 1 && completed('fetch_a') === 0 },
  { name: 'one parallel tool done, the other running', reached: () => completed('fetch_a') === 1 && completed('fetch_b') === 0 },
  { name: 'after both parallel tools', reached: () => completed('fetch_b') === 1 },
  { name: 'mid model turn 1', reached: () => requestsOf(1).length === 1 && !requestsOf(1)[0]!.completed },
  { name: 'after model turn 1', reached: () => requestsOf(1)[0]?.completed === true },
  { name: 'tool of turn 2 running', reached: () => started('fetch_c') === 1 && completed('fetch_c') === 0 },
  { name: 'after tool of turn 2', reached: () => completed('fetch_c') === 1 },
  { name: 'mid final model turn', reached: () => requestsOf(2).length === 1 && !requestsOf(2)[0]!.completed },
];

const sumUsage = (steps: StepResult[]): Usage =>
  steps.reduce(
    (sum, s) => ({
      inputTokens: sum.inputTokens + (s.usage?.inputTokens ?? 0),
      outputTokens: sum.outputTokens + (s.usage?.outputTokens ?? 0),
      costUsd: roundUsd(sum.costUsd! + (s.usage?.costUsd ?? 0)),
    }),
    { inputTokens: 0, outputTokens: 0, costUsd: 0 },
  );

const countWhere = (steps: StepResult[], name: string, status: StepResult['status']): number =>
  steps.filter((s) => s.name === name && s.status === status).length;

describe('cancel at every step boundary and mid-step, then continue', () => {
  for (const [i, cut] of CUT_POINTS.entries()) {
    test(`cut ${i}: ${cut.name}`, async () => {
      counter.reset();
      h.fake.reset();
      const agent = h.agent();
      const pending = agent.do(newTask());
      await waitFor(cut.reached, cut.name);
      await cancelRun(agent.runId!, { client: h.client });
      const cancelled = await pending;
      assert.equal(cancelled.status, RunStatus.cancelled, `cut "${cut.name}" ended ${cancelled.status}`);
      const closed = await h.client.workflow.getHandle(cancelled.runId, cancelled.executionRunId).describe();
      assert.equal(closed.status.name, 'CANCELLED');

      const result = await h.agent().continueRun({ runId: cancelled.runId });
      assert.equal(result.status, RunStatus.completed, JSON.stringify(result.error));
      // The same run as if nothing had happened: same answer, same transcript.
      assert.equal(result.output, reference.output);
      assert.deepEqual(result.messages, reference.messages);

      // Earlier steps are kept as recorded; nothing that completed in the first execution ran in the second.
      assert.deepEqual(result.stepResults.slice(0, cancelled.stepResults.length), cancelled.stepResults);
      const doneBefore = new Set(cancelled.stepResults.filter((s) => s.status === 'completed').map((s) => s.activityId));
      const rerun = result.stepResults.filter((s) => s.execution === 2 && doneBefore.has(s.activityId));
      assert.deepEqual(rerun, [], 'a completed step ran again');

      const steps = result.stepResults;
      for (const name of TOOL_NAMES) {
        assert.equal(completed(name), 1, `${name} completed exactly once`);
        assert.equal(started(name), 1 + countWhere(steps, `tool:${name}`, 'cancelled'), `${name} started once plus once per cut`);
      }
      // Each model turn was asked once, plus once more only when a cancel cut that very call.
      const modelSteps = steps.filter((s) => s.name === 'model');
      for (const turn of [0, 1, 2]) {
        const index = reference.stepResults.filter((s) => s.name === 'model')[turn]!.index;
        const cutCalls = modelSteps.filter((s) => s.index === index && s.status === 'cancelled').length;
        assert.equal(requestsOf(turn).length, 1 + cutCalls, `model turn ${turn} requests`);
        assert.equal(requestsOf(turn).filter((r) => r.completed && !r.aborted).length, 1, `model turn ${turn} answered once`);
      }
      // Usage: the completed calls cost what the uninterrupted run cost; the total adds what the cut calls used.
      assert.deepEqual(sumUsage(modelSteps.filter((s) => s.status === 'completed')), reference.usage);
      assert.deepEqual(result.usage, sumUsage(steps));
      assert.deepEqual(cancelled.usage, sumUsage(cancelled.stepResults));
    });
  }
});

describe('a tool blocked in a long sleep', () => {
  test('observes the abort signal promptly after cancelRun, long before its 10 s sleep ends', async (t) => {
    counter.reset();
    h.fake.reset();
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'sleepy', input: { key: 'z' } }]), textTurn('slept')]));
    const agent = h.agent();
    const pending = agent.do(new Task({ description: 'Sleep.', tools: [tools[3]!] }));
    await waitFor(() => started('sleepy') === 1, 'sleepy to start');
    const cancelAt = Date.now();
    await cancelRun(agent.runId!, { client: h.client });
    const output = await pending;
    const doneAt = Date.now();
    assert.equal(output.status, RunStatus.cancelled);
    assert.equal(counter.aborted.get('sleepy'), 1, 'the tool saw its abort signal');
    assert.equal(completed('sleepy'), 0);
    const abortMs = counter.abortedAt[0]! - cancelAt;
    // A generous bound: the point is that the abort, not the 10 s sleep, ended the tool. The benchmark measures p95.
    assert.ok(abortMs < 5_000, `abort reached the tool ${abortMs} ms after cancelRun`);
    t.diagnostic(`cancelRun → tool abort ${abortMs} ms; cancelRun → do() resolved cancelled ${doneAt - cancelAt} ms`);
    h.fake.setResponder(script);
  });
});
