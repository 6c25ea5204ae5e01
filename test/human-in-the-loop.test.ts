// Human-in-the-loop pauses and forks, on the time-skipping server: a paused run waits durably (simulated days cost
// no wall time), a Temporal update from any process resolves it, and a fork reuses earlier steps from history.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Client } from '@temporalio/client';
import { z } from 'zod';
import { tool, InvalidRequirementError, RunNotPausedError, RunPausedError, getRunOutput, Task, RunStatus } from '../src/index.js';
import type { Agent } from '../src/index.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import { startHarness, type Harness } from './helpers/harness.js';
import { ROOT } from './helpers/servers.js';

const run = promisify(execFile);
const calls: Array<{ tool: string; input: unknown }> = [];
const DAY = 24 * 60 * 60 * 1000;

const transfer = tool({
  name: 'transfer',
  description: 'Moves money; needs a human to confirm.',
  input: z.object({ amount: z.number() }),
  requiresConfirmation: true, // the deprecated spelling of human: { kind: 'confirmation' }, still accepted
  run: (input) => {
    calls.push({ tool: 'transfer', input });
    return `transferred ${input.amount}`;
  },
});

const book = tool({
  name: 'book',
  description: 'Books a flight; a human picks the seat.',
  input: z.object({ flight: z.string(), seat: z.string().optional() }),
  human: { kind: 'userInput', schema: z.object({ seat: z.string().regex(/^\d{1,2}[A-F]$/, 'a seat like 12C') }) },
  run: (input) => {
    calls.push({ tool: 'book', input });
    return `booked ${input.flight} seat ${input.seat ?? '?'}`;
  },
});

const approveDeploy = tool({
  name: 'approve_deploy',
  description: 'Runs in the operator console, not on the worker.',
  input: z.object({ service: z.string() }),
  // No run: its result always comes from outside the worker.
  human: { kind: 'externalExecution' },
});

const add = tool({
  name: 'add',
  description: 'Adds two numbers.',
  input: z.object({ a: z.number(), b: z.number() }),
  run: ({ a, b }) => {
    calls.push({ tool: 'add', input: { a, b } });
    return String(a + b);
  },
});

let h: Harness;
// A plain client: the time-skipping client's result() lets the server skip time while a paused run waits for a human,
// which would fast-forward it to its timeout. Here simulated time passes only where a test says so (env.sleep).
let client: Client;
const newAgent = (): Agent => h.agent({ client });
before(async () => {
  h = await startHarness({ server: 'time-skipping', tools: [transfer, book, approveDeploy, add] });
  client = new Client({ connection: h.env.connection });
});
after(async () => {
  await h?.close();
});
beforeEach(() => {
  calls.length = 0;
  h.fake.reset();
});

function toolResultOf(requestIndex: number): { content: unknown; is_error?: boolean } {
  const messages = h.fake.requests[requestIndex]!.body.messages;
  const last = messages[messages.length - 1]!;
  assert.ok(Array.isArray(last.content));
  const block = last.content.find((b) => b.type === 'tool_result');
  assert.ok(block && block.type === 'tool_result', 'the request carries a tool_result');
  return { content: block.content, ...(block.is_error !== undefined ? { is_error: block.is_error } : {}) };
}

describe('human in the loop', () => {
  test('a confirmation that arrives after 3 simulated days', async () => {
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'transfer', input: { amount: 250 } }]), textTurn('Transfer done.')]));
    const agent = newAgent();
    const paused = await agent.do(new Task({ description: 'Transfer 250.', tools: [transfer] }));
    assert.equal(paused.status, RunStatus.paused, JSON.stringify(paused.error));
    assert.equal(paused.isPaused, true);
    assert.equal(paused.requirements.length, 1);
    const [requirement] = paused.requirements;
    assert.equal(requirement!.kind, 'confirmation');
    assert.equal(requirement!.toolName, 'transfer');
    assert.deepEqual(requirement!.toolInput, { amount: 250 });

    const wallStart = Date.now();
    await h.env.sleep(3 * DAY);
    const later = await getRunOutput(paused.runId, { client: h.client });
    assert.equal(later.status, RunStatus.paused, `still paused after 3 days: ${JSON.stringify(later.error)}`);
    assert.deepEqual(calls, [], 'nothing ran while paused');
    await assert.rejects(agent.continueRun({ runId: paused.runId }), RunPausedError);

    const done = await agent.continueRun({ runId: paused.runId, requirements: [{ id: requirement!.id, approve: true }] });
    assert.equal(done.status, RunStatus.completed);
    assert.equal(done.output, 'Transfer done.');
    assert.equal(done.executions, 1, 'a pause is not a new execution');
    assert.deepEqual(calls, [{ tool: 'transfer', input: { amount: 250 } }]);
    const modelEnd = Date.parse(done.stepResults[0]!.endedAt!);
    const toolStart = Date.parse(done.stepResults[1]!.startedAt!);
    assert.ok(toolStart - modelEnd >= 3 * DAY, `the tool ran ${toolStart - modelEnd} ms of server time after the model asked`);
    assert.ok(Date.now() - wallStart < 60_000, 'three simulated days did not take real days');
    assert.deepEqual(toolResultOf(1), { content: 'transferred 250', is_error: false });
  });

  test('a rejection reaches the model as a tool_result saying so', async () => {
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'transfer', input: { amount: 9999 } }]), textTurn('Understood, no transfer.')]));
    const agent = newAgent();
    const paused = await agent.do(new Task({ description: 'Transfer 9999.', tools: [transfer] }));
    const done = await agent.continueRun({
      runId: paused.runId,
      requirements: [{ id: paused.requirements[0]!.id, approve: false, note: 'too large' }],
    });
    assert.equal(done.status, RunStatus.completed);
    assert.deepEqual(calls, [], 'a rejected call never runs');
    const result = toolResultOf(1);
    assert.equal(result.is_error, true);
    assert.match(String(result.content), /rejected.*too large/);
  });

  test('user input is validated against its schema; bad input is refused and the run stays paused', async () => {
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'book', input: { flight: 'LH400' } }]), textTurn('Booked.')]));
    const agent = newAgent();
    const paused = await agent.do(new Task({ description: 'Book LH400.', tools: [book] }));
    assert.equal(paused.requirements[0]!.kind, 'userInput');
    const id = paused.requirements[0]!.id;

    await assert.rejects(agent.continueRun({ runId: paused.runId, requirements: [{ id, values: { seat: 'window please' } }] }), (err: unknown) => {
      assert.ok(err instanceof InvalidRequirementError);
      assert.match(err.message, /a seat like 12C/);
      return true;
    });
    await assert.rejects(agent.continueRun({ runId: paused.runId, requirements: [{ id, approve: true }] }), InvalidRequirementError);
    await assert.rejects(agent.continueRun({ runId: paused.runId, requirements: [{ id: 'toolu_nope', values: { seat: '1A' } }] }), InvalidRequirementError);
    assert.equal((await getRunOutput(paused.runId, { client: h.client })).status, RunStatus.paused);
    assert.deepEqual(calls, []);

    const done = await agent.continueRun({ runId: paused.runId, requirements: [{ id, values: { seat: '12C' } }] });
    assert.equal(done.status, RunStatus.completed);
    assert.deepEqual(calls, [{ tool: 'book', input: { flight: 'LH400', seat: '12C' } }]);
  });

  test('an external tool result submitted from another process', async () => {
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'approve_deploy', input: { service: 'api' } }]), textTurn('Deploy approved.')]));
    const paused = await newAgent().do(new Task({ description: 'Get the api deploy approved.', tools: [approveDeploy] }));
    assert.equal(paused.requirements[0]!.kind, 'externalExecution');

    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'test/helpers/submit-external-result.ts', h.env.address, h.taskQueue, paused.runId, paused.requirements[0]!.id, '{"approved":true,"by":"ops"}'],
      { cwd: ROOT, timeout: 60_000 },
    );
    const child = JSON.parse(stdout.trim().split('\n').pop()!) as { status: string; output: string; pid: number };
    assert.notEqual(child.pid, process.pid);
    assert.equal(child.status, 'completed');
    assert.equal(child.output, 'Deploy approved.');
    assert.deepEqual(toolResultOf(1), { content: '{"approved":true,"by":"ops"}', is_error: false });
  });
});

describe('fork', () => {
  test('a fork from step 2 of a completed run reuses steps 0-1 without new requests', async () => {
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'add', input: { a: 2, b: 3 } }]), textTurn('The sum is 5.')]));
    const agent = newAgent();
    const original = await agent.do(new Task({ description: 'Add 2 and 3.', tools: [add] }));
    assert.equal(original.status, RunStatus.completed);
    assert.equal(h.fake.requests.length, 2);
    assert.equal(calls.length, 1);

    h.fake.reset();
    h.fake.setResponder(scriptedResponder([textTurn('unused'), textTurn('Forked: the sum is still 5.')]));
    const fork = await agent.continueRun({ runId: original.runId, fromStep: 2 });
    assert.notEqual(fork.runId, original.runId, 'a fork is a new run');
    assert.deepEqual(fork.forkedFrom, { runId: original.runId, executionRunId: original.executionRunId, fromStep: 2 });
    assert.equal(fork.status, RunStatus.completed);
    assert.equal(fork.output, 'Forked: the sum is still 5.');
    assert.deepEqual(h.fake.requests.map((r) => r.turn), [1], 'only step 2 (turn 1) was asked again');
    assert.equal(calls.length, 1, 'the tool of step 1 was not run again');
    // The steps it took over, each marked as the parent's.
    assert.deepEqual(fork.stepResults.slice(0, 2), original.stepResults.slice(0, 2).map((s) => ({ ...s, inheritedFrom: original.runId })));
    assert.equal(fork.stepResults[2]!.index, 2);
    assert.equal(fork.stepResults.length, 3);
    // The parent is untouched.
    assert.equal((await getRunOutput(original.runId, { client: h.client })).output, 'The sum is 5.');
  });
});

describe('explicit operations', () => {
  test('answerRun answers a pause in place; answering it again is RunNotPausedError; forkRun returns the new run', async () => {
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'transfer', input: { amount: 5 } }]), textTurn('Sent 5.')]));
    const agent = newAgent();
    const paused = await agent.do(new Task({ description: 'Transfer 5.', tools: [transfer] }));
    assert.equal(paused.status, RunStatus.paused);
    const answers = [{ id: paused.requirements[0]!.id, approve: true }];
    const done = await agent.answerRun({ runId: paused.runId, answers });
    assert.equal(done.status, RunStatus.completed);
    assert.equal(done.runId, paused.runId);
    assert.equal(done.output, 'Sent 5.');
    assert.equal(done.executions, 1, 'an answer is not a new execution');
    await assert.rejects(agent.answerRun({ runId: paused.runId, answers }), RunNotPausedError);

    h.fake.reset();
    h.fake.setResponder(scriptedResponder([textTurn('unused'), textTurn('Forked: sent 5.')]));
    const fork = await agent.forkRun({ runId: paused.runId, fromStep: 2 });
    assert.notEqual(fork.runId, paused.runId, 'a fork is a new run');
    assert.equal(agent.runId, fork.runId);
    assert.deepEqual(fork.forkedFrom, { runId: paused.runId, executionRunId: done.executionRunId, fromStep: 2 });
    assert.equal(fork.output, 'Forked: sent 5.');
    assert.deepEqual(calls, [{ tool: 'transfer', input: { amount: 5 } }], 'the transfer is inherited, not run again');
  });
});
