// The user story on the CLI dev server: cancel a run at any moment, continue it from where it stopped.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Agent, RunAlreadyCompletedError, RunNotFoundError, RunNotRunningError, RunStillRunningError, TaskNotRunError, cancelRun, Task, RunStatus, type RunOutput } from '../src/index.js';
import { STEP_ACTIVITY } from '../src/activities/contract.js';
import { withCacheBreakpoints } from '../src/activities/prompt-cache.js';
import type { ModelCallInput } from '../src/core/types.js';
import { readExecution } from '../src/history/read-execution.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import { countingTools, ToolCounter } from './helpers/counting-tools.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { roundUsd } from '../src/core/usd.js';

const counter = new ToolCounter();
const toolDelay = { value: 0 };
const tools = countingTools(counter, toolDelay);
const longRunningTask = tools[0]!;
const lookup = tools[1]!;

let h: Harness;

before(async () => {
  h = await startHarness({ tools });
});
after(async () => {
  await h?.close();
});
beforeEach(() => {
  counter.reset();
  h.fake.reset();
  toolDelay.value = 0;
});

function storyScript(seconds: number) {
  return scriptedResponder([
    toolTurn([{ name: 'long_running_task', input: { seconds } }]),
    textTurn(`The long_running_task finished after ${seconds} seconds.`),
  ]);
}

function storyTask(seconds: number): Task {
  return new Task({ description: `Call long_running_task with ${seconds} seconds.`, tools: [longRunningTask] });
}

/** Starts the run, cancels it once the tool is running, returns the cancelled output. */
async function runAndCancelInTool(agent: Agent, task: Task, key: string): Promise<RunOutput> {
  const pending = agent.do(task);
  await waitFor(() => counter.started.get(key) === 1, `${key} to start`);
  assert.ok(agent.runId, 'runId is set while the run is in flight');
  await cancelRun(agent.runId, { client: h.client });
  return pending;
}

function assertCancelledStory(output: RunOutput): void {
  assert.equal(output.status, RunStatus.cancelled);
  assert.equal(output.isCancelled, true);
  assert.equal(output.isCompleted, false);
  assert.deepEqual(
    output.stepResults.map((s) => `${s.index} ${s.name}: ${s.status}`),
    ['0 model: completed', '1 tool:long_running_task: cancelled'],
  );
  assert.equal(output.stepResults[0]!.activityId, 'step-0-model');
  assert.match(output.stepResults[1]!.activityId, /^step-1-tool-long_running_task-toolu_/);
  assert.equal(output.output, null);
}

function assertContinuedStory(output: RunOutput, runId: string, seconds: number): void {
  assert.equal(output.runId, runId);
  assert.equal(output.status, RunStatus.completed);
  assert.equal(output.output, `The long_running_task finished after ${seconds} seconds.`);
  assert.deepEqual(
    output.stepResults.map((s) => `${s.index} ${s.name}: ${s.status} (x${s.execution})`),
    ['0 model: completed (x1)', '1 tool:long_running_task: cancelled (x1)', '1 tool:long_running_task: completed (x2)', '2 model: completed (x2)'],
  );
  assert.equal(output.executions, 2);
  // The completed first model turn was taken from history, not asked again.
  assert.deepEqual(h.fake.requests.map((r) => r.turn), [0, 1]);
  assert.equal(counter.completed.get(`long_running_task:${seconds}`), 1);
  assert.equal(counter.aborted.get(`long_running_task:${seconds}`), 1);
  const modelUsage = output.stepResults.filter((s) => s.name === 'model').map((s) => s.usage!);
  assert.deepEqual(output.usage, {
    inputTokens: modelUsage.reduce((n, u) => n + u.inputTokens, 0),
    outputTokens: modelUsage.reduce((n, u) => n + u.outputTokens, 0),
    costUsd: roundUsd(modelUsage.reduce((n, u) => n + u.costUsd!, 0)),
  });
  assert.ok(output.usage.inputTokens > 0 && output.usage.outputTokens > 0);
  assert.deepEqual(
    output.messages.map((m) => m.role),
    ['user', 'assistant', 'user', 'assistant'],
  );
}

describe('cancel and continue (seed scenarios)', () => {
  test('by runId, same agent; the cancelled execution closes CANCELED', async () => {
    h.fake.setResponder(storyScript(2));
    const agent = h.agent();
    const cancelled = await runAndCancelInTool(agent, storyTask(2), 'long_running_task:2');
    assertCancelledStory(cancelled);
    const closed = await h.client.workflow.getHandle(cancelled.runId, cancelled.executionRunId).describe();
    assert.equal(closed.status.name, 'CANCELLED');

    const result = await agent.continueRun({ runId: cancelled.runId });
    assertContinuedStory(result, cancelled.runId, 2);
    assert.notEqual(result.executionRunId, cancelled.executionRunId, 'a continuation is a new execution of the same workflow id');
  });

  test('by task, same agent', async () => {
    h.fake.setResponder(storyScript(1));
    const agent = h.agent();
    const task = storyTask(1);
    const cancelled = await runAndCancelInTool(agent, task, 'long_running_task:1');
    assertCancelledStory(cancelled);
    assert.equal(task.runId, cancelled.runId);
    assertContinuedStory(await agent.continueRun({ task }), cancelled.runId, 1);
  });

  test('by runId, from a new Agent', async () => {
    h.fake.setResponder(storyScript(1));
    const cancelled = await runAndCancelInTool(h.agent(), storyTask(1), 'long_running_task:1');
    assertCancelledStory(cancelled);
    const fresh = h.agent();
    assert.equal(fresh.runId, undefined);
    assertContinuedStory(await fresh.continueRun({ runId: cancelled.runId }), cancelled.runId, 1);
    assert.equal(fresh.runId, cancelled.runId);
  });

  test("a new Agent with another model and session continues the run as the run: its recorded model, session and user", async () => {
    h.fake.setResponder(storyScript(1));
    const owner = h.agent({ sessionId: 'session_1', userId: 'user_1' });
    const cancelled = await runAndCancelInTool(owner, storyTask(1), 'long_running_task:1');
    const stranger = new Agent('anthropic/claude-other-model', { client: h.client, sessionId: 'session_2', userId: 'user_2', taskQueue: 'not-this-queue' });
    const continued = await stranger.continueRun({ runId: cancelled.runId });
    assertContinuedStory(continued, cancelled.runId, 1);
    assert.deepEqual(h.fake.requests.map((r) => r.body.model), ['claude-sonnet-4-6', 'claude-sonnet-4-6']);
    const record = await readExecution(h.client, cancelled.runId);
    assert.deepEqual([record.input.model, record.input.sessionId, record.input.userId], ['claude-sonnet-4-6', 'session_1', 'user_1']);

    // Only an explicit `model` in the request changes the model; the identity stays the run's.
    h.fake.reset();
    counter.reset();
    h.fake.setResponder(storyScript(1));
    const again = await runAndCancelInTool(owner, storyTask(1), 'long_running_task:1');
    await stranger.continueRun({ runId: again.runId, model: 'anthropic/claude-other-model' });
    assert.deepEqual(h.fake.requests.map((r) => r.body.model), ['claude-sonnet-4-6', 'claude-other-model']);
    const moved = await readExecution(h.client, again.runId);
    assert.deepEqual([moved.input.model, moved.input.sessionId], ['claude-other-model', 'session_1']);
  });

  test('by task, from a new Agent', async () => {
    h.fake.setResponder(storyScript(1));
    const task = storyTask(1);
    const cancelled = await runAndCancelInTool(h.agent(), task, 'long_running_task:1');
    assertCancelledStory(cancelled);
    assertContinuedStory(await h.agent().continueRun({ task }), cancelled.runId, 1);
  });

  test('resume from the cut-off: later steps run, earlier steps are kept', async () => {
    toolDelay.value = 300;
    h.fake.setResponder(
      scriptedResponder([
        toolTurn([{ name: 'lookup', input: { key: 'a' } }]),
        toolTurn([{ name: 'lookup', input: { key: 'b' } }]),
        toolTurn([{ name: 'lookup', input: { key: 'c' } }]),
        textTurn('a, b and c looked up.'),
      ]),
    );
    const agent = h.agent();
    const pending = agent.do(new Task({ description: 'Look up a, b, c one at a time.', tools: [lookup] }));
    await waitFor(() => counter.started.get('lookup:b') === 1, 'lookup b to start');
    await cancelRun(agent.runId!, { client: h.client });
    const before = await pending;
    assert.equal(before.status, RunStatus.cancelled);
    const completedBefore = before.stepResults.filter((s) => s.status === 'completed');
    assert.deepEqual(completedBefore.map((s) => s.index), [0, 1, 2]);

    const after = await agent.continueRun({ runId: before.runId });
    assert.equal(after.status, RunStatus.completed);
    assert.equal(after.output, 'a, b and c looked up.');
    assert.deepEqual(after.stepResults.slice(0, before.stepResults.length), before.stepResults, 'earlier steps are kept as they were');
    const newSteps = after.stepResults.slice(before.stepResults.length);
    assert.ok(newSteps.length > completedBefore.length, `${newSteps.length} new steps after resume vs ${completedBefore.length} before`);
    assert.deepEqual(newSteps.map((s) => s.index), [3, 4, 5, 6]);
    assert.ok(newSteps.every((s) => s.execution === 2 && s.status === 'completed'));
    assert.equal(counter.completed.get('lookup:a'), 1);
    assert.equal(counter.completed.get('lookup:b'), 1);
    assert.deepEqual(h.fake.requests.map((r) => r.turn), [0, 1, 2, 3]);
  });
});

describe('cancel again, continue again', () => {
  test('a continued run can be cancelled and continued once more', async () => {
    h.fake.setResponder(storyScript(2));
    const agent = h.agent();
    const first = await runAndCancelInTool(agent, storyTask(2), 'long_running_task:2');
    assert.equal(first.status, RunStatus.cancelled);

    const secondPending = agent.continueRun({ runId: first.runId });
    await waitFor(() => counter.started.get('long_running_task:2') === 2, 'the cut tool to start again');
    await cancelRun(first.runId, { client: h.client });
    const second = await secondPending;
    assert.equal(second.status, RunStatus.cancelled);
    assert.equal(second.executions, 2);
    assert.equal((await h.client.workflow.getHandle(first.runId, second.executionRunId).describe()).status.name, 'CANCELLED');

    const third = await h.agent().continueRun({ runId: first.runId });
    assert.equal(third.status, RunStatus.completed);
    assert.equal(third.executions, 3);
    assert.deepEqual(
      third.stepResults.map((s) => `${s.index}:${s.status}:x${s.execution}`),
      ['0:completed:x1', '1:cancelled:x1', '1:cancelled:x2', '1:completed:x3', '2:completed:x3'],
    );
    assert.deepEqual(h.fake.requests.map((r) => r.turn), [0, 1], 'each model turn was asked once over three executions');
    assert.equal(counter.completed.get('long_running_task:2'), 1);
    assert.equal(counter.aborted.get('long_running_task:2'), 2);
  });
});

describe('typed errors', () => {
  test('continue: unknown, running and completed runs', async () => {
    const agent = h.agent();
    await assert.rejects(agent.continueRun({ runId: 'run-does-not-exist' }), RunNotFoundError);
    await assert.rejects(agent.continueRun({ task: new Task('never run') }), TaskNotRunError);

    h.fake.setResponder(storyScript(30));
    const pending = agent.do(storyTask(30));
    await waitFor(() => counter.started.get('long_running_task:30') === 1, 'tool to start');
    const runId = agent.runId!;
    await assert.rejects(h.agent().continueRun({ runId }), (err: unknown) => err instanceof RunStillRunningError && err.runId === runId);
    await cancelRun(runId, { client: h.client });
    assert.equal((await pending).status, RunStatus.cancelled);

    h.fake.setResponder(scriptedResponder([textTurn('hello')]));
    const done = await agent.do(new Task('Say hello.'));
    assert.equal(done.status, RunStatus.completed);
    assert.equal(done.output, 'hello');
    await assert.rejects(agent.continueRun({ runId: done.runId }), (err: unknown) => {
      assert.ok(err instanceof RunAlreadyCompletedError);
      assert.equal(err.name, 'RunAlreadyCompletedError');
      assert.match(err.message, new RegExp(`${done.runId}.*already completed`));
      assert.match(err.message, /show/);
      return true;
    });
  });

  test('cancel: unknown and finished runs answer at once', async () => {
    await assert.rejects(cancelRun('run-nope', { client: h.client }), RunNotFoundError);
    h.fake.setResponder(scriptedResponder([textTurn('done')]));
    const done = await h.agent().do(new Task('Say done.'));
    await assert.rejects(cancelRun(done.runId, { client: h.client }), (err: unknown) => {
      assert.ok(err instanceof RunNotRunningError);
      assert.equal(err.status, 'COMPLETED');
      return true;
    });
  });
});

describe('one Agent, many runs', () => {
  test('concurrent start() calls start distinct runs (the run id is not read back from the Agent)', async () => {
    h.fake.setResponder(scriptedResponder([textTurn('parallel hello')]));
    const agent = h.agent();
    const handles = await Promise.all([1, 2, 3].map((n) => agent.start(new Task(`Say hello ${n}.`))));
    assert.equal(new Set(handles.map((x) => x.runId)).size, 3);
    const outputs = await Promise.all(handles.map((x) => x.result()));
    assert.deepEqual(outputs.map((o) => o.status), [RunStatus.completed, RunStatus.completed, RunStatus.completed]);
    assert.deepEqual(outputs.map((o) => o.runId), handles.map((x) => x.runId));
  });
});

describe('history stays lean', () => {
  test('a model call carries only what its worker has not seen: not the earlier turns, not its own last answer', async () => {
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'lookup', input: { key: 'k' } }]), textTurn('found k')]));
    const output = await h.agent().do(new Task({ description: 'Look k up.', tools: [lookup] }));
    assert.equal(output.status, RunStatus.completed);
    const record = await readExecution(h.client, output.runId);
    const inputs = record.activities.filter((a) => a.activityType === STEP_ACTIVITY.model).map((a) => (a.input as ModelCallInput).transcript);
    assert.deepEqual(inputs[0], { base: 0, messages: [{ role: 'user', content: 'Look k up.' }] });
    // Turn 2 sends the tool result alone, and since lean step commands only its digest (the worker rebuilds the message
    // from what its tool step returned); the worker already has the task and its own answer.
    assert.equal(inputs[1]!.base, 2);
    assert.deepEqual(inputs[1]!.messages, []);
    assert.equal(inputs[1]!.toolResults?.length, 1);
    // ... and the model still got the whole conversation (marked with its prompt-cache breakpoints).
    assert.deepEqual(h.fake.requests[1]!.body.messages, withCacheBreakpoints({ tools: [], messages: output.messages.slice(0, 3) }).messages);
  });
});
