// Temporal's own `workflow reset` (what an operator does from the Web UI or `temporal workflow reset`) of a durable-agent
// run, to a point inside it: between two turns of a completed run, and mid-tool of a running one. The reset makes a new
// execution of the same run id that replays the history up to that point and runs the rest again; show (getRunOutput),
// streaming, continue and the step counts must read that execution as they read any other.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import proto from '@temporalio/proto';
import { z } from 'zod';
import { sleep, tool, RunAlreadyCompletedError, cancelRun, getRunOutput, streamRun, Task, RunStatus, type StreamEvent } from '../src/index.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';

const ran = { quick: 0, holdStarted: 0, holdDone: 0 };
const hold = { ms: 60_000 };
const quick = tool({ name: 'quick', description: 'Answers at once.', input: z.object({}), run: () => `quick #${++ran.quick}` });
const held = tool({
  name: 'held',
  description: 'Works until released.',
  input: z.object({}),
  run: async (_input, { signal }) => {
    ran.holdStarted++;
    await sleep(hold.ms, signal);
    ran.holdDone++;
    return 'held done';
  },
});

let h: Harness;
before(async () => {
  h = await startHarness({ tools: [quick, held] });
});
after(async () => {
  await h?.close();
});
beforeEach(() => {
  h.fake.reset();
  Object.assign(ran, { quick: 0, holdStarted: 0, holdDone: 0 });
});

/**
 * A reset point (a WorkflowTaskCompleted event id; resetting there redoes that workflow task, so what it scheduled runs
 * again): for `scheduled`, the task that scheduled the step `activityIdPrefix` (a running activity has no started event
 * yet); for `completed`, the first task after the step's activity completed.
 */
async function resetPoint(runId: string, activityIdPrefix: string, event: 'scheduled' | 'completed'): Promise<number> {
  const events = (await h.client.workflow.getHandle(runId).fetchHistory()).events ?? [];
  const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityId?.startsWith(activityIdPrefix));
  assert.ok(scheduled, `${activityIdPrefix} was scheduled`);
  if (event === 'scheduled') return Number(scheduled.activityTaskScheduledEventAttributes!.workflowTaskCompletedEventId);
  const at = events.findIndex((e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(scheduled.eventId));
  assert.ok(at >= 0, `${activityIdPrefix} completed`);
  const done = events.slice(at).find((e) => e.workflowTaskCompletedEventAttributes);
  assert.ok(done, `a workflow task completed after ${activityIdPrefix} completed`);
  return Number(done.eventId);
}

/** `temporal workflow reset --event-id N` of the run's latest execution; the new execution's Temporal run id. */
async function reset(runId: string, workflowTaskFinishEventId: number): Promise<string> {
  // fromObject turns the event id into the int64 the request carries.
  const request = proto.temporal.api.workflowservice.v1.ResetWorkflowExecutionRequest.fromObject({
    namespace: h.client.options.namespace,
    workflowExecution: { workflowId: runId },
    workflowTaskFinishEventId,
    reason: 'operator reset in a test',
    requestId: randomUUID(),
  });
  const response = await h.client.workflowService.resetWorkflowExecution(request);
  assert.ok(response.runId, 'the reset made a new execution');
  return response.runId;
}

async function streamed(runId: string): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of streamRun(runId, { client: h.client })) events.push(event);
  return events;
}

const stepsOf = (steps: Array<{ index: number; name: string; status: string }>): string[] => steps.map((s) => `${s.index} ${s.name} ${s.status}`);

describe('Temporal reset of a durable-agent run', () => {
  test('between turns of a completed run: only what follows the point runs again; show, stream and continue read the new execution', async () => {
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'quick', input: {} }]), textTurn('first answer')]));
    const original = await h.agent().do(new Task({ description: 'Use quick once.', tools: [quick] }));
    assert.equal(original.status, RunStatus.completed);

    // Right after the tool's result was recorded: the workflow task that scheduled the last model turn is redone.
    h.fake.reset();
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'quick', input: {} }]), textTurn('answer after the reset')]));
    const executionRunId = await reset(original.runId, await resetPoint(original.runId, 'step-1-tool-quick', 'completed'));
    await waitFor(async () => (await h.client.workflow.getHandle(original.runId, executionRunId).describe()).status.name === 'COMPLETED', 'the reset execution to complete');

    assert.deepEqual(h.fake.requests.map((r) => r.turn), [1], 'only the last model turn was asked again');
    assert.equal(ran.quick, 1, 'the tool before the point did not run again');
    const shown = await getRunOutput(original.runId, { client: h.client });
    assert.equal(shown.executionRunId, executionRunId, 'show reads the reset execution');
    assert.equal(shown.status, RunStatus.completed);
    assert.equal(shown.output, 'answer after the reset');
    assert.deepEqual(stepsOf(shown.stepResults), ['0 model completed', '1 tool:quick completed', '2 model completed']);
    const summed = shown.stepResults.reduce((sum, step) => ({ inputTokens: sum.inputTokens + (step.usage?.inputTokens ?? 0), outputTokens: sum.outputTokens + (step.usage?.outputTokens ?? 0) }), { inputTokens: 0, outputTokens: 0 });
    assert.deepEqual({ inputTokens: shown.usage.inputTokens, outputTokens: shown.usage.outputTokens }, summed, 'usage counts each step of the reset execution once');
    assert.equal(shown.usage.inputTokens, original.usage.inputTokens, 'the redone turn sent what the first one did');

    const events = await streamed(original.runId);
    assert.equal(events.at(-1)?.type, 'completed');
    assert.deepEqual(
      events.filter((e) => e.type === 'step_completed').map((e) => (e.type === 'step_completed' ? e.step.index : -1)),
      [0, 1, 2],
      'the stream has each step once',
    );
    await assert.rejects(h.agent().continueRun({ runId: original.runId }), RunAlreadyCompletedError);
  });

  test('mid-tool of a running run: the tool runs again in the new execution, which can be cancelled and continued', async () => {
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'held', input: {} }]), textTurn('held is done')]));
    hold.ms = 60_000;
    const handle = await h.agent().start(new Task({ description: 'Use held once.', tools: [held] }));
    await waitFor(() => ran.holdStarted === 1, 'the tool to start');

    // The workflow task that scheduled the tool is redone: the old execution is terminated (its tool is abandoned), the
    // new one schedules the tool again under the same activity id.
    const executionRunId = await reset(handle.runId, await resetPoint(handle.runId, 'step-1-tool-held', 'scheduled'));
    await waitFor(() => ran.holdStarted === 2, 'the tool to start again in the reset execution');
    assert.equal((await h.client.workflow.getHandle(handle.runId, handle.executionRunId).describe()).status.name, 'TERMINATED');
    assert.deepEqual(h.fake.requests.map((r) => r.turn), [0], 'the model turn before the point was not asked again');

    await cancelRun(handle.runId, { client: h.client, wait: true });
    const cancelled = await getRunOutput(handle.runId, { client: h.client });
    assert.equal(cancelled.executionRunId, executionRunId);
    assert.equal(cancelled.status, RunStatus.cancelled);
    assert.deepEqual(stepsOf(cancelled.stepResults), ['0 model completed', '1 tool:held cancelled']);

    hold.ms = 10;
    const continued = await h.agent().continueRun({ runId: handle.runId });
    assert.equal(continued.status, RunStatus.completed, JSON.stringify(continued.error));
    assert.equal(continued.output, 'held is done');
    assert.deepEqual(stepsOf(continued.stepResults), ['0 model completed', '1 tool:held cancelled', '1 tool:held completed', '2 model completed']);
    assert.equal(ran.holdDone, 1);
    assert.deepEqual(h.fake.requests.map((r) => r.turn), [0, 1], 'no model turn was asked twice');
    const events = await streamed(handle.runId);
    assert.equal(events.at(-1)?.type, 'completed');
  });
});
