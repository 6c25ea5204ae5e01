// The npm package as a user gets it: `npm pack` of a copy of this repository (its prepack builds dist/ and the
// prebuilt workflow bundle), installed into a fresh ESM project that has nothing but registry packages. There the
// library, `durable-agent/testing` and the types resolve, `npx durable-agent --help` works, and a worker started
// from the installed CLI completes a run that a plain script starts with the installed library.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { finished, killCliProcesses, startCli } from './helpers/cli-process.js';
import { waitFor } from './helpers/harness.js';
import { ROOT, startLocal } from './helpers/servers.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'durable-agent-package-'));
const app = join(dir, 'app');
let tarball = '';
let packed: string[] = [];
let env: TestWorkflowEnvironment;

/** A command's output, with both streams in the error when it fails. */
async function sh(file: string, args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    const { stdout } = await run(file, args, { cwd, env: { ...process.env, ...extraEnv }, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

before(async () => {
  // Pack a copy: building dist/ inside the working tree would leave a build the sources' tests could pick up.
  const copy = join(dir, 'repo');
  const files = (await sh('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], ROOT)).split('\0').filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(ROOT, file), join(copy, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  const out = await sh('npm', ['pack', '--json', '--pack-destination', dir], copy);
  const [info] = JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(dir, info!.filename);
  packed = info!.files.map((f) => f.path);

  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'fresh-app', version: '1.0.0', private: true, type: 'module' }));
  // Registry packages only (the npm cache serves what it already has).
  await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball, 'zod'], app);
  env = await startLocal();
});

after(async () => {
  killCliProcesses();
  await env?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

describe('the npm package', () => {
  test('ships the compiled library, its types, the testing entry, the CLI and the prebuilt workflow bundle; no sources or tests', () => {
    for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/testing/index.js', 'dist/testing/index.d.ts', 'dist/worker/index.js', 'dist/worker/index.d.ts', 'dist/workflows/public-entry.js', 'dist/workflows/public-entry.d.ts', 'dist/workflow-bundle.js', 'dist/cli/main.js', 'bin/durable-agent.js', 'README.md', 'package.json']) {
      assert.ok(packed.includes(file), `${file} is in the tarball`);
    }
    assert.deepEqual(packed.filter((f) => /^(src|test|scripts|bench|tools|deploy)\//.test(f)), []);
    assert.ok(readdirSync(join(app, 'node_modules', 'durable-agent', 'dist')).includes('workflow-bundle.js'));
  });

  test('imports in a fresh ESM project: the library, durable-agent/worker, durable-agent/testing and durable-agent/workflow', async () => {
    writeFileSync(
      join(app, 'imports.mjs'),
      `import { createRequire } from 'node:module';
const lib = await import('durable-agent');
// The client entry alone loads no @temporalio/worker (the native core bridge).
const clientOnly = !Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('@temporalio/worker'));
const worker = await import('durable-agent/worker');
const testing = await import('durable-agent/testing');
const workflow = await import('durable-agent/workflow');
const keys = (m) => Object.keys(m).filter((k) => k !== 'default').sort();
console.log(JSON.stringify({ clientOnly, lib: keys(lib), worker: keys(worker), testing: keys(testing), workflow: keys(workflow) }));`,
    );
    const { clientOnly, lib, worker, testing, workflow } = JSON.parse(await sh(process.execPath, ['imports.mjs'], app)) as {
      clientOnly: boolean;
      lib: string[];
      worker: string[];
      testing: string[];
      workflow: string[];
    };
    assert.ok(clientOnly, 'durable-agent loads without @temporalio/worker');
    for (const name of ['agentRun', 'startAgentRun', 'runAgent', 'continueAgentRun']) assert.ok(workflow.includes(name), `durable-agent/workflow exports ${name}`);
    for (const name of ['Agent', 'Task', 'tool', 'cancelRun', 'getRunOutput', 'streamRun', 'RunStatus', 'WORKFLOW_TYPE', 'InvalidRunIdError']) {
      assert.ok(lib.includes(name), `durable-agent exports ${name}`);
    }
    for (const name of ['createWorker', 'DurableAgentPlugin', 'shutdownOnSignals', 'workflowInterceptorModules']) {
      assert.ok(worker.includes(name), `durable-agent/worker exports ${name}`);
      assert.ok(!lib.includes(name), `durable-agent no longer exports ${name}`);
    }
    for (const name of ['FakeAnthropicServer', 'scriptedResponder', 'textTurn', 'toolTurn']) assert.ok(testing.includes(name), `durable-agent/testing exports ${name}`);
  });

  test("its types check under the user's strict TypeScript (NodeNext resolution)", async () => {
    writeFileSync(
      join(app, 'typed.ts'),
      `import { Agent, Task, tool, type RunOutput, type AgentRunInput, type AgentRunResult } from 'durable-agent';
import { FakeAnthropicServer } from 'durable-agent/testing';
import { z } from 'zod';
const t = tool({ name: 'echo', description: 'Echoes.', input: z.object({ text: z.string() }), run: ({ text }) => text.toUpperCase() });
export async function go(): Promise<RunOutput> {
  const input: AgentRunInput = { task: { description: 'hi', tools: [{ name: 'echo' }] }, model: 'claude-sonnet-4-6' };
  const result: AgentRunResult | undefined = undefined;
  void input; void result; void FakeAnthropicServer;
  return new Agent('anthropic/claude-sonnet-4-6').do(new Task({ description: 'Echo hi.', tools: [t] }));
}
`,
    );
    // Every declaration file is checked, durable-agent's included (no skipLibCheck). @temporalio/common's types import
    // 'ms', whose types the SDK does not depend on: the one gap a user fills the same way (or with skipLibCheck).
    writeFileSync(join(app, 'ms-shim.d.ts'), "declare module 'ms' {\n  export type StringValue = string;\n  export default function ms(value: StringValue): number;\n}\n");
    await sh(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--typeRoots', join(ROOT, 'node_modules/@types'), '--types', 'node', 'ms-shim.d.ts', 'typed.ts'],
      app,
    );
  });

  test("a user's workflow importing durable-agent/workflow bundles from the installed package, the plugin adding agentRun", async () => {
    writeFileSync(
      join(app, 'order-workflows.js'),
      `import { startAgentRun } from 'durable-agent/workflow';
export async function handleOrder(id) {
  const agent = await startAgentRun({ model: 'anthropic/claude-sonnet-4-6', task: { description: 'Note for order ' + id, tools: ['check_shipping'] } });
  return (await agent.result()).output;
}
`,
    );
    writeFileSync(
      join(app, 'bundle.mjs'),
      `import { bundleWorkflowCode } from '@temporalio/worker';
import { DurableAgentPlugin } from 'durable-agent/worker';
const quiet = () => undefined;
const { code } = await bundleWorkflowCode({
  workflowsPath: new URL('./order-workflows.js', import.meta.url).pathname,
  plugins: [new DurableAgentPlugin({ tracing: false })],
  logger: { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: console.error, log: quiet },
});
console.log(JSON.stringify({ handleOrder: code.includes('async function handleOrder('), agentRun: /async function agentRun\\(/.test(code) }));`,
    );
    const found = JSON.parse(await sh(process.execPath, ['bundle.mjs'], app)) as { handleOrder: boolean; agentRun: boolean };
    assert.deepEqual(found, { handleOrder: true, agentRun: true });
  });

  test('npx durable-agent --help', async () => {
    const help = await sh('npx', ['--no-install', 'durable-agent', '--help'], app);
    assert.match(help, /^durable-agent <command> \[options\]/);
    assert.match(help, /worker\s+\[--tools MODULE\] \[--offline\]/);
  });

  test('a worker started from the installed CLI completes a run started by a script using the installed library', async () => {
    const taskQueue = `package-test-${process.pid}`;
    const childEnv: NodeJS.ProcessEnv = { ...process.env, TEMPORAL_ADDRESS: env.address, DURABLE_AGENT_TASK_QUEUE: taskQueue };
    delete childEnv.ANTHROPIC_API_KEY;
    delete childEnv.DURABLE_AGENT_CLI_SOURCE;
    // The installed bin itself (what npx runs), so SIGTERM reaches the worker and not an npx wrapper.
    const worker = startCli(childEnv, ['worker', '--offline'], { command: [join(app, 'node_modules/.bin/durable-agent')], cwd: app });
    await waitFor(() => worker.stdout().includes('worker: task queue'), 'the installed worker to start', 60_000).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\n${worker.stdout()}${worker.stderr()}`);
    });
    writeFileSync(
      join(app, 'run.mjs'),
      `import { Agent, Task, tool, sleep, closeConnections } from 'durable-agent';
import { z } from 'zod';
const longRunningTask = tool({
  name: 'long_running_task',
  description: 'A task that takes time to complete.',
  input: z.object({ seconds: z.number().int() }),
  run: async ({ seconds }, { signal }) => { await sleep(seconds * 1000, signal); return 'Completed after ' + seconds + ' seconds'; },
});
const output = await new Agent('anthropic/claude-sonnet-4-6').do(new Task({ description: 'Call long_running_task with 1 seconds.', tools: [longRunningTask] }));
console.log(JSON.stringify({ status: output.status, output: output.output, steps: output.stepResults.map((s) => s.name + ': ' + s.status) }));
await closeConnections();`,
    );
    const result = JSON.parse(await sh(process.execPath, ['run.mjs'], app, { TEMPORAL_ADDRESS: env.address, DURABLE_AGENT_TASK_QUEUE: taskQueue })) as {
      status: string;
      output: string;
      steps: string[];
    };
    assert.equal(result.status, 'completed');
    assert.equal(result.output, 'The long_running_task finished: Completed after 1 seconds.');
    assert.deepEqual(result.steps, ['model: completed', 'tool:long_running_task: completed', 'model: completed']);
    worker.child.kill('SIGTERM');
    const stopped = await finished(worker);
    assert.equal(stopped.code, 0, stopped.stderr);
  });
});
