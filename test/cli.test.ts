// The CLI as a user types it, each command its own OS process against the CLI dev server: `run` in one process,
// `cancel` from another while the tool works, `show`, then `continue` from a third process, and `list` by
// session. The worker (with the example tools) and the fake model live in this test process.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { Task } from '../src/client/task.js';
import { exampleTools, longRunningTask, type LongTaskProgress } from '../src/examples/tools.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/fake-anthropic/index.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { cliEnv, finished, killCliProcesses, startCli, type CliProcess } from './helpers/cli-process.js';
import { ROOT } from './helpers/servers.js';

let h: Harness;
let env: NodeJS.ProcessEnv;

function cli(...args: string[]): CliProcess {
  return startCli(env, args);
}

function cliWith(childEnv: NodeJS.ProcessEnv, ...args: string[]): CliProcess {
  return startCli(childEnv, args);
}

/** The fake's requests of one task (by its first message), so runs of other tests cannot blur the count. */
function requestsFor(task: string) {
  return h.fake.requests.filter((r) => r.body.messages[0]?.content === task);
}

before(async () => {
  h = await startHarness({ tools: exampleTools });
  env = cliEnv(h.env, h.taskQueue);
});
after(async () => {
  killCliProcesses();
  await h?.close();
});

describe('durable-agent CLI, one process per command', () => {
  test('run → cancel from another process → show → continue from a third process → list', async () => {
    h.fake.setResponder(
      scriptedResponder([toolTurn([{ name: 'long_running_task', input: { seconds: 8 } }]), textTurn('The task completed after 8 seconds.')]),
    );
    const session = `cli-session-${process.pid}`;
    // 8 s: long enough that the separate `cancel` process, started once the tool runs, lands before the tool ends even
    // on a loaded machine (3 s was not, with Go builds running beside the suite).
    const run = cli('run', 'Call long_running_task with 8 seconds.', '--session', session, '--user', 'cli-user');
    // The run id comes first, then how to cancel; both before any progress (stdout may arrive in pieces).
    await waitFor(() => /cancel it with: durable-agent cancel \S+\n/.test(run.stdout()), 'the run id and cancel hint', 30_000);
    const runId = /run id: (\S+)/.exec(run.stdout())![1]!;
    assert.match(run.stdout(), new RegExp(`^run id: ${runId}\ncancel it with: durable-agent cancel ${runId}\n`));
    // Plain progress lines (stdout is not a TTY here).
    await waitFor(() => run.stdout().includes('step 1 tool:long_running_task running'), 'the tool step to show as running', 30_000);

    const cancel = await finished(cli('cancel', runId));
    assert.equal(cancel.code, 0, cancel.stderr);
    assert.match(cancel.stdout, new RegExp(`cancellation of ${runId} requested`));

    const ran = await finished(run);
    assert.equal(ran.code, 3, `run exits 3 when cancelled: ${ran.stderr}`);
    assert.match(ran.stdout, /step 0 model completed/);
    assert.match(ran.stdout, /1\s+tool:long_running_task\s+cancelled\s+1/);
    assert.match(ran.stdout, new RegExp(`run ${runId}: cancelled \\(1 execution`));
    assert.match(ran.stdout, new RegExp(`continue it with: durable-agent continue ${runId}`));

    const shown = await finished(cli('show', runId));
    assert.equal(shown.code, 0, shown.stderr);
    const rows = shown.stdout.split('\n').filter((l) => /^\d+\s/.test(l));
    assert.deepEqual(
      rows.map((r) => r.split(/\s{2,}/).slice(0, 4).join(' | ')),
      ['0 | model | completed | 1', '1 | tool:long_running_task | cancelled | 1'],
    );
    assert.match(shown.stdout, /#\s+step\s+status\s+exec\s+duration\s+tokens in\/out/);

    const continued = await finished(cli('continue', runId));
    assert.equal(continued.code, 0, continued.stderr);
    assert.match(continued.stdout, new RegExp(`run id: ${runId} \\(continuing`));
    assert.match(continued.stdout, /1\s+tool:long_running_task\s+completed\s+2/);
    // Live progress of the continuation only: its execution, the re-run tool with its result, the model's answer.
    assert.match(continued.stdout, /execution 2 started/);
    assert.doesNotMatch(continued.stdout, /execution 1 started/);
    assert.match(continued.stdout, /step 1 tool:long_running_task completed \(\d/);
    assert.match(continued.stdout, / {2}result: Completed after 8 seconds/);
    assert.match(continued.stdout, / {2}model: The task completed after 8 seconds\./);
    assert.match(continued.stdout, new RegExp(`run ${runId}: completed \\(2 executions`));
    assert.match(continued.stdout, /output: The task completed after 8 seconds\./);
    assert.deepEqual(requestsFor('Call long_running_task with 8 seconds.').map((r) => r.turn), [0, 1], 'the first model turn was not asked again');

    const again = await finished(cli('continue', runId));
    assert.equal(again.code, 4);
    assert.match(again.stderr, new RegExp(`RunAlreadyCompletedError: Run "${runId}" already completed`));

    // Visibility is eventually consistent: poll until the completed status is indexed.
    let listed = '';
    await waitFor(
      async () => {
        listed = (await finished(cli('list', '--session', session))).stdout;
        return listed.includes(`${runId}\tcompleted`);
      },
      'the run to be listed by session with status completed',
      30_000,
    ).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}; last listing:\n${listed}`);
    });
    assert.match(listed, /Call long_running_task with 8 seconds\./);
    // Both executions of the chain, each with the agent status its search attribute recorded.
    assert.match(listed, new RegExp(`${runId}\tcancelled\t\\S+ CANCELLED`));
    assert.match(listed, new RegExp(`${runId}\tcompleted\t\\S+ COMPLETED`));
    const other = await finished(cli('list', '--session', 'nobody-has-this-session'));
    assert.equal(other.stdout.includes(runId), false);
  });

  test('a paused run: run exits 5 and says how to answer; continue --reject answers from another process; --from-step forks', async () => {
    h.fake.reset();
    h.fake.setResponder(
      scriptedResponder([
        toolTurn([{ name: 'send_email', input: { to: 'bob@example.com', subject: 'Quarterly numbers' } }]),
        textTurn('Understood: the email was not sent.'),
      ]),
    );
    const paused = await finished(cli('run', 'Email Bob the quarterly numbers.'));
    assert.equal(paused.code, 5, `run exits 5 when the run pauses: ${paused.stderr}`);
    const runId = /run id: (\S+)/.exec(paused.stdout)![1]!;
    assert.match(paused.stdout, /paused: confirmation needed for send_email \(id toolu_fake_0_0\)/);
    assert.match(paused.stdout, /waiting for: confirmation of send_email \{"to":"bob@example.com","subject":"Quarterly numbers"\} \(id toolu_fake_0_0, step 1\)/);
    assert.match(paused.stdout, new RegExp(`answer it with: durable-agent continue ${runId} --approve toolu_fake_0_0`));

    const shown = await finished(cli('show', runId));
    assert.match(shown.stdout, new RegExp(`run ${runId}: paused`));

    const badJson = await finished(cli('continue', runId, '--result', 'toolu_fake_0_0=not json'));
    assert.equal(badJson.code, 2);
    assert.match(badJson.stderr, /--result takes <id>=<JSON>; "not json" is not JSON/);

    const answered = await finished(cli('continue', runId, '--reject', 'toolu_fake_0_0', '--note', 'not before the audit'));
    assert.equal(answered.code, 0, answered.stderr);
    assert.match(answered.stdout, /\(resuming, execution/);
    assert.match(answered.stdout, /tool error: The user rejected this call to send_email\. Their note: not before the audit/);
    assert.match(answered.stdout, /output: Understood: the email was not sent\./);

    h.fake.setResponder(scriptedResponder([textTurn('unused'), textTurn('Forked answer.')]));
    const fork = await finished(cli('continue', runId, '--from-step', '2'));
    assert.equal(fork.code, 0, fork.stderr);
    const forkId = /run id: (\S+) \(fork of/.exec(fork.stdout)?.[1];
    assert.ok(forkId && forkId !== runId, `the fork is a new run: ${fork.stdout}`);
    assert.match(fork.stdout, /output: Forked answer\./);
    assert.deepEqual(requestsFor('Email Bob the quarterly numbers.').map((r) => r.turn), [0, 1, 1], 'the fork asked only its step 2 (turn 1) again');
    // The fork's own steps count its own executions; the ones it took over say they are its parent's.
    const forkShown = await finished(cli('show', forkId));
    assert.equal(forkShown.code, 0, forkShown.stderr);
    assert.deepEqual(
      forkShown.stdout.split('\n').filter((l) => /^\d+\s/.test(l)).map((r) => r.split(/\s{2,}/).slice(0, 4).join(' | ')),
      ['0 | model | completed | parent 1', '1 | tool:send_email | completed | parent 1', '2 | model | completed | 1'],
    );
    assert.match(forkShown.stdout, new RegExp(`forked from run ${runId} at step 2`));
  });

  test('worker: refuses to start without ANTHROPIC_API_KEY; --offline answers with the scripted model', async () => {
    const refused = await finished(cli('worker'));
    assert.equal(refused.code, 2, `worker without a key exits 2: ${refused.stdout}${refused.stderr}`);
    assert.match(refused.stderr, /ANTHROPIC_API_KEY is not set.*Set it.*or pass --offline/s);
    assert.doesNotMatch(refused.stdout, /worker: task queue/, 'it never started polling');

    const queue = `offline-${process.pid}`;
    const offlineEnv = { ...env, DURABLE_AGENT_TASK_QUEUE: queue };
    const worker = cliWith(offlineEnv, 'worker', '--offline');
    await waitFor(() => worker.stdout().includes('worker: task queue'), 'the offline worker to start', 30_000);
    assert.match(worker.stdout(), new RegExp(`worker: task queue ${queue},.*model: the offline Anthropic-compatible fake at http://127\\.0\\.0\\.1:\\d+ \\(--offline; answers are scripted\\)`));
    const ran = await finished(cliWith(offlineEnv, 'run', 'Call long_running_task with 1 seconds.'));
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stdout, /output: The long_running_task finished: Completed after 1 seconds\./);
    process.kill(worker.pid, 'SIGTERM');
    assert.equal(await worker.exit, 0, `the worker stops cleanly on SIGTERM: ${worker.stderr()}`);
    // A key and another endpoint: the worker names the endpoint it will call, not "Claude".
    const keyed = cliWith({ ...offlineEnv, ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: h.fake.url }, 'worker');
    await waitFor(() => keyed.stdout().includes('worker: task queue'), 'the keyed worker to start', 30_000);
    assert.match(keyed.stdout(), new RegExp(`model: the Anthropic-compatible endpoint ${h.fake.url.replace(/\./g, '\\.')} \\(ANTHROPIC_BASE_URL`));
    assert.doesNotMatch(keyed.stdout(), /Claude/);
    process.kill(keyed.pid, 'SIGTERM');
    assert.equal(await keyed.exit, 0, keyed.stderr());
    // The library keeps the SDK's INFO chatter out of the CLI's output.
    assert.doesNotMatch(worker.stdout() + worker.stderr(), /Worker state changed|No Nexus services registered|\[INFO\]/);
  });

  test('worker: SIGTERM mid-tool hands the tool to the other worker at once; the run completes, nothing completed runs again', async () => {
    const queue = `handover-${process.pid}`;
    const offlineEnv = { ...env, DURABLE_AGENT_TASK_QUEUE: queue };
    const workers = [cliWith(offlineEnv, 'worker', '--offline'), cliWith(offlineEnv, 'worker', '--offline')];
    await waitFor(() => workers.every((w) => w.stdout().includes('worker: task queue')), 'both offline workers to start', 60_000);
    const handle = await h.agent({ taskQueue: queue }).start(new Task({ description: 'Call long_running_task with 6 seconds.', tools: [longRunningTask] }));
    const toolCall = async () => (await h.client.workflow.getHandle(handle.runId).describe()).raw.pendingActivities?.find((a) => a.activityType?.name === 'callTool');
    let identity = '';
    await waitFor(async () => {
      const pending = await toolCall();
      const payload = pending?.heartbeatDetails?.payloads?.[0];
      const progress = payload ? h.client.options.loadedDataConverter.payloadConverter.fromPayload<LongTaskProgress>(payload) : undefined;
      identity = pending?.lastWorkerIdentity ?? '';
      return (progress?.elapsedMs ?? 0) >= 2000;
    }, 'the tool to report 2 s of progress', 60_000);
    const running = workers.find((w) => identity.startsWith(`${w.pid}@`));
    assert.ok(running, `the tool runs on one of the two workers (${identity})`);
    const other = workers.find((w) => w !== running)!;

    process.kill(running.pid, 'SIGTERM');
    assert.equal(await running.exit, 0, `the worker stops cleanly on SIGTERM: ${running.stderr()}`);
    assert.match(running.stdout(), /worker: SIGTERM: stopped polling; in-flight steps handed back to Temporal/);
    // The other worker must outlive the run: if it ends first, say so now rather than wait for a run nobody serves.
    const otherEnded = other.exit.then((code): never => {
      throw new Error(`the other worker exited (${code}) before the run completed: ${other.stderr()}`);
    });
    const output = await Promise.race([handle.result(), otherEnded]);
    assert.equal(output.status, 'completed', JSON.stringify(output.error));
    assert.equal(output.output, 'The long_running_task finished: Completed after 6 seconds.');
    assert.deepEqual(
      output.stepResults.map((s) => `${s.index} ${s.name}: ${s.status}, attempts ${s.attempts}`),
      ['0 model: completed, attempts 1', '1 tool:long_running_task: completed, attempts 2', '2 model: completed, attempts 1'],
      'only the cut tool ran again, on the other worker',
    );
    const history = await h.client.workflow.getHandle(handle.runId).fetchHistory();
    const started = history.events?.find((e) => e.activityTaskStartedEventAttributes?.attempt === 2)?.activityTaskStartedEventAttributes;
    assert.equal(started?.lastFailure?.applicationFailureInfo?.type, 'WorkerShutdown', 'handed back by the shutdown, not lost to a heartbeat timeout');
    assert.ok(started?.identity?.startsWith(`${other.pid}@`), `the other worker took it over: ${started?.identity}`);
    process.kill(other.pid, 'SIGTERM');
    assert.equal(await other.exit, 0, other.stderr());
  });

  test('bad input gets clear errors and exit codes', async () => {
    // A worker that cannot reach Temporal (checked last): started first, as it takes longest to give up.
    const unreachable = cliWith({ ...env, TEMPORAL_ADDRESS: '127.0.0.1:1' }, 'worker', '--offline');
    const [unknown, noTask, bogus, badOption] = await Promise.all([cli('cancel', 'run-that-does-not-exist'), cli('run'), cli('frobnicate'), cli('run', '--frobnicate', 'Say hello.')].map(finished));
    assert.equal(unknown!.code, 4);
    assert.match(unknown!.stderr, /RunNotFoundError: No run with id "run-that-does-not-exist" was found/);

    assert.equal(noTask!.code, 2);
    assert.match(noTask!.stderr, /missing the task text/);

    assert.equal(bogus!.code, 2);
    assert.match(bogus!.stderr, /unknown command "frobnicate"/);

    assert.equal(badOption!.code, 2, badOption!.stderr);
    assert.match(badOption!.stderr, /Unknown option '--frobnicate'/);
    assert.doesNotMatch(badOption!.stderr, /\bat \S+ \(/, 'a usage error, not a stack trace');

    // One argument layer: every bad value is a usage error, one line naming the flag, exit 2, no stack trace.
    const busy = createServer();
    await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
    const busyPort = String((busy.address() as AddressInfo).port);
    const mcpModule = join(mkdtempSync(join(tmpdir(), 'durable-agent-cli-')), 'missing-mcp.mjs');
    writeFileSync(
      mcpModule,
      `import { connectMcpServer } from ${JSON.stringify(pathToFileURL(join(ROOT, 'src', 'tools', 'mcp-tools.ts')).href)};\n` +
        "export const server = await connectMcpServer({ command: 'durable-agent-no-such-mcp-command' });\n",
    );
    try {
      const refused: Array<[string[], RegExp]> = [
        [['run', '--timeout-ms=-5', 'Say hello.'], /^durable-agent: --timeout-ms takes a whole number above 0, got "-5"/],
        [['run', '--max-output-tokens', 'abc', 'Say hello.'], /^durable-agent: --max-output-tokens takes a whole number above 0, got "abc"/],
        [['run', '--max-steps', '0', 'Say hello.'], /^durable-agent: --max-steps takes a whole number above 0, got "0"/],
        [['run', '--model', 'NoWhere/x', 'Say hello.'], /^durable-agent: --model: Invalid model id "NoWhere\/x"/],
        [['run', '--fallback', 'openai/', 'Say hello.'], /^durable-agent: --fallback: Invalid model id "openai\/"/],
        [['continue', 'run-x', '--model', 'openai/'], /^durable-agent: --model: Invalid model id "openai\/"/],
        [['continue', 'run-x', '--step-budget', 'NaN'], /^durable-agent: --step-budget takes a whole number above 0, got "NaN"/],
        [['continue', 'run-x', '--max-wall-time-ms', '1.5'], /^durable-agent: --max-wall-time-ms takes a whole number above 0, got "1.5"/],
        [['continue', 'run-x', '--max-cost-usd', 'abc'], /^durable-agent: --max-cost-usd takes an amount of US dollars above 0 \(e\.g\. 0\.5\), got "abc"/],
        [['continue', 'run-x', '--from-step', 'two'], /^durable-agent: --from-step takes a whole number from 0, got "two"/],
        [['list', '--limit', 'lots'], /^durable-agent: --limit takes a whole number above 0, got "lots"/],
        [['serve', '--port', 'abc'], /^durable-agent: --port takes a port \(1-65535\), got "abc"/],
        [['codec-server', '--port', '70000'], /^durable-agent: --port takes a port \(1-65535\), got "70000"/],
        [['worker', '--offline', '--metrics-port', '-1'], /^durable-agent: Option '--metrics-port' argument is ambiguous/],
        [['serve', '--port', busyPort], new RegExp(`^durable-agent: --port ${busyPort}: port ${busyPort} is already in use`)],
        [
          ['worker', '--offline', '--tools', mcpModule],
          /^durable-agent: --tools \S+missing-mcp\.mjs could not be loaded: McpServerUnavailableError: MCP server durable-agent-no-such-mcp-command \(durable-agent-no-such-mcp-command\) could not be connected: .*ENOENT/,
        ],
      ];
      // Four processes at a time: each is a user typing one command, and none depends on another.
      const pending = [...refused];
      const check = async (): Promise<void> => {
        for (let next = pending.shift(); next; next = pending.shift()) {
          const [args, message] = next;
          const result = await finished(cli(...args));
          assert.equal(result.code, 2, `${args.join(' ')}: exit ${result.code}: ${result.stderr}`);
          assert.match(result.stderr, message, args.join(' '));
          assert.equal(result.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line: ${result.stderr}`);
        }
      };
      await Promise.all([check(), check(), check(), check()]);
    } finally {
      busy.close();
    }

    // A worker that cannot reach Temporal says so and exits: what it had started (the offline model's server) is closed.
    const exited = await Promise.race([unreachable.exit, delay(60_000, 'still running after 60 s')]);
    assert.equal(exited, 4, `the worker exits 4 (${String(exited)}): ${unreachable.stderr()}`);
    assert.match(unreachable.stderr(), /ConnectionFailedError: Could not connect to Temporal at 127\.0\.0\.1:1/);
  });
});
