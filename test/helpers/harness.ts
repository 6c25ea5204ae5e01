// One real Temporal server + the fake Anthropic server + a durable-agent worker, wired for a test file.
import { after, before, beforeEach } from 'node:test';
import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { Agent, type AgentOptions } from '../../src/client/agent.js';
import type { Tool } from '../../src/tools/tool-definition.js';
import { createWorker, type CreateWorkerOptions } from '../../src/worker/create-worker.js';
import { otlpEndpointConfigured } from '../../src/worker/tracing.js';
import { FakeAnthropicServer, type FakeAnthropicOptions } from '../../src/testing/fake-anthropic/index.js';
import { workflowBundle } from './bundle.js';
import { startLocal, startTimeSkipping } from './servers.js';

export interface Harness {
  env: TestWorkflowEnvironment;
  client: Client;
  fake: FakeAnthropicServer;
  taskQueue: string;
  agent(options?: AgentOptions): Agent;
  startWorker(overrides?: Partial<CreateWorkerOptions>): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  server?: 'local' | 'time-skipping';
  tools?: Tool[];
  worker?: Partial<CreateWorkerOptions>;
  /** Start without a worker (tests that start/stop it themselves). */
  noWorker?: boolean;
  /** Local server only: also serve the Temporal Web UI on this port. */
  uiPort?: number;
  /** Local server only: the codec endpoint the Web UI decodes payloads with. */
  uiCodecEndpoint?: string;
  /** Used by the worker and by `client` (then a client of its own; `env.client` stays plain). */
  dataConverter?: DataConverter;
  /** Options of the fake Anthropic server (e.g. a small context window). */
  fake?: Omit<FakeAnthropicOptions, 'port'>;
}

let queues = 0;

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const env =
    options.server === 'time-skipping'
      ? await startTimeSkipping()
      : await startLocal({
          ...(options.uiPort ? { uiPort: options.uiPort } : {}),
          ...(options.uiCodecEndpoint ? { uiCodecEndpoint: options.uiCodecEndpoint } : {}),
        });
  const fake = await FakeAnthropicServer.start(options.fake);
  const taskQueue = `agent-test-${process.pid}-${++queues}`;
  // As in production: a worker that traces runs the traced bundle, any other the untraced one.
  const bundles = { traced: await workflowBundle(), untraced: await workflowBundle(undefined, { tracing: false }) };
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const { dataConverter } = options;
  const client = dataConverter ? new Client({ connection: env.connection, namespace: env.namespace ?? 'default', dataConverter }) : env.client;

  const harness: Harness = {
    env,
    client,
    fake,
    taskQueue,
    agent: (agentOptions = {}) => new Agent('anthropic/claude-sonnet-4-6', { client, taskQueue, ...agentOptions }),
    async startWorker(overrides = {}) {
      const tracing = 'tracing' in overrides ? overrides.tracing : options.worker?.tracing;
      const traced = tracing !== undefined ? tracing !== false : otlpEndpointConfigured();
      worker = await createWorker({
        connection: env.nativeConnection,
        taskQueue,
        tools: options.tools ?? [],
        anthropic: { baseURL: fake.url, apiKey: 'test-key' },
        workflowBundle: traced ? bundles.traced : bundles.untraced,
        // Pinned to the client's, so a DURABLE_AGENT_CODEC_KEY in the developer's shell cannot split worker and client.
        dataConverter: dataConverter ?? {},
        ...options.worker,
        ...overrides,
      });
      running = worker.run();
    },
    async stopWorker() {
      if (!worker) return;
      worker.shutdown();
      await running;
      worker = undefined;
      running = undefined;
    },
    async close() {
      await harness.stopWorker();
      await fake.close();
      await env.teardown();
    },
  };
  if (!options.noWorker) await harness.startWorker();
  return harness;
}

/** Resolves once `predicate` holds, polling; fails loudly instead of hanging. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * One harness for a test file: started before its tests, closed after them; before each test the fake forgets its
 * requests and faults and `reset` runs. Returns the harness once started.
 */
export function harnessPerFile(options: HarnessOptions, reset: () => void = () => undefined): () => Harness {
  let h: Harness | undefined;
  before(async () => {
    h = await startHarness(options);
  });
  after(async () => {
    await h?.close();
  });
  beforeEach(() => {
    reset();
    h?.fake.reset();
  });
  return () => {
    if (!h) throw new Error('the harness is not started yet');
    return h;
  };
}
