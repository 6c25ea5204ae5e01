// durable-agent/workflow in a user's own workflows, on a plain Worker.create + DurableAgentPlugin against the real dev
// server: the ids it starts children under are checked as the client checks them (a start the server refuses would
// fail the workflow task, and so hang the workflow), a refusal of the continuation planner arrives as the
// ApplicationFailure README describes, and the plugin registered twice says so.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { PluginRegisteredTwiceError } from '../src/index.js';
import { FakeAnthropicServer, textTurn } from '../src/testing/index.js';
import { DurableAgentPlugin } from '../src/worker/index.js';
import { ROOT, startLocal } from './helpers/servers.js';
import { withDeadline } from './helpers/worker-process.js';

const WORKFLOWS = join(ROOT, 'test', 'fixtures', 'agent-workflows.ts');
const taskQueue = `workflow-helpers-${process.pid}`;
const quiet = (): void => undefined;
const logger = { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: console.error, log: quiet };

let env: TestWorkflowEnvironment;
let fake: FakeAnthropicServer;
let worker: Worker;
let running: Promise<void>;

/** The failure a user workflow ended with (it must fail, and soon: a hang fails the test). */
async function failureOf(workflow: string, workflowId: string, arg: string): Promise<unknown> {
  const run = env.client.workflow.execute(workflow, { workflowId, taskQueue, args: [arg] });
  const err = await withDeadline(run, 30_000, `${workflow} to close`).then(
    (value) => assert.fail(`${workflow} ended with ${JSON.stringify(value)}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof WorkflowFailedError, `failed as a workflow: ${String(err)}`);
  return err.cause;
}

before(async () => {
  env = await startLocal();
  fake = await FakeAnthropicServer.start();
  fake.setResponder(() => textTurn('hi'));
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS, plugins: [new DurableAgentPlugin({ tracing: false })], logger });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { code },
    plugins: [new DurableAgentPlugin({ tracing: false, dataConverter: {}, anthropic: { baseURL: fake.url, apiKey: 'test-key' } })],
  });
  running = worker.run();
});

after(async () => {
  worker?.shutdown();
  await running;
  await fake?.close();
  await env?.teardown();
});

describe('durable-agent/workflow in a user workflow', () => {
  test('startAgentRun with a run id Temporal would refuse fails the workflow with InvalidRunIdError, at once', async () => {
    for (const [what, runId] of [
      ['1001 bytes', 'r'.repeat(1001)],
      ['501 two-byte characters (1002 bytes)', 'é'.repeat(501)],
      ['empty', ' '],
    ] as const) {
      const cause = await failureOf('startUnder', `start-bad-id-${what.length}-${runId.length}`, runId);
      assert.ok(cause instanceof ApplicationFailure, `${what}: ${String(cause)}`);
      assert.equal(cause.type, 'InvalidRunIdError', what);
      assert.equal(cause.nonRetryable, true, what);
      assert.match(cause.message, /^Invalid run id ".*": (it is \d+ bytes long; Temporal takes at most 1000|it is empty)\.$/, what);
    }
    // The longest id Temporal takes still starts.
    const ok = await env.client.workflow.execute('startUnder', { workflowId: 'start-id-1000', taskQueue, args: ['r'.repeat(1000)] });
    assert.equal(ok, 'completed');
  });

  test('continueAgentRun of a completed run: an ApplicationFailure of type RunAlreadyCompletedError, as README says', async () => {
    assert.equal(await env.client.workflow.execute('startUnder', { workflowId: 'start-done', taskQueue, args: ['done-run'] }), 'completed');
    const cause = await failureOf('continueOf', 'continue-done', 'done-run');
    assert.ok(cause instanceof ApplicationFailure, `not wrapped in an ActivityFailure: ${String(cause)}`);
    assert.equal(cause.type, 'RunAlreadyCompletedError');
    assert.equal(cause.nonRetryable, true);
    assert.match(cause.message, /Run "done-run" already completed/);
    // A run id no run can have is refused the same way, before any activity.
    const bad = await failureOf('continueOf', 'continue-bad-id', 'x'.repeat(1001));
    assert.ok(bad instanceof ApplicationFailure && bad.type === 'InvalidRunIdError', String(bad));
  });
});

describe('DurableAgentPlugin registered twice', () => {
  test('on one worker (twice in plugins, or on its connection too): PluginRegisteredTwiceError, not a bundler error', async () => {
    const plugin = new DurableAgentPlugin({ tracing: false });
    for (const plugins of [[plugin, plugin], [plugin, new DurableAgentPlugin({ tracing: false })]]) {
      await assert.rejects(
        Worker.create({ connection: env.nativeConnection, taskQueue: `${taskQueue}-twice`, workflowsPath: WORKFLOWS, plugins }),
        (err: unknown) => err instanceof PluginRegisteredTwiceError && /DurableAgentPlugin is registered 2 times/.test(err.message),
      );
    }
    // Plugins of the worker's NativeConnection reach the worker too.
    const connection = await NativeConnection.connect({ address: env.address, plugins: [new DurableAgentPlugin({ tracing: false })] });
    try {
      await assert.rejects(
        Worker.create({ connection, taskQueue: `${taskQueue}-twice`, workflowsPath: WORKFLOWS, plugins: [new DurableAgentPlugin({ tracing: false })] }),
        PluginRegisteredTwiceError,
      );
    } finally {
      await connection.close();
    }
  });

  test('in bundleWorkflowCode: PluginRegisteredTwiceError', async () => {
    await assert.rejects(
      bundleWorkflowCode({ workflowsPath: WORKFLOWS, plugins: [new DurableAgentPlugin({ tracing: false }), new DurableAgentPlugin({ tracing: false })], logger }),
      (err: unknown) => err instanceof PluginRegisteredTwiceError && /registered 2 times/.test(err.message),
    );
  });
});
