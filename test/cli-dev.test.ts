// `durable-agent dev` as a newcomer uses it: one terminal starts the dev server (SQLite file, Web UI, search
// attributes) with a worker and the offline model; another runs a task against it and lists it by session; Ctrl-C
// stops both. Nothing is set up by hand: the run finds the registered search attributes by itself.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { waitFor } from './helpers/harness.js';
import { killCliProcesses, startCli } from './helpers/cli-process.js';
import { freePort } from './helpers/servers.js';

const dir = mkdtempSync(join(tmpdir(), 'durable-agent-dev-'));
after(() => {
  killCliProcesses();
  rmSync(dir, { recursive: true, force: true });
});

function cli(env: NodeJS.ProcessEnv, ...args: string[]): { child: ChildProcess; out: () => string; exit: Promise<number | null> } {
  const p = startCli(env, args);
  // One stream, as a terminal shows it.
  return { child: p.child, out: () => p.stdout() + p.stderr(), exit: p.exit };
}

test('dev starts server + worker with the offline model; run and list work against it; SIGINT stops it', async () => {
  const [port, uiPort, consolePort] = [await freePort(), await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = { ...process.env, TEMPORAL_ADDRESS: `127.0.0.1:${port}`, DURABLE_AGENT_TASK_QUEUE: `dev-test-${process.pid}`, DURABLE_AGENT_CLI_SOURCE: '1' };
  delete env.ANTHROPIC_API_KEY;
  delete env.ANTHROPIC_BASE_URL;
  delete env.OPENAI_API_KEY;
  delete env.DURABLE_AGENT_SEARCH_ATTRIBUTES;
  // Compressed and encrypted payloads: dev gives its Web UI a codec endpoint that the UI may call without a token.
  env.DURABLE_AGENT_CODEC_KEY = randomBytes(32).toString('hex');
  env.DURABLE_AGENT_COMPRESSION = 'zlib';
  delete env.DURABLE_AGENT_CODEC_TOKEN;
  const db = join(dir, 'dev.db');

  const dev = cli(env, 'dev', '--db', db, '--port', String(port), '--ui-port', String(uiPort), '--console-port', String(consolePort));
  await waitFor(() => dev.out().includes('worker: task queue'), 'the dev worker to start', 60_000).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}\n${dev.out()}`);
  });
  assert.match(dev.out(), new RegExp(`Temporal dev server started at 127\\.0\\.0\\.1:${port}; Web UI: http://127\\.0\\.0\\.1:${uiPort}`));
  assert.match(dev.out(), /tools: long_running_task, send_email; model: the offline Anthropic-compatible fake/);
  assert.ok(existsSync(db), 'the dev server keeps its state in the SQLite file');
  const codecUrl =
    /payloads are compressed \(DURABLE_AGENT_COMPRESSION\) and encrypted \(DURABLE_AGENT_CODEC_KEY\); the Web UI reads them through the codec endpoint (http:\/\/127\.0\.0\.1:\d+)/.exec(
      dev.out(),
    )?.[1];
  assert.ok(codecUrl, `dev says where the Web UI reads payloads:\n${dev.out()}`);
  const settings = (await (await fetch(`http://127.0.0.1:${uiPort}/api/v1/settings`)).json()) as { Codec?: { Endpoint?: string } };
  assert.equal(settings.Codec?.Endpoint, codecUrl, 'the Web UI is configured with that codec endpoint');
  const ui = `http://127.0.0.1:${uiPort}`;
  const decode = (origin: string): Promise<Response> =>
    fetch(`${codecUrl}/decode`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: '{"payloads":[]}' });
  assert.equal((await decode(ui)).status, 200, 'the local UI may call it without a token');
  assert.equal((await decode('http://evil.example')).status, 401, 'another origin may not');

  const run = cli(env, 'run', 'Call long_running_task with 1 seconds.', '--session', 'dev-session', '--user', 'dev-user');
  assert.equal(await run.exit, 0, run.out());
  assert.match(run.out(), /output: The long_running_task finished: Completed after 1 seconds\./);
  const runId = /run id: (\S+)/.exec(run.out())![1]!;

  // The same task on openai/: dev's worker serves it from the offline OpenAI-compatible fake.
  assert.match(dev.out(), /openai\/ models: the offline OpenAI-compatible fake at http:\/\/127\.0\.0\.1:\d+/);
  const onOpenAI = cli(env, 'run', 'Call long_running_task with 1 seconds.', '--model', 'openai/gpt-5');
  assert.equal(await onOpenAI.exit, 0, onOpenAI.out());
  assert.match(onOpenAI.out(), /output: The long_running_task finished: Completed after 1 seconds\./);

  let listed = '';
  await waitFor(
    async () => {
      const list = cli(env, 'list', '--session', 'dev-session', '--user', 'dev-user', '--status', 'completed');
      await list.exit;
      listed = list.out();
      return listed.includes(runId);
    },
    'the run to be listed by its search attributes',
    30_000,
  ).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}\n${listed}`);
  });
  assert.match(listed, new RegExp(`${runId}\tcompleted\t`));
  // dev registers DurableAgentModel too: the openai/ run is listed by its model, the Claude one is not.
  const openAIRunId = /run id: (\S+)/.exec(onOpenAI.out())![1]!;
  let byModel = '';
  await waitFor(
    async () => {
      const list = cli(env, 'list', '--model', 'openai/gpt-5');
      await list.exit;
      byModel = list.out();
      return new RegExp(`${openAIRunId}\tcompleted\t`).test(byModel);
    },
    'the openai/ run to be listed by its model',
    30_000,
  ).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}\n${byModel}`);
  });
  assert.doesNotMatch(byModel, new RegExp(runId));

  // dev serves the operator console too, on loopback, reading the same (encrypted, compressed) runs with its key.
  assert.match(dev.out(), new RegExp(`operator console: http://127\\.0\\.0\\.1:${consolePort}`));
  const page = (await (await fetch(`http://127.0.0.1:${consolePort}/api/runs?session=dev-session`)).json()) as { runs: { runId: string; status: string; unreadable?: string }[] };
  const row = page.runs.find((r) => r.runId === runId);
  assert.equal(row?.status, 'completed', `the console lists the run: ${JSON.stringify(page)}`);
  assert.equal(row?.unreadable, undefined, 'and reads its encrypted memo with the key');
  const shown = (await (await fetch(`http://127.0.0.1:${consolePort}/api/runs/${runId}`)).json()) as { run: { output: string }; webUiUrl: string };
  assert.match(shown.run.output, /Completed after 1 seconds/);
  assert.ok(shown.webUiUrl.startsWith(`http://127.0.0.1:${uiPort}/namespaces/default/workflows/${runId}/`), shown.webUiUrl);

  // `durable-agent console` without the key: it lists the run but says it cannot read it, instead of failing.
  const barePort = await freePort();
  const keyless = { ...env };
  delete keyless.DURABLE_AGENT_CODEC_KEY;
  const bare = cli(keyless, 'console', '--port', String(barePort));
  await waitFor(() => bare.out().includes('operator console on'), 'the console to start', 30_000).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}\n${bare.out()}`);
  });
  const barePage = (await (await fetch(`http://127.0.0.1:${barePort}/api/runs?session=dev-session`)).json()) as { runs: { runId: string; unreadable?: string }[] };
  assert.equal(barePage.runs.find((r) => r.runId === runId)?.unreadable, 'encrypted', JSON.stringify(barePage));
  const refused = await fetch(`http://127.0.0.1:${barePort}/api/runs/${runId}`);
  assert.equal(refused.status, 422);
  const { error } = (await refused.json()) as { error: { code: string; message: string } };
  assert.equal(error.code, 'RunEncryptedError');
  assert.match(error.message, /is encrypted .* set DURABLE_AGENT_CODEC_KEY/);
  bare.child.kill('SIGINT');
  assert.equal(await bare.exit, 0, bare.out());

  dev.child.kill('SIGINT');
  assert.equal(await dev.exit, 0, dev.out());
});
