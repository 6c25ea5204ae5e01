// Sessions with memory, against the CLI dev server: runs of a session that ask for memory start after the
// conversation of the session's earlier runs — read from Temporal (visibility + history), from any process, in order,
// a cancelled-and-continued run included — while a run of another session, or one that starts fresh, does not.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { exampleTools, longRunningTask } from '../src/examples/tools.js';
import { textTurn, toolTurn, type RecordedRequest } from '../src/testing/index.js';
import { cancelRun, Task, type SessionView } from '../src/index.js';
import { assembleMemory } from '../src/client/session-memory.js';
import type { MessageParam } from '../src/index.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { cliEnv, finished, killCliProcesses, startCli } from './helpers/cli-process.js';

let h: Harness;
let env: NodeJS.ProcessEnv;

const FACT = 'My favourite colour is teal. Remember that.';
const WAIT = 'Call long_running_task with 4 seconds, then say you waited.';
const QUESTION = 'What is my favourite colour?';

function lastUserText(request: RecordedRequest): string {
  const last = request.body.messages.at(-1);
  return typeof last?.content === 'string' ? last.content : '';
}

function text(m: MessageParam | undefined): string {
  if (typeof m?.content === 'string') return m.content;
  return (m?.content ?? []).map((b) => (b.type === 'text' ? b.text : JSON.stringify(b))).join('');
}

/** The fake's request(s) whose newest message is this task (the run's first model call). */
function firstCallOf(task: string): RecordedRequest {
  const found = h.fake.requests.filter((r) => lastUserText(r) === task);
  assert.equal(found.length, 1, `one first call for ${JSON.stringify(task)}`);
  return found[0]!;
}

before(async () => {
  h = await startHarness({ tools: exampleTools });
  h.fake.setResponder((request) => {
    const last = request.body.messages.at(-1);
    if (lastUserText(request) === FACT) return textTurn('Noted: your favourite colour is teal.');
    if (lastUserText(request) === WAIT) return toolTurn([{ name: 'long_running_task', input: { seconds: 4 } }]);
    if (Array.isArray(last?.content) && last.content.some((b) => b.type === 'tool_result')) return textTurn('I waited 4 seconds.');
    const all = JSON.stringify(request.body.messages);
    return textTurn(all.includes('teal') ? 'Your favourite colour is teal.' : 'I do not know your favourite colour.');
  });
  env = cliEnv(h.env, h.taskQueue);
});
after(async () => {
  killCliProcesses();
  await h?.close();
});

describe('sessions with memory', () => {
  const session = `session-${process.pid}`;

  test('a run in another OS process remembers the session, in order, a cancelled-and-continued run included', async () => {
    const agent = h.agent({ sessionId: session, searchAttributes: true });
    const first = await agent.do(new Task(FACT));
    assert.equal(first.status, 'completed');

    // Run 2 of the session is cut mid-tool and continued before run 3 starts.
    const waitTask = new Task({ description: WAIT, tools: [longRunningTask], memory: true });
    const handle = await agent.start(waitTask);
    await waitFor(async () => (await handle.steps()).some((s) => s.name === 'tool:long_running_task' && s.status === 'running'), 'the tool to run');
    await cancelRun(handle.runId, { client: h.client, wait: true });
    const continued = await agent.continueRun({ runId: handle.runId });
    assert.equal(continued.status, 'completed');
    assert.equal(continued.executions, 2);
    // Run 2 remembered run 1 (this process started it: no visibility lag).
    assert.equal(text(firstCallOf(WAIT).body.messages[0]), FACT);

    const cli = await finished(startCli(env, ['run', QUESTION, '--session', session, '--memory']));
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /Your favourite colour is teal\./);

    const messages = firstCallOf(QUESTION).body.messages;
    assert.deepEqual(
      messages.map((m) => m.role),
      ['user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user'],
    );
    assert.equal(text(messages[0]), FACT);
    assert.equal(text(messages[1]), 'Noted: your favourite colour is teal.');
    assert.equal(text(messages[2]), WAIT);
    assert.match(text(messages[3]), /^\[called tool long_running_task \(\S+\) with \{"seconds":4\}\]$/);
    assert.match(text(messages[4]), /^\[result of \S+: Completed after 4 seconds\]$/);
    assert.equal(text(messages[5]), 'I waited 4 seconds.');
    assert.equal(text(messages[6]), QUESTION);

    // The session, read back in order, as a library call and as the CLI prints it from yet another process.
    const view = await agent.readSession();
    assert.deepEqual(view.runs.map((r) => r.task), [FACT, WAIT, QUESTION]);
    assert.deepEqual(view.runs[1]!.remembered, [first.runId]);
    assert.deepEqual(view.runs[2]!.remembered, [first.runId, handle.runId]);
    // Each run's own conversation: run 3's is its question and answer only.
    assert.deepEqual(view.runs[2]!.messages.map(text), [QUESTION, 'Your favourite colour is teal.']);
    const show = await finished(startCli(env, ['session', 'show', session]));
    assert.equal(show.code, 0, show.stderr);
    const at = (s: string): number => show.stdout.indexOf(s);
    assert.ok(at(FACT) >= 0 && at(FACT) < at(WAIT) && at(WAIT) < at(`user: ${QUESTION}`), show.stdout);
    assert.match(show.stdout, /tool long_running_task \{"seconds":4\}/);
  });

  test('a run of another session, and a fresh run in the session, remember nothing', async () => {
    const other = await h.agent({ sessionId: `other-${process.pid}`, searchAttributes: true }).do(new Task({ description: `${QUESTION} (other)`, memory: true }));
    assert.equal(other.output, 'I do not know your favourite colour.');
    assert.equal(firstCallOf(`${QUESTION} (other)`).body.messages.length, 1);

    const fresh = await h.agent({ sessionId: session, searchAttributes: true }).do(new Task(`${QUESTION} (fresh)`));
    assert.equal(fresh.output, 'I do not know your favourite colour.');
    assert.equal(firstCallOf(`${QUESTION} (fresh)`).body.messages.length, 1);
  });

  test('a run the visibility list does not show is found through `include`, and later through the run that remembered it', async () => {
    const hidden = `hidden-${process.pid}`;
    const fact = 'The hidden code word is heron.';
    // Started without the search attributes: the visibility list of the session never shows it (as if it lagged).
    const first = await finished(startCli({ ...env, DURABLE_AGENT_SEARCH_ATTRIBUTES: 'false' }, ['run', fact, '--session', hidden]));
    assert.equal(first.code, 0, first.stderr);
    const firstId = /run id: (\S+)/.exec(first.stdout)![1]!;
    const agent = h.agent({ sessionId: hidden, searchAttributes: true });
    // A run of another session named in `include` is ignored.
    const second = await agent.do(new Task({ description: 'What is the code word? (include)', memory: { include: [firstId, (await h.agent({ sessionId: 'elsewhere', searchAttributes: true }).do(new Task('teal elsewhere'))).runId] } }));
    assert.deepEqual(firstCallOf('What is the code word? (include)').body.messages.map(text), [fact, 'I do not know your favourite colour.', 'What is the code word? (include)']);
    assert.equal(second.status, 'completed');
    // Another process lists only the second run, and finds the first through it.
    const third = await finished(startCli(env, ['run', 'What is the code word? (transitive)', '--session', hidden, '--memory']));
    assert.equal(third.code, 0, third.stderr);
    assert.deepEqual(firstCallOf('What is the code word? (transitive)').body.messages.map(text).filter((t) => t.includes('code word')), [
      fact,
      'What is the code word? (include)',
      'What is the code word? (transitive)',
    ]);
  });

  test('memory without a session, or without the search attributes, is refused before the run starts', async () => {
    await assert.rejects(h.agent({ searchAttributes: true }).do(new Task({ description: 'x', memory: true })), /Task memory needs a session/);
    await assert.rejects(h.agent({ sessionId: session, searchAttributes: false }).do(new Task({ description: 'x', memory: true })), /search attribute/);
    assert.throws(() => new Task({ description: 'x', memory: { maxBytes: 5_000_000 } }), /memory.maxBytes must be a whole number of bytes from 1 to 1000000/);
  });
});

describe('the memory budget', () => {
  const run = (runId: string, words: string, status: 'completed' | 'cancelled' = 'completed'): SessionView['runs'][number] => ({
    runId,
    status,
    startedAt: undefined,
    task: words,
    messages: [],
    rememberable: status === 'completed' ? [{ role: 'user', content: words }, { role: 'assistant', content: 'ok' }] : [],
  });

  test('keeps the most recent whole runs that fit, and names what it dropped and why', () => {
    const view: SessionView = { sessionId: 's', runs: [run('r1', 'a'.repeat(500)), run('r2', 'b'.repeat(100)), run('r3', 'open', 'cancelled'), run('r4', 'c'.repeat(100))] };
    const memory = assembleMemory(view, { maxBytes: 400, exclude: 'r5' });
    assert.deepEqual(memory.runs, [{ runId: 'r2', messages: 2 }, { runId: 'r4', messages: 2 }]);
    assert.deepEqual(memory.messages.map((m) => m.content), ['b'.repeat(100), 'ok', 'c'.repeat(100), 'ok']);
    assert.deepEqual(memory.dropped, [
      { runId: 'r1', reason: 'over the memory budget of 400 bytes' },
      { runId: 'r3', reason: 'no finished answer yet (cancelled)' },
    ]);
    // Once a run does not fit, older ones are dropped even if they would: memory is the latest stretch of the session.
    const tight = assembleMemory({ sessionId: 's', runs: [run('r1', 'a'), run('r2', 'b'.repeat(500)), run('r3', 'c')] }, { maxBytes: 200 });
    assert.deepEqual(tight.runs.map((r) => r.runId), ['r3']);
    assert.deepEqual(tight.dropped.map((r) => r.runId), ['r1', 'r2']);
  });
});
