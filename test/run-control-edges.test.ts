// What a new user trips over when driving runs by id (found by trying the package from outside): a continuation
// must land on the run's own task queue, continue must work right after cancel, a plain Temporal client can start
// agentRun, and bad run ids get typed errors before any request (maxSteps as an upper bound: test/faults.test.ts).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Agent, InvalidRunIdError, cancelRun, getLiveSteps, getRunOutput, streamRun, Task, RunStatus, WORKFLOW_TYPE, type RunOutput } from '../src/index.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import type { AgentRunInput, AgentRunResult } from '../src/index.js';
import { countingTools, ToolCounter } from './helpers/counting-tools.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';

const counter = new ToolCounter();
const tools = countingTools(counter);
const longRunningTask = tools[0]!;

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
});

/** Fails instead of hanging: a continuation on a queue no worker polls would otherwise wait forever. */
function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  return Promise.race([work, sleep(ms).then(() => Promise.reject(new Error(`${what} did not finish within ${ms} ms`)))]);
}

async function startAndCancelInTool(agent: Agent, seconds: number): Promise<string> {
  h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'long_running_task', input: { seconds } }]), textTurn('done')]));
  const handle = await agent.start(new Task({ description: `Call long_running_task with ${seconds} seconds.`, tools: [longRunningTask] }));
  await waitFor(() => counter.started.get(`long_running_task:${seconds}`) === 1, 'the tool to start');
  return handle.runId;
}

describe('continue by run id alone', () => {
  test("a continuation runs on the run's own task queue, not the continuing Agent's default", async () => {
    const runId = await startAndCancelInTool(h.agent(), 3);
    const stopped = await cancelRun(runId, { client: h.client, wait: true });
    assert.equal(stopped.status, RunStatus.cancelled);
    // No taskQueue here, and none in the environment: the default queue has no worker.
    const saved = process.env.DURABLE_AGENT_TASK_QUEUE;
    delete process.env.DURABLE_AGENT_TASK_QUEUE;
    try {
      const output = await within(30_000, 'the continuation', new Agent('anthropic/claude-sonnet-4-6', { client: h.client }).continueRun({ runId }));
      assert.equal(output.status, RunStatus.completed);
      assert.equal(counter.completed.get('long_running_task:3'), 1);
      const described = await h.client.workflow.getHandle(runId).describe();
      assert.equal(described.taskQueue, h.taskQueue);
    } finally {
      if (saved !== undefined) process.env.DURABLE_AGENT_TASK_QUEUE = saved;
    }
  });

  test('continueRun({ taskQueue }) moves the continuation where the caller says', async () => {
    const runId = await startAndCancelInTool(h.agent(), 2);
    await cancelRun(runId, { client: h.client, wait: true });
    const elsewhere = `${h.taskQueue}-moved`;
    const handle = await h.agent().startContinueRun({ runId, taskQueue: elsewhere });
    assert.equal((await h.client.workflow.getHandle(runId, handle.executionRunId).describe()).taskQueue, elsewhere);
    // No worker polls there, so nothing would process a cancel: end the execution from the server side.
    await h.client.workflow.getHandle(runId, handle.executionRunId).terminate('test over');
  });
});

describe('cancel, then continue at once', () => {
  test('continueRun right after cancelRun resolves waits for the stop instead of throwing RunStillRunningError', async () => {
    const agent = h.agent();
    const runId = await startAndCancelInTool(agent, 4);
    await cancelRun(runId, { client: h.client });
    const output = await within(30_000, 'continue after cancel', agent.continueRun({ runId }));
    assert.equal(output.status, RunStatus.completed);
    assert.deepEqual(
      output.stepResults.map((s) => `${s.index} ${s.name}: ${s.status} (x${s.execution})`),
      ['0 model: completed (x1)', '1 tool:long_running_task: cancelled (x1)', '1 tool:long_running_task: completed (x2)', '2 model: completed (x2)'],
    );
    assert.deepEqual(h.fake.requests.map((r) => r.turn), [0, 1], 'the completed model turn was not asked again');
  });

  test('cancelRun(id, { wait: true }) resolves once the run stopped, with its output', async () => {
    const runId = await startAndCancelInTool(h.agent(), 5);
    const output: RunOutput = await cancelRun(runId, { client: h.client, wait: true });
    assert.equal(output.runId, runId);
    assert.equal(output.status, RunStatus.cancelled);
    assert.equal((await h.client.workflow.getHandle(runId).describe()).status.name, 'CANCELLED');
    assert.equal(counter.aborted.get('long_running_task:5'), 1, 'the tool saw its abort before cancelRun resolved');
  });
});

describe('agentRun from a plain Temporal client', () => {
  test('starts with the documented AgentRunInput and returns an AgentRunResult', async () => {
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'lookup', input: { key: 'plain' } }]), textTurn('Found value-of-plain.')]));
    const input: AgentRunInput = { task: { description: 'Look up plain.', tools: [{ name: 'lookup' }] }, model: 'claude-sonnet-4-6' };
    const workflowId = `plain-client-${process.pid}`;
    const result = await h.client.workflow.execute<(i: AgentRunInput) => Promise<AgentRunResult>>(WORKFLOW_TYPE, {
      workflowId,
      taskQueue: h.taskQueue,
      args: [input],
    });
    assert.deepEqual(result, { output: 'Found value-of-plain.', stopReason: 'end_turn', steps: 3 });
    // Every durable-agent operation works on it: it is a run like any other.
    const output = await getRunOutput(workflowId, { client: h.client });
    assert.deepEqual(output.stepResults.map((s) => s.name), ['model', 'tool:lookup', 'model']);
  });
});

describe('bad run ids', () => {
  const tooLong = 'r'.repeat(2000);
  const cases: Array<[string, string, RegExp]> = [
    ['', 'empty', /Invalid run id "": it is empty/],
    [tooLong, 'too long', /Invalid run id "r{40}…": it is 2000 bytes long; Temporal takes at most 1000/],
    ['run-\uD800', 'a lone surrogate', /lone UTF-16 surrogate/],
  ];
  for (const [runId, what, message] of cases) {
    test(`${what}: cancelRun, getRunOutput, getLiveSteps, continueRun and streamRun throw InvalidRunIdError`, async () => {
      const options = { client: h.client };
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['cancelRun', () => cancelRun(runId, options)],
        ['getRunOutput', () => getRunOutput(runId, options)],
        ['getLiveSteps', () => getLiveSteps(runId, options)],
        ['continueRun', () => h.agent().continueRun({ runId })],
        ['streamRun', () => streamRun(runId, options).next()],
      ];
      for (const [name, call] of calls) {
        await assert.rejects(call(), (err: unknown) => {
          assert.ok(err instanceof InvalidRunIdError, `${name}: ${String(err)}`);
          assert.match(err.message, message, name);
          return true;
        });
      }
    });
  }

  test('a custom run id Temporal would refuse is refused at start, before anything is sent', async () => {
    const agent = h.agent({ newRunId: () => tooLong });
    await assert.rejects(agent.start(new Task('Say hi.')), (err: unknown) => err instanceof InvalidRunIdError && /2000 bytes/.test(err.message));
    assert.equal(h.fake.requests.length, 0);
  });
});
