// The foundation: both real Temporal servers start from the project's own installs and run workflows.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { workflowBundle } from './helpers/bundle.js';
import { startLocal, startTimeSkipping } from './helpers/servers.js';

const fixtures = fileURLToPath(new URL('./fixtures/timer-workflows.ts', import.meta.url));
const HOUR = 60 * 60 * 1000;

async function runSleep(env: TestWorkflowEnvironment, ms: number, taskQueue: string): Promise<{ result: string; wallMs: number }> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(fixtures),
  });
  return worker.runUntil(async () => {
    const started = performance.now();
    const result = await env.client.workflow.execute('sleepFor', { taskQueue, workflowId: `sleep-${taskQueue}`, args: [ms] });
    return { result: result as string, wallMs: performance.now() - started };
  });
}

describe('time-skipping test server (Java, from Maven Central)', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startTimeSkipping();
  });
  after(async () => {
    await env?.teardown();
  });

  test('a one-hour workflow timer completes in seconds of wall time', async () => {
    const { result, wallMs } = await runSleep(env, HOUR, 'ts-sleep');
    assert.equal(result, `sleep-ts-sleep slept ${HOUR} ms`);
    assert.ok(wallMs < 5_000, `one simulated hour took ${wallMs} ms of wall time`);
    assert.equal(env.supportsTimeSkipping, true);
  });
});

describe('local dev server (the pinned Temporal CLI)', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await startLocal();
  });
  after(async () => {
    await env?.teardown();
  });

  test('runs a workflow and reports it through visibility', async () => {
    const { result } = await runSleep(env, 50, 'local-sleep');
    assert.equal(result, 'sleep-local-sleep slept 50 ms');
    const description = await env.client.workflow.getHandle('sleep-local-sleep').describe();
    assert.equal(description.status.name, 'COMPLETED');
    assert.equal(description.type, 'sleepFor');
    assert.equal(env.supportsTimeSkipping, false);
  });
});
