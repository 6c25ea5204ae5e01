// Trust and spend, the trust half, on the CLI dev server with the fake model: a human gate decided per call by the
// worker's policy (recorded in history, so the recorded run replays), an inner agent's approval answered through the
// outer run, and honest resume of side effects (a cut call of a tool not safe to repeat is not run again; every call
// carries an idempotency key that stays the same when it does run again).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeEach, describe, test } from 'node:test';
import { Worker } from '@temporalio/worker';
import { z } from 'zod';
import { agentTool, cancelRun, getRunOutput, idempotencyHeaders, RunStatus, sleep, streamRun, Task, tool, type ToolContext } from '../src/index.js';
import { requirementsQuery } from '../src/workflows/definitions.js';
import { scriptedByTask, scriptedResponder, textTurn, toolTurn, type FakeTurn } from '../src/testing/index.js';
import { noopSinks } from '../src/worker/tracing.js';
import { workflowBundle } from './helpers/bundle.js';
import { harnessPerFile, waitFor } from './helpers/harness.js';
import { ROOT } from './helpers/servers.js';
import { outputSummary } from '../src/cli/format.js';
import { savedRecord } from './helpers/saved-records.js';
import { seedOf } from '../src/history/continuation.js';
import { STEP_ACTIVITY } from '../src/core/types.js';

const run = promisify(execFile);

/** Every payment that ran, and the policy's decisions, on this worker. */
const payments: number[] = [];
const pay = tool({
  name: 'pay',
  description: 'Pays an amount; payments over 100 need a human to confirm.',
  input: z.object({ amount: z.number() }),
  human: { kind: 'confirmation', when: ({ amount }) => amount > 100 },
  run: ({ amount }) => {
    payments.push(amount);
    return `paid ${amount}`;
  },
});

/** A charge that is not safe to repeat: it reports where it got to, then hangs until it is cut. */
const charges: string[] = [];
const charge = tool({
  name: 'charge',
  description: 'Charges a card.',
  input: z.object({ amount: z.number() }),
  idempotent: false,
  run: async ({ amount }, ctx) => {
    charges.push(ctx.idempotencyKey);
    ctx.heartbeat({ stage: 'request sent', amount });
    await sleep(60_000, ctx.signal);
    return `charged ${amount}`;
  },
});

/** An upload that is safe to repeat: each run logs the key it would send; the first run hangs until it is cut. */
const uploads: Array<{ key: string; header: string; attempt: number }> = [];
const upload = tool({
  name: 'upload',
  description: 'Uploads a file.',
  input: z.object({ name: z.string() }),
  run: async ({ name }, ctx: ToolContext) => {
    uploads.push({ key: ctx.idempotencyKey, header: idempotencyHeaders(ctx)['Idempotency-Key'], attempt: ctx.attempt });
    if (uploads.length === 1) await sleep(60_000, ctx.signal);
    return `uploaded ${name}`;
  },
});

const approver = agentTool({ name: 'treasurer', description: 'Makes payments with its own tools.', task: { tools: [pay] } });

const h = harnessPerFile({ tools: [pay, charge, upload, approver] }, () => {
  payments.length = 0;
  charges.length = 0;
  uploads.length = 0;
});

/** The tool_result the model was sent in request `index`. */
function toolResultOf(index: number): { content: unknown; is_error?: boolean } {
  const messages = h().fake.requests[index]!.body.messages;
  const last = messages[messages.length - 1]!;
  assert.ok(Array.isArray(last.content));
  const block = last.content.find((b) => b.type === 'tool_result');
  assert.ok(block && block.type === 'tool_result', `request ${index} carries a tool_result`);
  return { content: block.content, ...(block.is_error !== undefined ? { is_error: block.is_error } : {}) };
}

describe('approvals by policy', () => {
  test('a payment of 50 runs unasked, one of 500 pauses and is answered from another process; the history replays', async () => {
    h().fake.setResponder(scriptedResponder([toolTurn([{ name: 'pay', input: { amount: 50 } }]), toolTurn([{ name: 'pay', input: { amount: 500 } }]), textTurn('Paid both.')]));
    const agent = h().agent();
    const paused = await agent.do(new Task({ description: 'Pay 50, then 500.', tools: [pay] }));
    assert.equal(paused.status, RunStatus.paused);
    assert.deepEqual(payments, [50], 'the payment of 50 ran without asking; the one of 500 waits');
    assert.equal(paused.requirements.length, 1);
    assert.deepEqual({ kind: paused.requirements[0]!.kind, input: paused.requirements[0]!.toolInput }, { kind: 'confirmation', input: { amount: 500 } });

    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'test/helpers/answer-run.ts', h().env.address, h().taskQueue, paused.runId, JSON.stringify([{ id: paused.requirements[0]!.id, approve: true }])],
      { cwd: ROOT, timeout: 60_000 },
    );
    const answered = JSON.parse(stdout.trim().split('\n').pop()!) as { status: string; output: string; pid: number };
    assert.notEqual(answered.pid, process.pid);
    assert.equal(answered.status, 'completed');
    assert.equal(answered.output, 'Paid both.');
    assert.deepEqual(payments, [50, 500]);

    // The decisions are in history: replaying it (no worker, no policy code) takes the same branches.
    const history = await h().client.workflow.getHandle(paused.runId).fetchHistory();
    const decisions = history.events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'decideGate');
    assert.equal(decisions.length, 2, 'one recorded decision per call');
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle(undefined, { tracing: false }), sinks: noopSinks }, history, paused.runId);
  });
});

describe('honest resume', () => {
  test('a cut call of a tool not safe to repeat is not run again; the model reads that it may have taken effect', async () => {
    h().fake.setResponder(scriptedResponder([toolTurn([{ name: 'charge', input: { amount: 30 } }]), textTurn('I will check the charge first.')]));
    const agent = h().agent();
    const pending = agent.do(new Task({ description: 'Charge 30.', tools: [charge] }));
    await waitFor(() => charges.length === 1, 'the charge to start');
    await sleep(300); // its checkpoint reaches Temporal with a heartbeat
    await cancelRun(agent.runId!, { client: h().client });
    const cancelled = await pending;
    assert.equal(cancelled.status, RunStatus.cancelled);

    const continued = await agent.continueRun({ runId: cancelled.runId });
    assert.equal(continued.status, RunStatus.completed);
    assert.equal(charges.length, 1, 'the charge was not called again');
    assert.equal(h().fake.requests.length, 2);
    const result = toolResultOf(1);
    assert.equal(result.is_error, true);
    assert.match(String(result.content), /interrupted mid-call .* may or may not have taken effect/);
    assert.match(String(result.content), /last checkpoint: \{"stage":"request sent","amount":30\}/);
  });

  test('a call of a tool not safe to repeat whose attempt was lost is not run again by the retry', async () => {
    // The attempt outlives the step's start-to-close limit, as a call whose worker died does: Temporal retries it.
    h().fake.setResponder(scriptedResponder([toolTurn([{ name: 'charge', input: { amount: 40 } }]), textTurn('I will check the card first.')]));
    const done = await h().agent().do(new Task({ description: 'Charge 40.', tools: [charge], timeouts: { toolCallTimeoutMs: 1000 } }));
    assert.equal(done.status, RunStatus.completed);
    assert.equal(charges.length, 1, 'the retry did not call the charge again');
    const step = done.stepResults.find((s) => s.name === 'tool:charge');
    assert.equal(step?.attempts, 2);
    assert.match(String(toolResultOf(1).content), /^Tool charge was interrupted mid-call .* Its last checkpoint: \{"stage":"request sent","amount":40\}\./);
  });

  test('an idempotent tool cut mid-call runs again on continue with the same idempotency key', async () => {
    h().fake.setResponder(scriptedResponder([toolTurn([{ name: 'upload', input: { name: 'a.txt' } }]), textTurn('Uploaded.')]));
    const agent = h().agent();
    const pending = agent.do(new Task({ description: 'Upload a.txt.', tools: [upload] }));
    await waitFor(() => uploads.length === 1, 'the upload to start');
    await cancelRun(agent.runId!, { client: h().client });
    assert.equal((await pending).status, RunStatus.cancelled);
    const continued = await agent.continueRun({ runId: agent.runId! });
    assert.equal(continued.status, RunStatus.completed);
    assert.equal(uploads.length, 2, 'the upload ran again');
    assert.match(uploads[0]!.key, /^[0-9a-f]{32}$/);
    assert.equal(uploads[1]!.key, uploads[0]!.key, 'the same key on both runs of the call');
    assert.equal(uploads[1]!.header, uploads[0]!.key);
    assert.equal(toolResultOf(1).content, 'uploaded a.txt');
  });
});

describe('honest resume, in history (no server)', () => {
  test('the seed takes a started, cut call of a non-idempotent tool as interrupted; one that never started, or an idempotent one, runs again', async () => {
    const cancelled = await savedRecord('checkpoint-cancelled');
    const cut = cancelled.activities.find((a) => a.activityType === STEP_ACTIVITY.tool)!;
    assert.equal(cut.status, 'cancelled');
    assert.ok(cut.startedAt, 'the recorded cut call had started');
    const notSafe = { ...cancelled, resolvedTools: cancelled.resolvedTools!.map((t) => ({ ...t, idempotent: false as const })) };

    const seed = seedOf(notSafe);
    const outcome = seed.completed[cut.activityId];
    assert.equal(outcome?.kind, 'tool');
    assert.match(outcome.kind === 'tool' ? outcome.result.content : '', /^Tool count was interrupted mid-call .* Its last checkpoint: \{"n":\d+\}\./);
    assert.equal(seed.checkpoints, undefined, 'nothing runs again, so no checkpoint is handed on');

    const { startedAt: _started, ...neverStarted } = cut;
    assert.equal(seedOf({ ...notSafe, activities: notSafe.activities.map((a) => (a === cut ? neverStarted : a)) }).completed[cut.activityId], undefined);
    assert.equal(seedOf(cancelled).completed[cut.activityId], undefined, 'an idempotent tool runs again from its checkpoint');
  });
});

describe('approvals that reach the parent', () => {
  const OUTER = 'Have the treasurer pay 500.';
  const INNER = 'Pay 500.';
  const scripts: Record<string, FakeTurn[]> = {
    [OUTER]: [toolTurn([{ name: 'treasurer', input: { task: INNER } }]), textTurn('The treasurer paid 500.')],
    [INNER]: [toolTurn([{ name: 'pay', input: { amount: 500 } }]), textTurn('inner: paid 500')],
  };

  const byTask = (): void =>
    h().fake.setResponder(scriptedByTask(scripts));
  beforeEach(byTask);

  test("an inner agent's approval shows in the outer run's requirements and stream; answering the outer completes both", async () => {
    const agent = h().agent();
    const paused = await agent.do(new Task({ description: OUTER, tools: [approver] }));
    assert.equal(paused.status, RunStatus.paused, 'the outer run is paused on its sub-run');
    assert.equal(paused.requirements.length, 1);
    const [requirement] = paused.requirements;
    const subRunId = paused.stepResults.find((s) => s.name === 'tool:treasurer')?.subRunId;
    assert.ok(subRunId, 'the outer step names its sub-run');
    assert.deepEqual(
      { kind: requirement!.kind, tool: requirement!.toolName, input: requirement!.toolInput, runId: requirement!.runId },
      { kind: 'confirmation', tool: 'pay', input: { amount: 500 }, runId: subRunId },
    );

    // `durable-agent show` of the outer run says what waits, and where.
    assert.match(outputSummary(paused), new RegExp(`waiting for: confirmation of pay \\{"amount":500\\} \\(id ${requirement!.id}, step 1 of sub-run ${subRunId.replace(/\./g, '\\.')}\\)`));

    // The outer run's stream pauses on the inner requirement.
    const events: string[] = [];
    for await (const event of streamRun(paused.runId, { client: h().client })) {
      events.push(event.type);
      if (event.type === 'paused') assert.deepEqual(event.requirements.map((r) => [r.id, r.runId]), [[requirement!.id, subRunId]]);
    }
    assert.equal(events.at(-1), 'paused');
    // So do its live requirements query (what the chat handler reads) and the Web UI's Current Details.
    const handle = h().client.workflow.getHandle(paused.runId);
    assert.deepEqual((await handle.query(requirementsQuery)).map((r) => r.id), [requirement!.id]);
    const details = (await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata')).currentDetails ?? '';
    assert.match(details, new RegExp(`\\*\\*Status:\\*\\* paused — waiting for sub-run ${subRunId.replace(/\./g, '\\.')}: a confirmation of pay`));

    const done = await agent.answerRun({ runId: paused.runId, answers: [{ id: requirement!.id, approve: true }] });
    assert.equal(done.status, RunStatus.completed);
    assert.equal(done.output, 'The treasurer paid 500.');
    assert.deepEqual(done.requirements, []);
    const inner = await getRunOutput(subRunId, { client: h().client });
    assert.equal(inner.status, RunStatus.completed);
    assert.equal(inner.output, 'inner: paid 500');
    // Nothing ran twice: one payment, two model calls per run.
    assert.deepEqual(payments, [500]);
    const turns = h().fake.requests.map((r) => r.body.messages[0]?.content);
    assert.deepEqual([turns.filter((t) => t === OUTER).length, turns.filter((t) => t === INNER).length], [2, 2]);
  });

  test('cancelling the outer run while its inner agent waits, then continuing it: the inner approval is asked again and answered through the outer', async () => {
    const agent = h().agent();
    const paused = await agent.do(new Task({ description: OUTER, tools: [approver] }));
    assert.equal(paused.status, RunStatus.paused);
    const subRunId = paused.requirements[0]!.runId!;
    await cancelRun(paused.runId, { client: h().client });
    await waitFor(async () => (await getRunOutput(paused.runId, { client: h().client })).status === RunStatus.cancelled, 'the outer run to close cancelled');
    assert.equal((await getRunOutput(subRunId, { client: h().client })).status, RunStatus.cancelled, 'the waiting sub-run was cancelled with it');

    const again = await agent.continueRun({ runId: paused.runId });
    assert.equal(again.status, RunStatus.paused, 'the continued sub-run waits again, and the outer run shows it');
    assert.deepEqual(again.requirements.map((r) => [r.toolName, r.runId]), [['pay', subRunId]]);
    const done = await agent.answerRun({ runId: again.runId, answers: [{ id: again.requirements[0]!.id, approve: true }] });
    assert.equal(done.status, RunStatus.completed);
    assert.equal(done.output, 'The treasurer paid 500.');
    assert.deepEqual(payments, [500], 'paid once, after the approval');
  });
});
