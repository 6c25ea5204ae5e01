// A run's time limit is workflow time: on the time-skipping server a 2-hour limit passes in seconds of wall time.
// The run waits for a human (a durable wait, so the server may skip time), its limit passes, it stops like a cancel
// with the reason recorded (`timeout`), and a continuation with a new limit completes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '@temporalio/client';
import { z } from 'zod';
import { tool, getRunOutput, Task, RunStatus } from '../src/index.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import { timeMs, type Timestamp } from '../src/history/decode/state.js';
import { requirementsQuery } from '../src/workflows/definitions.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';

const HOUR = 60 * 60 * 1000;
const calls: number[] = [];
const transfer = tool({
  name: 'transfer',
  description: 'Moves money; needs a human to confirm.',
  input: z.object({ amount: z.number() }),
  human: { kind: 'confirmation' },
  run: ({ amount }) => {
    calls.push(amount);
    return `transferred ${amount}`;
  },
});

let h: Harness;
// A plain client for the Agent: only the time-skipping client's result() (used where the test means it) skips time.
let client: Client;
before(async () => {
  h = await startHarness({ server: 'time-skipping', tools: [transfer] });
  client = new Client({ connection: h.env.connection });
});
after(async () => {
  await h?.close();
});

const eventMs = (event: { eventTime?: Timestamp } | undefined): number => timeMs(event?.eventTime)!;

describe('a run-level time limit (deadline) in workflow time', () => {
  test('a 2-hour limit stops a waiting run with reason timeout; a continuation with a new limit completes', async () => {
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'transfer', input: { amount: 250 } }]), textTurn('Transfer done.')]));
    const agent = h.agent({ client });
    const wallStart = Date.now();
    const paused = await agent.do(new Task({ description: 'Transfer 250.', tools: [transfer], limits: { timeoutMs: 2 * HOUR } }));
    assert.equal(paused.status, RunStatus.paused, JSON.stringify(paused.error));

    // The time-skipping client's result() lets the server skip to the limit's timer.
    await h.env.client.workflow.getHandle(paused.runId, paused.executionRunId).result().catch(() => undefined);
    const stopped = await getRunOutput(paused.runId, { client });
    const wallMs = Date.now() - wallStart;
    assert.equal(stopped.status, RunStatus.cancelled, JSON.stringify(stopped.error));
    assert.equal(stopped.isCancelled, true);
    assert.equal(stopped.error, undefined, 'a stop is not an error');
    assert.equal(stopped.stop?.reason, 'timeout');
    assert.equal(stopped.stop?.mode, 'now');
    assert.match(stopped.stop?.message ?? '', /time limit of 2 h/);
    assert.deepEqual(calls, [], 'the gated call never ran');
    const history = await h.env.client.workflow.getHandle(paused.runId, paused.executionRunId).fetchHistory();
    const events = history.events ?? [];
    const workflowMs = eventMs(events[events.length - 1]) - eventMs(events[0]);
    assert.ok(workflowMs >= 2 * HOUR && workflowMs < 2 * HOUR + 10 * 60_000, `stopped after ${workflowMs} ms of workflow time`);
    assert.ok(wallMs < 60_000, `two simulated hours took ${wallMs} ms of wall time`);
    const described = await client.workflow.getHandle(paused.runId, paused.executionRunId).describe();
    assert.deepEqual((described.memo as { stop?: unknown }).stop, stopped.stop, 'the stop is in the memo `list` prints');

    // Continue with a new, longer limit: it pauses at the same call again; the answer lets it complete.
    const next = await agent.startContinueRun({ runId: paused.runId, limits: { timeoutMs: 8 * HOUR } });
    const handle = client.workflow.getHandle(next.runId, next.executionRunId);
    await waitFor(async () => (await handle.query(requirementsQuery)).length === 1, 'the continuation to wait for the confirmation');
    const [requirement] = await handle.query(requirementsQuery);
    const done = await agent.answerRun({ runId: paused.runId, answers: [{ id: requirement!.id, approve: true }] });
    assert.equal(done.status, RunStatus.completed, JSON.stringify(done.error));
    assert.equal(done.output, 'Transfer done.');
    assert.equal(done.stop, undefined);
    assert.equal(done.executions, 2);
    assert.deepEqual(calls, [250]);
  });
});
