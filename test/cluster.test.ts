// The production topology as a user starts it: `scripts/cluster.sh up` on a folder of its own (PostgreSQL, two
// Temporal server processes in one cluster, search attributes, the Web UI, two `durable-agent worker --offline`
// processes), then the README's quick start run against it with nothing but TEMPORAL_ADDRESS set, then the run seen
// through the Web UI server's API, then `down`. Loopback only; ports chosen free.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ROOT } from './helpers/servers.js';
import { freeRange } from './soak/cluster.js';

const run = promisify(execFile);
const DIR = join(ROOT, '.data', `cluster-test-${process.pid}`);
const SCRIPT = join(ROOT, 'scripts/cluster.sh');
const QUICK_START = join(DIR, 'quick-start.ts');

let env: NodeJS.ProcessEnv;
let address = '';
let uiUrl = '';
let pgPort = 0;

async function sh(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('bash', [SCRIPT, ...args], { env, cwd: ROOT, timeout: 900_000, maxBuffer: 16 * 1024 * 1024 });
}

before(async () => {
  const ports = await freeRange();
  pgPort = ports.pg;
  address = `127.0.0.1:${ports.base}`;
  const uiPort = ports.ui;
  uiUrl = `http://127.0.0.1:${uiPort}`;
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TEMPORAL_|DURABLE_AGENT_|ANTHROPIC_|CLUSTER_)/.test(k)));
  env = {
    ...clean,
    CLUSTER_DIR: DIR,
    CLUSTER_PORT: String(ports.base),
    CLUSTER_PG_PORT: String(pgPort),
    CLUSTER_UI_PORT: String(uiPort),
    CLUSTER_WORKERS: '2',
  };
});

after(async () => {
  await sh('down').catch(() => undefined);
  rmSync(DIR, { recursive: true, force: true });
});

describe('scripts/cluster.sh', () => {
  test('up brings PostgreSQL, two Temporal server processes, the Web UI and two workers up; status says so', { timeout: 900_000 }, async () => {
    const t0 = Date.now();
    const { stderr } = await sh('up');
    console.log(`# cluster.sh up took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.match(stderr, new RegExp(`Temporal frontends ${address.replace(/\./g, '\\.')} `));
    const { stdout } = await sh('status');
    assert.match(stdout, /^postgres\s+running/m);
    assert.match(stdout, /^server-1\s+SERVING/m);
    assert.match(stdout, /^server-2\s+SERVING/m);
    assert.match(stdout, /^ui\s+running/m);
    assert.equal(stdout.match(/^worker-\d+\s+running/gm)?.length, 2, stdout);
  });

  test('the two server processes are one cluster: every role has two members in the membership table', async () => {
    const psql = join(readFileSync(join(ROOT, '.tools/postgres-bin'), 'utf8').trim(), 'psql');
    const { stdout } = await run(psql, ['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'temporal', '-d', 'temporal', '-At', '-c',
      "select role, count(*) from cluster_membership where last_heartbeat > now() - interval '1 minute' group by role order by role"], {
      env: { ...env, PGPASSWORD: 'temporal' },
    });
    // Roles 1-4: frontend, history, matching, worker.
    assert.deepEqual(stdout.trim().split('\n'), ['1|2', '2|2', '3|2', '4|2']);
  });

  test('the README quick start runs against it unchanged, with only TEMPORAL_ADDRESS set', { timeout: 180_000 }, async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const snippet = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(snippet, 'README.md opens with a TypeScript quick start');
    // The one edit: the package name resolves to this checkout's sources (an installed package resolves it itself).
    writeFileSync(QUICK_START, snippet.replace("from 'durable-agent'", "from '../../src/index.js'"));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', QUICK_START], {
      cwd: ROOT,
      env: { ...env, TEMPORAL_ADDRESS: address },
      timeout: 170_000,
    });
    assert.match(stdout, /Completed after 10 seconds/);
    assert.match(stdout, /model: completed.*tool:long_running_task: cancelled.*tool:long_running_task: completed.*model: completed/s);
  });

  test('the Web UI server shows the run: both executions, found by the session search attribute', async () => {
    const query = encodeURIComponent('DurableAgentSessionId = "session_1"');
    const response = await fetch(`${uiUrl}/api/v1/namespaces/default/workflows?query=${query}`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { executions?: { status: string; type: { name: string } }[] };
    const statuses = (body.executions ?? []).map((e) => e.status).sort();
    assert.deepEqual(statuses, ['WORKFLOW_EXECUTION_STATUS_CANCELED', 'WORKFLOW_EXECUTION_STATUS_COMPLETED']);
    const page = await fetch(`${uiUrl}/namespaces/default/workflows`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<!doctype html>/i);
  });

  test('down stops every process; status then reports them down', async () => {
    await sh('down');
    await assert.rejects(sh('status'), (err: { stdout?: string }) => /postgres\s+stopped/.test(err.stdout ?? ''));
  });
});
