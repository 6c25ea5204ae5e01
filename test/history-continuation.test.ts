// The one continuation planner (src/history/continuation.ts) on saved histories, no server: what a continue, an
// answer and a fork of each kind of run plans — the seed, the run id, the queue, the model — or which typed error.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { STEP_ACTIVITY } from '../src/activities/contract.js';
import { InvalidForkEditError, InvalidForkError, RunAlreadyCompletedError, RunNotPausedError, RunPausedError, RunStillRunningError, RunTooLargeToContinueError } from '../src/index.js';
import { planContinuation, seedOf, type ContinuationPlan, type StartPlan } from '../src/history/continuation.js';
import { decodeExecution } from '../src/history/decode.js';
import { payloadDecoderOf } from '../src/history/payload-decoder.js';
import { toRunOutput } from '../src/history/projections.js';
import { savedEvents, savedRecord, withStepModels } from './helpers/saved-records.js';

function started(plan: ContinuationPlan): StartPlan {
  assert.notEqual(plan.kind, 'answer');
  return plan as StartPlan;
}

describe('continue', () => {
  test('a cancelled run: same run id, its own queue and model, a seed of the completed steps', async () => {
    const record = await savedRecord('cancelled');
    const plan = started(planContinuation(record, { kind: 'continue' }));
    assert.equal(plan.kind, 'continue');
    assert.equal(plan.runId, 'cancelled');
    assert.equal(plan.taskQueue, record.taskQueue);
    assert.equal(plan.summary, 'continue: wait a minute');
    assert.equal(plan.input.model, record.input.model);
    assert.deepEqual(plan.input.task, record.input.task);
    const seed = plan.input.seed!;
    assert.deepEqual(Object.keys(seed.completed), ['step-0-model']);
    assert.deepEqual(seed.previousSteps.map((s) => `${s.name}:${s.status}`), ['model:completed', 'tool:wait:cancelled']);
    assert.deepEqual(seed.usage, { inputTokens: 52, outputTokens: 3 });
    assert.equal(seed.executions, 1);
    assert.equal(seed.continuedFrom, record.executionRunId);
  });

  test('the recorded continuation started from exactly the seed the planner builds', async () => {
    const cancelled = await savedRecord('cancelled');
    const continued = await savedRecord('continued');
    const plan = started(planContinuation(cancelled, { kind: 'continue' }));
    // The seed now also carries the workflow time the execution took (for RunLimits.maxWallTimeMs): the recording predates it.
    const elapsedMs = Date.parse(cancelled.closedAt!) - Date.parse(cancelled.startedAt!);
    // Model steps now name the model that answered them (runs may use several): the recording predates that too.
    const named = { ...withStepModels(continued.input.seed!, continued.input.model), elapsedMs };
    assert.deepEqual(plan.input.seed, named);
    assert.deepEqual(seedOf(cancelled), named);
  });

  test('the run keeps its identity (model, session, user) unless the request names a model; the queue can move', async () => {
    const record = await savedRecord('cancelled');
    record.input = { ...record.input, sessionId: 'session_1', userId: 'user_1' };
    const own = started(planContinuation(record, { kind: 'continue' }));
    assert.deepEqual([own.input.model, own.input.sessionId, own.input.userId], [record.input.model, 'session_1', 'user_1']);
    const moved = started(planContinuation(record, { kind: 'continue', model: 'claude-other', taskQueue: 'elsewhere' }));
    assert.deepEqual([moved.input.model, moved.input.sessionId, moved.input.userId, moved.taskQueue], ['claude-other', 'session_1', 'user_1', 'elsewhere']);
  });

  test('a model call cut mid-stream: nothing completed to keep, its partial usage carried in the seed', async () => {
    const record = await savedRecord('cut-model');
    const seed = started(planContinuation(record, { kind: 'continue' })).input.seed!;
    assert.deepEqual(seed.completed, {});
    assert.deepEqual(seed.usage, record.activities[0]!.progress!.usage);
    assert.equal(seed.previousSteps[0]!.status, 'cancelled');
  });

  test('a failed run can be continued; a completed one cannot', async () => {
    assert.equal(planContinuation(await savedRecord('errored'), { kind: 'continue' }).kind, 'continue');
    const completed = await savedRecord('completed');
    assert.throws(() => planContinuation(completed, { kind: 'continue' }), RunAlreadyCompletedError);
  });

  test('a running run: RunStillRunningError; a paused one: RunPausedError naming what it waits for', async () => {
    const events = savedEvents('completed');
    // The completed run as it was while its tool ran: its events up to the tool call's start.
    const toolScheduled = events.findIndex((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === STEP_ACTIVITY.tool);
    const open = events.slice(0, events.findIndex((e, i) => i > toolScheduled && e.activityTaskStartedEventAttributes) + 1);
    const running = await decodeExecution(open, payloadDecoderOf(), { runId: 'running' });
    assert.equal(running.state, 'running');
    assert.equal(toRunOutput(running).status, 'running');
    assert.throws(() => planContinuation(running, { kind: 'continue' }), RunStillRunningError);
    assert.throws(() => planContinuation(running, { kind: 'answer', answers: [{ id: 'x', approve: true }] }), RunStillRunningError);
    const paused = await savedRecord('paused');
    assert.throws(() => planContinuation(paused, { kind: 'continue' }), (err: unknown) => {
      assert.ok(err instanceof RunPausedError);
      assert.deepEqual(err.requirements.map((r) => r.id), ['toolu_fake_0_0']);
      assert.match(err.message, /answerRun/);
      return true;
    });
  });

  test('a seed too large for one Temporal payload: RunTooLargeToContinueError, before anything is started', async () => {
    const record = await savedRecord('cancelled');
    const model = record.activities[0]!.outcome!;
    assert.equal(model.kind, 'model');
    if (model.kind === 'model') model.result.content = [{ type: 'text', text: 'x'.repeat(2_200_000) }];
    assert.throws(() => planContinuation(record, { kind: 'continue' }), RunTooLargeToContinueError);
  });
});

describe('answer', () => {
  test('a paused run: answer in place (same execution, no new start)', async () => {
    const record = await savedRecord('paused');
    const answers = [{ id: 'toolu_fake_0_0', approve: true }];
    const plan = planContinuation(record, { kind: 'answer', answers });
    assert.deepEqual(plan, { kind: 'answer', runId: 'paused', executionRunId: record.executionRunId, taskQueue: record.taskQueue, input: record.input, answers });
    // The deprecated continueRun({ requirements }) path plans the same.
    assert.deepEqual(planContinuation(record, { kind: 'continue', answers }), plan);
  });

  test('a run that waits for nothing: RunNotPausedError', async () => {
    const cancelled = await savedRecord('cancelled');
    assert.throws(() => planContinuation(cancelled, { kind: 'answer', answers: [{ id: 'x', approve: true }] }), RunNotPausedError);
  });
});

describe('fork', () => {
  test('from step 2 of a completed run: a new run id, the steps before 2 inherited, the rest to run', async () => {
    const record = await savedRecord('completed');
    const plan = started(planContinuation(record, { kind: 'fork', fromStep: 2, newRunId: 'the-fork' }));
    assert.equal(plan.kind, 'fork');
    assert.equal(plan.runId, 'the-fork');
    assert.equal(plan.summary, 'fork of completed at step 2: wait once');
    assert.deepEqual(plan.input.forkedFrom, { runId: 'completed', executionRunId: record.executionRunId, fromStep: 2 });
    const seed = plan.input.seed!;
    assert.deepEqual(Object.keys(seed.completed), ['step-0-model', 'step-1-tool-wait-toolu_fake_0_0']);
    assert.deepEqual(seed.previousSteps.map((s) => [s.index, s.inheritedFrom]), [[0, 'completed'], [1, 'completed']]);
    assert.deepEqual(seed.usage, { inputTokens: 51, outputTokens: 3 });
    assert.equal(seed.executions, 0);
  });

  test('the recorded fork started from a seed of the same shape', async () => {
    const fork = await savedRecord('forked');
    const plan = started(planContinuation(await savedRecord('completed'), { kind: 'fork', fromStep: 2, newRunId: 'f' }));
    assert.deepEqual(Object.keys(plan.input.seed!.completed), Object.keys(fork.input.seed!.completed));
    assert.deepEqual(plan.input.seed!.previousSteps.map((s) => s.activityId), fork.input.seed!.previousSteps.map((s) => s.activityId));
  });

  test('a fork of a fork: inherited steps keep naming the run they were first made in; no parent seed leaks', async () => {
    const fork = await savedRecord('forked');
    fork.input.seed!.previousSteps[0]!.inheritedFrom = 'origin';
    const plan = started(planContinuation(fork, { kind: 'fork', fromStep: 2, newRunId: 'f2' }));
    assert.equal(plan.input.forkedFrom?.runId, 'forked');
    assert.deepEqual(Object.keys(plan.input.seed!.completed), ['step-0-model', 'step-1-tool-wait-toolu_fake_0_0']);
    // Step 0 came from `origin`; step 1 (recorded before steps named their origin) counts as the fork's own.
    assert.deepEqual(plan.input.seed!.previousSteps.map((s) => s.inheritedFrom), ['origin', 'forked']);
  });

  test('a fork of a cancelled run, with a model of its own', async () => {
    const plan = started(planContinuation(await savedRecord('cancelled'), { kind: 'fork', fromStep: 1, newRunId: 'f', model: 'claude-other' }));
    assert.equal(plan.input.model, 'claude-other');
    assert.deepEqual(Object.keys(plan.input.seed!.completed), ['step-0-model']);
  });

  test('with an edit: the fork\'s copy of a tool result, the user text or the system prompt changes; the record does not', async () => {
    const record = await savedRecord('completed');
    const kept = structuredClone(record.input);
    const toolStep = 'step-1-tool-wait-toolu_fake_0_0';
    const plan = started(planContinuation(record, { kind: 'fork', fromStep: 2, newRunId: 'f', edit: { step: 1, toolResult: 'edited result' } }));
    assert.deepEqual(plan.input.seed!.completed[toolStep], { kind: 'tool', result: { content: 'edited result', isError: false } });
    assert.deepEqual(plan.input.seed!.previousSteps.map((s) => [s.index, s.edited ?? false, s.index === 1 ? s.output : '']), [[0, false, ''], [1, true, 'edited result']]);
    assert.deepEqual(plan.input.seed!.completed['step-0-model'], seedOf(record).completed['step-0-model'], 'the other steps are kept as they are');
    assert.deepEqual(record.input, kept, 'the original record is untouched');
    assert.deepEqual(seedOf(record).completed[toolStep], { kind: 'tool', result: { content: 'waited 10', isError: false } }, "the original's result");
    const told = started(planContinuation(record, { kind: 'fork', fromStep: 0, newRunId: 'f', edit: { userText: 'wait twice' } }));
    assert.equal(told.input.task.description, 'wait twice');
    assert.equal(started(planContinuation(record, { kind: 'fork', fromStep: 0, newRunId: 'f', edit: { system: 'Be brief.' } })).input.task.system, 'Be brief.');
  });

  test('an edit the fork cannot make: InvalidForkEditError, nothing planned', async () => {
    const record = await savedRecord('completed');
    const refused = (edit: Parameters<typeof planContinuation>[1] & { kind: 'fork' }, message: RegExp): void =>
      assert.throws(() => planContinuation(record, edit), (err: unknown) => err instanceof InvalidForkEditError && err instanceof InvalidForkError && message.test(err.message));
    refused({ kind: 'fork', fromStep: 2, newRunId: 'f', edit: { step: 2, toolResult: 'x' } }, /keeps steps 0\.\.1; step 2 is not one of them/);
    refused({ kind: 'fork', fromStep: 1, newRunId: 'f', edit: { step: 1, toolResult: 'x' } }, /keeps steps 0\.\.0; step 1 is not one of them/);
    refused({ kind: 'fork', fromStep: 2, newRunId: 'f', edit: { step: 0, toolResult: 'x' } }, /its step 0 is a model step, not a completed tool call/);
    refused({ kind: 'fork', fromStep: 2, newRunId: 'f', edit: { userText: '  ' } }, /userText must be non-empty text/);
  });

  test('steps outside the run, and a running run: typed errors', async () => {
    const record = await savedRecord('completed');
    const last = Math.max(...toRunOutput(record).stepResults.map((s) => s.index));
    // The step after the last is outside the run too: a fork from it would run nothing and call itself completed.
    for (const fromStep of [-1, 1.5, 10, 99, last + 1]) {
      assert.throws(
        () => planContinuation(record, { kind: 'fork', fromStep, newRunId: 'f' }),
        (err: unknown) =>
          err instanceof InvalidForkError &&
          err.message === `Run "${record.runId}" has no step ${fromStep} to fork from (its steps are 0..${last}; fromStep is the first step the fork runs anew).`,
        `fromStep ${fromStep}`,
      );
    }
    for (const fromStep of [0, last]) assert.equal(started(planContinuation(record, { kind: 'fork', fromStep, newRunId: 'f' })).input.forkedFrom?.fromStep, fromStep);
    const paused = await savedRecord('paused');
    assert.throws(() => planContinuation(paused, { kind: 'fork', fromStep: 1, newRunId: 'f' }), RunStillRunningError);
  });
});
