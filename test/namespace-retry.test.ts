// A client that has worked in its namespace rides out a moment in which the frontend refuses it with
// NamespaceNotFound (what a PostgreSQL restart has caused in the production topology's soaks), and a namespace that
// never existed still fails at once. On the real dev server: the namespace is deleted and registered again under
// the same name while a start waits.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Client, NamespaceNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Agent, closeConnections, Task } from '../src/index.js';
import { startLocal, TEMPORAL_CLI } from './helpers/servers.js';

const run = promisify(execFile);

let env: TestWorkflowEnvironment;

before(async () => {
  env = await startLocal();
});

after(async () => {
  await closeConnections();
  await env?.teardown();
});

/** Registers the namespace with the Temporal CLI, as an operator would. */
async function register(namespace: string): Promise<void> {
  await run(TEMPORAL_CLI, ['operator', 'namespace', 'create', '--address', env.address, '--namespace', namespace]);
}

const address = (): string => env.address;

test('a start in a namespace the client has worked in waits out NamespaceNotFound; one that never existed fails at once', async () => {
  const namespace = `blip-${randomUUID().slice(0, 8)}`;
  await register(namespace);
  const agent = new Agent('anthropic/claude-sonnet-4-6', { address: address(), namespace, taskQueue: 'no-worker' });
  // Nothing serves the queue: the runs only need to be started.
  const first = await agent.start(new Task({ description: 'First run.' }));
  assert.ok(first.runId);

  await env.connection.operatorService.deleteNamespace({ namespace });
  // The moment is real: a client of Temporal's own, without the retry, is refused now.
  const plain = new Client({ connection: env.connection, namespace });
  await assert.rejects(plain.workflow.count(), NamespaceNotFoundError);

  const blipMs = 1_500;
  const started = performance.now();
  const second = agent.start(new Task({ description: 'Second run, started while the namespace is gone.' }));
  await sleep(blipMs);
  await register(namespace);
  const handle = await second;
  const waited = performance.now() - started;
  assert.ok(waited >= blipMs, `the start returned after ${Math.round(waited)} ms, before the namespace was back`);
  const description = await plain.workflow.getHandle(handle.runId).describe();
  assert.equal(description.status.name, 'RUNNING');
  assert.equal(description.runId, handle.executionRunId);

  const never = new Agent('anthropic/claude-sonnet-4-6', { address: address(), namespace: `never-${randomUUID().slice(0, 8)}`, taskQueue: 'no-worker' });
  const t0 = performance.now();
  await assert.rejects(never.start(new Task({ description: 'Nowhere.' })), NamespaceNotFoundError);
  const failedAfter = performance.now() - t0;
  assert.ok(failedAfter < 2_000, `a namespace that never existed failed after ${Math.round(failedAfter)} ms (retried?)`);
});
