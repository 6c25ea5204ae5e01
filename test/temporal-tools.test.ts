// Tools that are Temporal, on the CLI dev server with the fake model: one of the user's activities as a tool (scheduled
// by the loop with its own retry policy), and an agent as a tool (a sub-run child workflow) that a cancel of the outer
// run cancels and a continuation of the outer run continues where it was cut, with nothing completed run twice.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { z } from 'zod';
import { activityTool, sleep, tool, agentTool, cancelRun, getLiveSteps, getRunOutput, Task, RunStatus, type RunOutput } from '../src/index.js';
import { modelSearchAttribute, stepsQuery } from '../src/workflows/definitions.js';
import { listRuns } from '../src/client/run-list.js';
import { textTurn, toolTurn, type FakeTurn, type RecordedRequest } from '../src/testing/index.js';
import { ToolCounter } from './helpers/counting-tools.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { withoutCacheControls } from '../src/testing/fake-anthropic/prompt-cache.js';
import { withDeadline } from './helpers/worker-process.js';

const counter = new ToolCounter();
const charges: number[] = [];
const slowMs = { value: 60_000 };

/** The user's own activity: a card charge that fails on its first attempt and succeeds on Temporal's retry. */
async function chargeCard({ amount }: { amount: number }): Promise<{ chargeId: string; amount: number }> {
  charges.push(amount);
  if (charges.length === 1) throw ApplicationFailure.retryable('card network busy', 'CardNetworkBusy');
  return { chargeId: `ch_${charges.length}`, amount };
}

async function refund(): Promise<string> {
  throw ApplicationFailure.nonRetryable('refunds are closed today', 'RefundsClosed');
}

const shipMs = { value: 60_000 };
/** A long user activity that heartbeats, as Temporal activities should, so a cancel reaches it. */
async function shipOrder({ orderId }: { orderId: string }): Promise<string> {
  const ctx = Context.current();
  counter.bump(counter.started, `ship:${orderId}`);
  const beat = setInterval(() => ctx.heartbeat(), 100);
  try {
    await sleep(shipMs.value, ctx.cancellationSignal);
  } catch (err) {
    counter.bump(counter.aborted, `ship:${orderId}`);
    throw err;
  } finally {
    clearInterval(beat);
  }
  counter.bump(counter.completed, `ship:${orderId}`);
  return `shipped ${orderId}`;
}

const shipTool = activityTool({
  name: 'ship_order',
  description: 'Ships an order.',
  input: z.object({ orderId: z.string() }),
  activity: shipOrder,
  options: { startToCloseTimeout: '2 minutes', heartbeatTimeout: '5 seconds' },
});

const chargeTool = activityTool({
  name: 'charge_card',
  description: 'Charges the customer card.',
  input: z.object({ amount: z.number().positive() }),
  activity: chargeCard,
  options: { startToCloseTimeout: '10 seconds', retry: { initialInterval: '50 ms', backoffCoefficient: 1, maximumAttempts: 3 } },
});

const refundTool = activityTool({
  name: 'refund',
  description: 'Refunds an order.',
  input: z.object({ orderId: z.string() }),
  activity: refund,
  options: { startToCloseTimeout: '10 seconds', retry: { maximumAttempts: 2 } },
});

const quick = tool({
  name: 'quick_lookup',
  description: 'Looks a key up at once.',
  input: z.object({ key: z.string() }),
  run: ({ key }) => {
    counter.bump(counter.completed, `quick:${key}`);
    return `value-of-${key}`;
  },
});

const slow = tool({
  name: 'slow_research',
  description: 'Researches for a while.',
  input: z.object({ topic: z.string() }),
  run: async ({ topic }, { signal }) => {
    counter.bump(counter.started, `slow:${topic}`);
    try {
      await sleep(slowMs.value, signal);
    } catch (err) {
      counter.bump(counter.aborted, `slow:${topic}`);
      throw err;
    }
    counter.bump(counter.completed, `slow:${topic}`);
    return `findings on ${topic}`;
  },
});

const researcher = agentTool({
  name: 'researcher',
  description: 'An agent that researches a topic with its own tools.',
  task: { tools: [quick, slow], system: 'You research.' },
});

const OUTER = 'Find out about otters, using the researcher.';
const INNER = 'Research otters.';

/** Which run a request belongs to: the task it starts with. */
const runOf = (request: RecordedRequest): string => {
  const first = request.body.messages[0]?.content;
  return typeof first === 'string' ? first : '';
};

const LONG_ID_TASK = 'Find out about otters under a long run id.';

const scripts: Record<string, FakeTurn[]> = {
  [OUTER]: [toolTurn([{ name: 'researcher', input: { task: INNER } }]), textTurn('Otters hold hands while sleeping.')],
  [LONG_ID_TASK]: [toolTurn([{ name: 'researcher', input: { task: INNER } }]), textTurn('No research today.')],
  [INNER]: [
    toolTurn([{ name: 'quick_lookup', input: { key: 'otter' } }]),
    toolTurn([{ name: 'slow_research', input: { topic: 'otters' } }]),
    textTurn('inner: otters hold hands'),
  ],
  'Ship order 9.': [toolTurn([{ name: 'ship_order', input: { orderId: '9' } }]), textTurn('Order 9 shipped.')],
  'Charge 42 and refund order 7.': [
    toolTurn([{ name: 'charge_card', input: { amount: 42 } }, { name: 'refund', input: { orderId: '7' } }]),
    toolTurn([{ name: 'charge_card', input: { amount: -1 } }]),
    textTurn('Charged; the refund failed.'),
  ],
};

let h: Harness;

before(async () => {
  h = await startHarness({ tools: [chargeTool, refundTool, shipTool, researcher] });
  h.fake.setResponder((request) => {
    const turn = scripts[runOf(request)]?.[request.turn];
    if (!turn) throw new Error(`no scripted turn ${request.turn} for ${runOf(request)}`);
    return turn;
  });
});
after(async () => {
  await h?.close();
});
beforeEach(() => {
  counter.reset();
  charges.length = 0;
  h.fake.requests.length = 0;
});

const requestsOf = (task: string): number[] => h.fake.requests.filter((r) => runOf(r) === task && r.completed).map((r) => r.turn);

describe('activityTool: the user activity is the tool', () => {
  test('the loop schedules the user activity with its retry policy; its result, and its failures, reach the model', async () => {
    const output = await h.agent().do(new Task({ description: 'Charge 42 and refund order 7.', tools: [chargeTool, refundTool] }));
    assert.equal(output.status, RunStatus.completed, JSON.stringify(output.error));
    // Attempt 1 failed (retryable), attempt 2 charged: Temporal's retry, per the tool's policy, inside one step.
    assert.deepEqual(charges, [42, 42]);
    const charge = output.stepResults.find((s) => s.name === 'tool:charge_card')!;
    assert.equal(charge.status, 'completed');
    assert.equal(charge.attempts, 2);
    assert.equal(charge.output, JSON.stringify({ chargeId: 'ch_2', amount: 42 }));
    // The model read the activity's return value, and the refund's final failure as an error result.
    const second = h.fake.requests.find((r) => runOf(r) === 'Charge 42 and refund order 7.' && r.turn === 1)!;
    const results = second.body.messages.at(-1)!.content as Array<{ type: string; content: string; is_error?: boolean }>;
    assert.deepEqual(
      results.map((r) => [r.content, r.is_error]),
      [
        [JSON.stringify({ chargeId: 'ch_2', amount: 42 }), false],
        ['Tool refund failed: RefundsClosed: refunds are closed today', true],
      ],
    );
    // Input the tool's schema refuses never reaches the activity: the model is told, and nothing is charged.
    const third = h.fake.requests.find((r) => runOf(r) === 'Charge 42 and refund order 7.' && r.turn === 2)!;
    const invalid = (third.body.messages.at(-1)!.content as Array<{ content: string; is_error?: boolean }>)[0]!;
    assert.equal(invalid.is_error, true);
    assert.match(invalid.content, /^Tool charge_card failed: InvalidToolInputError: Invalid input for tool charge_card/);
    assert.deepEqual(charges, [42, 42]);

    // History: the steps are the user's activity types themselves, with the step's deterministic activity id.
    const history = await h.client.workflow.getHandle(output.runId).fetchHistory();
    const scheduled = (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : []));
    const userSteps = scheduled.filter((a) => a.activityType?.name === 'chargeCard' || a.activityType?.name === 'refund');
    assert.deepEqual(
      userSteps.map((a) => `${a.activityType?.name} ${a.activityId?.replace(/toolu_\w+/, 'X')} ${a.taskQueue?.name === h.taskQueue}`),
      ['chargeCard step-1-tool-charge_card-X true', 'refund step-2-tool-refund-X true', 'chargeCard step-4-tool-charge_card-X true'],
    );
    assert.equal(userSteps[0]!.retryPolicy?.maximumAttempts, 3);
    assert.ok(!scheduled.some((a) => a.activityType?.name === 'callTool'), 'no callTool activity: the loop scheduled the user activity');
    // The history reader reads the same steps and results back (show, continuation seed).
    const read = await getRunOutput(output.runId, { client: h.client });
    assert.deepEqual(
      read.stepResults.map((s) => `${s.index} ${s.name} ${s.status} ${s.error ? 'error' : 'ok'}`),
      ['0 model completed ok', '1 tool:charge_card completed ok', '2 tool:refund completed error', '3 model completed ok', '4 tool:charge_card completed error', '5 model completed ok'],
    );
    assert.deepEqual(read.messages, [...withoutCacheControls(third.body.messages), { role: 'assistant', content: [{ type: 'text', text: 'Charged; the refund failed.' }] }]);
  });

  test("the worker's activityTool is the one the run uses: a client that saw other options is refused before any step", async () => {
    const otherRetry = activityTool({
      name: 'charge_card',
      description: 'Charges the customer card.',
      input: z.object({ amount: z.number().positive() }),
      activity: chargeCard,
      options: { startToCloseTimeout: '10 seconds', retry: { maximumAttempts: 9 } },
    });
    const output = await h.agent().do(new Task({ description: 'Charge 42 and refund order 7.', tools: [otherRetry] }));
    assert.equal(output.error?.name, 'ToolMismatchError');
    assert.match(output.error.message, /tool "charge_card".*differ in: policy \(timeoutMs, maxAttempts, heartbeatTimeoutMs\)/);
    assert.deepEqual(charges, []);
    assert.equal(h.fake.requests.length, 0);
  });

  test('a cancel reaches the user activity through its heartbeats; continuing runs it again, and only it', async () => {
    shipMs.value = 60_000;
    const agent = h.agent();
    const handle = await agent.start(new Task({ description: 'Ship order 9.', tools: [shipTool] }));
    await waitFor(() => counter.started.get('ship:9') === 1, 'the user activity to start');
    await cancelRun(handle.runId, { client: h.client });
    const cancelled = await handle.result();
    assert.equal(cancelled.status, RunStatus.cancelled);
    assert.deepEqual(cancelled.stepResults.map((s) => `${s.name}: ${s.status}`), ['model: completed', 'tool:ship_order: cancelled']);
    assert.equal(counter.aborted.get('ship:9'), 1);
    shipMs.value = 0;
    const continued = await h.agent().continueRun({ runId: handle.runId });
    assert.equal(continued.output, 'Order 9 shipped.');
    assert.equal(continued.stepResults.at(-2)?.output, 'shipped 9');
    assert.deepEqual(requestsOf('Ship order 9.'), [0, 1]);
    assert.equal(counter.started.get('ship:9'), 2);
    assert.equal(counter.completed.get('ship:9'), 1);
  });
});

describe('agentTool: an agent is the tool (a sub-run)', () => {
  test('cancelling the outer run cancels the inner one; continuing the outer completes both, nothing completed runs twice', async () => {
    slowMs.value = 60_000;
    const agent = h.agent();
    const handle = await agent.start(new Task({ description: OUTER, tools: [researcher] }));
    await waitFor(() => counter.started.get('slow:otters') === 1, 'the inner agent to run slow_research');
    // The live view links the running step to its sub-run, as the history reader does once it has ended.
    const liveStep = (await handle.steps()).find((s) => s.name === 'tool:researcher');
    assert.equal(liveStep?.status, 'running');
    await cancelRun(handle.runId, { client: h.client });
    const cancelled: RunOutput = await handle.result();
    assert.equal(cancelled.status, RunStatus.cancelled);
    const step = cancelled.stepResults.find((s) => s.name === 'tool:researcher')!;
    assert.equal(step.status, 'cancelled');
    const innerId = step.subRunId!;
    assert.match(innerId, new RegExp(`^${handle.runId}\\.step-1-tool-researcher-toolu_`));
    assert.equal(liveStep?.subRunId, innerId);
    const inner = await getRunOutput(innerId, { client: h.client });
    assert.equal(inner.status, RunStatus.cancelled);
    assert.deepEqual(
      inner.stepResults.map((s) => `${s.index} ${s.name}: ${s.status}`),
      ['0 model: completed', '1 tool:quick_lookup: completed', '2 model: completed', '3 tool:slow_research: cancelled'],
    );
    assert.equal(counter.aborted.get('slow:otters'), 1);
    // Both closed CANCELED in Temporal, the inner as a child of the outer.
    const innerDescription = await h.client.workflow.getHandle(innerId).describe();
    assert.equal(innerDescription.status.name, 'CANCELLED');
    assert.equal(innerDescription.parentExecution?.workflowId, handle.runId);
    assert.equal((await h.client.workflow.getHandle(handle.runId).describe()).status.name, 'CANCELLED');

    slowMs.value = 0;
    const continued = await h.agent().continueRun({ runId: handle.runId });
    assert.equal(continued.status, RunStatus.completed, JSON.stringify(continued.error));
    assert.equal(continued.output, 'Otters hold hands while sleeping.');
    assert.deepEqual(
      continued.stepResults.map((s) => `${s.index} ${s.name}: ${s.status} (x${s.execution})`),
      ['0 model: completed (x1)', '1 tool:researcher: cancelled (x1)', '1 tool:researcher: completed (x2)', '2 model: completed (x2)'],
    );
    assert.equal(continued.stepResults[2]!.output, 'inner: otters hold hands');
    assert.equal(continued.stepResults[2]!.subRunId, innerId);
    // The continued execution's live steps name the same sub-run (continued, not started afresh).
    const liveAfter = await h.client.workflow.getHandle(handle.runId).query(stepsQuery);
    assert.deepEqual(liveAfter.filter((s) => s.name === 'tool:researcher').map((s) => `${s.status} x${s.execution} ${s.subRunId}`), [`cancelled x1 ${innerId}`, `completed x2 ${innerId}`]);
    // The inner run was continued (its second execution), not started afresh.
    const innerDone = await getRunOutput(innerId, { client: h.client });
    assert.equal(innerDone.status, RunStatus.completed);
    assert.equal(innerDone.executions, 2);
    assert.deepEqual(
      innerDone.stepResults.map((s) => `${s.index} ${s.name}: ${s.status} (x${s.execution})`),
      [
        '0 model: completed (x1)',
        '1 tool:quick_lookup: completed (x1)',
        '2 model: completed (x1)',
        '3 tool:slow_research: cancelled (x1)',
        '3 tool:slow_research: completed (x2)',
        '4 model: completed (x2)',
      ],
    );
    const innerLatest = await h.client.workflow.getHandle(innerId).describe();
    assert.equal(innerLatest.parentExecution?.workflowId, handle.runId, 'the continued inner run is a child of the continued outer run');
    // Nothing completed ran twice: each model turn was asked once, the quick tool ran once, the cut tool ran again once.
    assert.deepEqual(requestsOf(OUTER), [0, 1]);
    assert.deepEqual(requestsOf(INNER), [0, 1, 2]);
    assert.equal(counter.completed.get('quick:otter'), 1);
    assert.equal(counter.started.get('slow:otters'), 2);
    assert.equal(counter.completed.get('slow:otters'), 1);
  });

  test('cancelling the inner run alone tells the outer one, which goes on; the inner run continues on its own', async () => {
    slowMs.value = 60_000;
    const handle = await h.agent().start(new Task({ description: OUTER, tools: [researcher] }));
    await waitFor(() => counter.started.get('slow:otters') === 1, 'the inner agent to run slow_research');
    const step = (await getLiveSteps(handle.runId, { client: h.client })).find((s) => s.name === 'tool:researcher')!;
    const innerId = `${handle.runId}.${step.activityId}`;
    await cancelRun(innerId, { client: h.client });
    const outer = await handle.result();
    assert.equal(outer.status, RunStatus.completed, JSON.stringify(outer.error));
    const told = `Tool researcher was stopped: its agent run ${innerId} was cancelled.`;
    assert.equal(outer.stepResults.find((s) => s.name === 'tool:researcher')?.error, told);
    const last = h.fake.requests.find((r) => runOf(r) === OUTER && r.turn === 1)!;
    assert.deepEqual(withoutCacheControls(last.body.messages.at(-1)!.content), [{ type: 'tool_result', tool_use_id: step.toolUseId, content: told, is_error: true }]);
    assert.equal((await getRunOutput(innerId, { client: h.client })).status, RunStatus.cancelled);
    slowMs.value = 0;
    const inner = await h.agent().continueRun({ runId: innerId });
    assert.equal(inner.output, 'inner: otters hold hands');
    assert.deepEqual(requestsOf(INNER), [0, 1, 2]);
    assert.equal(counter.completed.get('quick:otter'), 1);
  });

  test('a run that carries its model as a search attribute starts sub-runs that carry theirs: a model filter finds them', async () => {
    slowMs.value = 0;
    const outer = await h.agent({ searchAttributes: true }).do(new Task({ description: OUTER, tools: [researcher] }));
    assert.equal(outer.status, RunStatus.completed, JSON.stringify(outer.error));
    const innerId = outer.stepResults.find((s) => s.name === 'tool:researcher')!.subRunId!;
    const model = (await h.client.workflow.getHandle(outer.runId).describe()).typedSearchAttributes.get(modelSearchAttribute);
    assert.ok(model, 'the outer run carries DurableAgentModel');
    assert.equal((await h.client.workflow.getHandle(innerId).describe()).typedSearchAttributes.get(modelSearchAttribute), model);
    // What the console's and `list --model`'s filter asks visibility.
    await waitFor(async () => (await listRuns({ model }, { client: h.client, pageSize: 100 })).runs.some((r) => r.runId === innerId), 'the sub-run listed under its model');
  });

  test('a sub-run id over Temporal\'s 1000-byte limit: the model gets an error result and the run goes on (no hang)', async () => {
    // The calling run's id is valid (985 bytes); `<id>.<step activity id>` is not, and the server would refuse the start.
    const runId = `long-${'x'.repeat(980)}`;
    const handle = await h.agent({ newRunId: () => runId }).start(new Task({ description: LONG_ID_TASK, tools: [researcher] }));
    const output = await withDeadline(handle.result(), 30_000, 'the run with a too-long sub-run id to close');
    assert.equal(output.status, RunStatus.completed, JSON.stringify(output.error));
    assert.equal(output.output, 'No research today.');
    assert.ok(output.stepResults.every((s) => s.subRunId === undefined), 'no sub-run started');
    const last = h.fake.requests.find((r) => runOf(r) === LONG_ID_TASK && r.turn === 1)!;
    const [result] = withoutCacheControls(last.body.messages.at(-1)!.content) as Array<{ content: string; is_error?: boolean }>;
    assert.equal(result!.is_error, true);
    assert.match(result!.content, /^Tool researcher could not start its sub-run: its run id "long-x+…" \(the calling run's id and the step's activity id\) is not a valid Temporal workflow id: it is \d{4} bytes long; Temporal takes at most 1000\. Give the calling run a shorter run id\.$/);
    assert.equal(requestsOf(INNER).length, 0, 'the inner agent never ran');
  });
});
