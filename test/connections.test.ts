// Connecting as the `temporal` CLI does (@temporalio/envconfig): a worker, a client and the CLI configured only by the
// environment (API key + mTLS files) or by a profile of a TOML config file reach the real dev server through a
// TLS-terminating gRPC proxy (nginx) that requires a client certificate of the test's CA and the API key.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { Agent, closeConnections, ConnectionConfigError, ConnectionFailedError, Task } from '../src/index.js';
import { getClient } from '../src/client/connection.js';
import { CONNECT_TIMEOUT_MS, temporalConnectionSettings } from '../src/config/environment.js';
import { scriptedResponder, textTurn, FakeAnthropicServer } from '../src/testing/index.js';
import { createWorker } from '../src/worker/index.js';
import { workflowBundle } from './helpers/bundle.js';
import { finished, killCliProcesses, startCli } from './helpers/cli-process.js';
import { startLocal } from './helpers/servers.js';
import { makeCa, makeLeaf, SERVER_NAME, startTlsProxy, tlsProxyUnavailable, type TlsProxy } from './helpers/tls-proxy.js';

const API_KEY = 'test-api-key-0123456789';
const unavailable = tlsProxyUnavailable();

/** Every connection variable the suite sets, so each test starts from exactly the environment it states. */
const CONNECTION_VARS = [
  'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_API_KEY', 'TEMPORAL_TLS', 'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CLIENT_KEY_PATH', 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  'TEMPORAL_TLS_CLIENT_CERT_DATA', 'TEMPORAL_TLS_CLIENT_KEY_DATA', 'TEMPORAL_TLS_SERVER_CA_CERT_DATA',
  'TEMPORAL_CONFIG_FILE', 'TEMPORAL_PROFILE',
];

function setConnectionEnv(vars: Record<string, string>): void {
  for (const name of CONNECTION_VARS) delete process.env[name];
  Object.assign(process.env, vars);
}

async function elapsed<T>(fn: () => Promise<T>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    await fn();
    return { error: undefined, ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
}

/** A client (getClient) and a worker (createWorker) connecting with the current environment both fail, each within `limitMs`. */
async function clientAndWorkerFail(t: TestContext, limitMs: number): Promise<ConnectionFailedError[]> {
  const attempts: [string, () => Promise<unknown>][] = [
    ['client', () => getClient()],
    ['worker', () => createWorker({ tracing: false, workflowBundle: { code: '' } })],
  ];
  const errors: ConnectionFailedError[] = [];
  for (const [who, connect] of attempts) {
    const { error, ms } = await elapsed(connect);
    assert.ok(error instanceof ConnectionFailedError, `${who}: ${String(error)}`);
    assert.ok(ms < limitMs, `${who} failed after ${Math.round(ms)} ms`);
    t.diagnostic(`${who} after ${Math.round(ms)} ms: ${String(error)}`);
    errors.push(error);
  }
  return errors;
}

describe('connections from the environment and config profiles (mTLS + API key proxy)', { skip: unavailable }, () => {
  let env: TestWorkflowEnvironment;
  let fake: FakeAnthropicServer;
  let proxy: TlsProxy;
  let dir: string;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let goodEnv: Record<string, string>;
  let files: { ca: string; client: { cert: string; key: string }; rogue: { cert: string; key: string } };
  const taskQueue = `connections-${process.pid}`;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'durable-agent-tls-'));
    const ca = makeCa(dir, 'cluster');
    const server = makeLeaf(dir, 'server', ca, 'server');
    const client = makeLeaf(dir, 'client', ca, 'client');
    // Same shape, signed by a CA the proxy does not trust.
    const rogue = makeLeaf(dir, 'rogue-client', makeCa(dir, 'rogue'), 'client');
    files = { ca: ca.cert, client, rogue };
    env = await startLocal();
    fake = await FakeAnthropicServer.start();
    proxy = await startTlsProxy({ dir, upstream: env.address, server, clientCa: ca.cert, apiKey: API_KEY });
    goodEnv = {
      TEMPORAL_ADDRESS: proxy.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_API_KEY: API_KEY,
      TEMPORAL_TLS_CLIENT_CERT_PATH: client.cert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: client.key,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca.cert,
      TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
    };
    process.env.DURABLE_AGENT_TASK_QUEUE = taskQueue;
  });

  after(async () => {
    killCliProcesses();
    worker?.shutdown();
    await running?.catch(() => undefined);
    await closeConnections();
    await proxy?.stop();
    await fake?.close();
    await env?.teardown();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a worker and a client configured only by the environment run a task end to end through the proxy', async () => {
    setConnectionEnv(goodEnv);
    worker = await createWorker({
      anthropic: { baseURL: fake.url, apiKey: 'test-key' },
      tracing: false,
      workflowBundle: await workflowBundle(undefined, { tracing: false }),
      dataConverter: {},
    });
    running = worker.run();
    fake.setResponder(scriptedResponder([textTurn('Hello over mTLS.')]));
    const output = await new Agent('anthropic/claude-sonnet-4-6', { dataConverter: {} }).do(new Task({ description: 'Say hello.' }));
    assert.equal(output.status, 'completed', String(output.error));
    assert.equal(output.output, 'Hello over mTLS.');
    // The same run, seen directly on the dev server behind the proxy.
    assert.equal((await env.client.workflow.getHandle(output.runId).describe()).status.name, 'COMPLETED');
    const served = proxy.requests();
    for (const method of ['StartWorkflowExecution', 'PollWorkflowTaskQueue', 'RespondActivityTaskCompleted', 'GetWorkflowExecutionHistory']) {
      assert.ok(served.some((line) => line === `200 /temporal.api.workflowservice.v1.WorkflowService/${method}`), `the proxy served ${method}: ${served.join(', ')}`);
    }
    // The history reader's sibling connection carries the certificate and the key too: nothing was refused.
    assert.deepEqual(served.filter((line) => !line.startsWith('200 ')), []);
  });

  test('the CLI reads the same environment: show prints the run through the proxy', async () => {
    setConnectionEnv(goodEnv);
    fake.setResponder(scriptedResponder([textTurn('Shown by the CLI.')]));
    const output = await new Agent('anthropic/claude-sonnet-4-6', { dataConverter: {} }).do(new Task({ description: 'Say something.' }));
    const cli = await finished(startCli({ ...process.env, DURABLE_AGENT_CLI_SOURCE: '1' }, ['show', output.runId]));
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /Shown by the CLI\./);
  });

  test('a profile of a TOML config file (TEMPORAL_CONFIG_FILE + TEMPORAL_PROFILE) connects the same way', async () => {
    const configFile = join(dir, 'temporal.toml');
    writeFileSync(configFile, `[profile.default]
address = "127.0.0.1:1"

[profile.cluster]
address = "${proxy.address}"
namespace = "default"
api_key = "${API_KEY}"

[profile.cluster.tls]
client_cert_path = "${files.client.cert}"
client_key_path = "${files.client.key}"
server_ca_cert_path = "${files.ca}"
server_name = "${SERVER_NAME}"
`);
    setConnectionEnv({ TEMPORAL_CONFIG_FILE: configFile, TEMPORAL_PROFILE: 'cluster' });
    const settings = temporalConnectionSettings();
    assert.equal(settings.address, proxy.address);
    assert.equal(settings.apiKey, API_KEY);
    fake.setResponder(scriptedResponder([textTurn('Hello from a profile.')]));
    const output = await new Agent('anthropic/claude-sonnet-4-6', { dataConverter: {} }).do(new Task({ description: 'Say hello.' }));
    assert.equal(output.status, 'completed', String(output.error));
    assert.equal(output.output, 'Hello from a profile.');
    // Explicit options win over the profile and the environment.
    const explicit = temporalConnectionSettings({ address: env.address, namespace: 'other', tls: false });
    assert.deepEqual([explicit.address, explicit.namespace, explicit.tls], [env.address, 'other', false]);
  });

  test('the *_DATA variants carry the PEM itself; an explicit apiKey wins over TEMPORAL_API_KEY', async () => {
    setConnectionEnv({
      TEMPORAL_ADDRESS: proxy.address,
      TEMPORAL_API_KEY: API_KEY,
      TEMPORAL_TLS_CLIENT_CERT_DATA: readFileSync(files.client.cert, 'utf8'),
      TEMPORAL_TLS_CLIENT_KEY_DATA: readFileSync(files.client.key, 'utf8'),
      TEMPORAL_TLS_SERVER_CA_CERT_DATA: readFileSync(files.ca, 'utf8'),
      TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
    });
    const client = await getClient();
    const { serverVersion } = await client.workflowService.getSystemInfo({});
    assert.match(serverVersion ?? '', /^\d+\.\d+/);
    await assert.rejects(getClient({ apiKey: 'not-the-key' }), (err: unknown) => err instanceof ConnectionFailedError && /PERMISSION_DENIED/.test(err.message));
  });

  test('an untrusted client certificate fails quickly with a readable error, for a client and for a worker', async (t) => {
    setConnectionEnv({ ...goodEnv, TEMPORAL_TLS_CLIENT_CERT_PATH: files.rogue.cert, TEMPORAL_TLS_CLIENT_KEY_PATH: files.rogue.key });
    for (const error of await clientAndWorkerFail(t, 15_000)) {
      assert.match(error.message, new RegExp(`Could not connect to Temporal at ${proxy.address} \\(namespace default, mTLS \\(client certificate\\), API key\\)`));
      assert.ok(!error.message.includes(API_KEY), 'the message never shows the key');
      assert.match(error.message, /refused the client certificate: check TEMPORAL_TLS_CLIENT_CERT_PATH/);
    }
  });

  test('a server the CA does not vouch for fails within the connect deadline, not a hang', async (t) => {
    // The client trusts only the rogue CA, so the proxy's certificate fails the handshake on the client's side.
    setConnectionEnv({ ...goodEnv, TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(dir, 'rogue-ca.pem') });
    await clientAndWorkerFail(t, CONNECT_TIMEOUT_MS + 3_000);
  });

  test('a missing API key is refused by the proxy and reported, not retried forever', async (t) => {
    const { TEMPORAL_API_KEY: _key, ...withoutKey } = goodEnv;
    setConnectionEnv(withoutKey);
    const { error, ms } = await elapsed(() => getClient());
    assert.ok(error instanceof ConnectionFailedError, String(error));
    assert.match(error.message, /PERMISSION_DENIED.*check whether it needs an API key \(TEMPORAL_API_KEY\)/);
    assert.ok(ms < 15_000, `failed after ${Math.round(ms)} ms`);
    t.diagnostic(`after ${Math.round(ms)} ms: ${String(error)}`);
  });

  test('a missing or malformed TLS file is a ConnectionConfigError naming the variable and the file', async () => {
    const missing = join(dir, 'no-such-cert.pem');
    setConnectionEnv({ ...goodEnv, TEMPORAL_TLS_CLIENT_CERT_PATH: missing });
    for (const connect of [(): Promise<unknown> => getClient(), (): Promise<unknown> => createWorker({ tracing: false })]) {
      await assert.rejects(connect(), (err: unknown) => {
        assert.ok(err instanceof ConnectionConfigError, String(err));
        assert.equal(String(err), `ConnectionConfigError: TEMPORAL_TLS_CLIENT_CERT_PATH names ${missing}, which does not exist`);
        return true;
      });
    }
    const cli = await finished(startCli({ ...process.env, DURABLE_AGENT_CLI_SOURCE: '1' }, ['show', 'some-run']));
    assert.equal(cli.code, 4);
    assert.equal(cli.stderr.trim(), `ConnectionConfigError: TEMPORAL_TLS_CLIENT_CERT_PATH names ${missing}, which does not exist`);

    writeFileSync(join(dir, 'not-pem.pem'), 'hello');
    setConnectionEnv({ ...goodEnv, TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(dir, 'not-pem.pem') });
    assert.throws(() => temporalConnectionSettings(), /TEMPORAL_TLS_SERVER_CA_CERT_PATH names .*not-pem\.pem, which is not a PEM server CA certificate/);

    const { TEMPORAL_TLS_CLIENT_KEY_PATH: _k, ...certWithoutKey } = goodEnv;
    setConnectionEnv(certWithoutKey);
    assert.throws(() => temporalConnectionSettings(), /client certificate is set \(TEMPORAL_TLS_CLIENT_CERT_PATH\) but no client private key/);

    // An explicit `tls` replaces the environment's: its files are not read.
    setConnectionEnv({ ...goodEnv, TEMPORAL_TLS_CLIENT_CERT_PATH: missing });
    assert.equal(temporalConnectionSettings({ address: env.address, tls: false }).tls, false);

    setConnectionEnv({ TEMPORAL_CONFIG_FILE: join(dir, 'missing.toml') });
    assert.throws(() => temporalConnectionSettings(), /TEMPORAL_CONFIG_FILE names .*missing\.toml, which does not exist/);
    setConnectionEnv({ TEMPORAL_CONFIG_FILE: join(dir, 'temporal.toml'), TEMPORAL_PROFILE: 'nope' });
    assert.throws(() => temporalConnectionSettings(), (err: unknown) => err instanceof ConnectionConfigError && /Profile 'nope' not found/.test(err.message));
  });
});
