// Stop and steer on the CLI dev server: cancel "after the current step" keeps the running tool's result and starts
// nothing new; a token budget stops a run mid-way and a raised one lets it complete; a redirect continues a stopped
// run with a user message, and an interrupt stops a running one and continues it with a message in one call. The
// fake model refuses any transcript the Messages API would (400), so every continuation here proves a valid one.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { ContentBlockParam, MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { cancelRun } from '../src/client/run-control.js';
import { outputSummary } from '../src/cli/format.js';
import { Task } from '../src/client/task.js';
import { INTERRUPTED_RESULT } from '../src/history/redirect.js';
import { RunStatus, type StepResult } from '../src/core/types.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/fake-anthropic/index.js';
import { withoutCacheControls } from '../src/testing/fake-anthropic/prompt-cache.js';
import { finished, killCliProcesses, startCli } from './helpers/cli-process.js';
import { countingTools, ToolCounter } from './helpers/counting-tools.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';

const counter = new ToolCounter();
const lookupDelay = { value: 0 };
const tools = countingTools(counter, lookupDelay);
const [longTask, lookup] = tools as [(typeof tools)[0], (typeof tools)[1]];

let h: Harness;
before(async () => {
  h = await startHarness({ tools });
});
after(async () => {
  killCliProcesses();
  await h?.close();
});
beforeEach(() => {
  counter.reset();
  h.fake.reset();
  lookupDelay.value = 0;
});

const started = (key: string): number => counter.started.get(key) ?? 0;
const completed = (key: string): number => counter.completed.get(key) ?? 0;
// What the model read, without the prompt-cache breakpoints the worker marks (they change no content).
const lastUserBlocks = (messages: MessageParam[]): ContentBlockParam[] => {
  const last = withoutCacheControls(messages[messages.length - 1]!);
  assert.equal(last.role, 'user');
  assert.ok(Array.isArray(last.content), 'the last user message is a list of blocks');
  return last.content as ContentBlockParam[];
};
const invalidRequests = (): string[] => h.fake.requests.flatMap((r) => (r.invalid ? [r.invalid] : []));

/** The Web UI's Current Details: the answer of Temporal's metadata query. */
async function currentDetails(runId: string, executionRunId: string): Promise<string> {
  const metadata = await h.client.workflow.getHandle(runId, executionRunId).query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  return metadata.currentDetails ?? '';
}

describe('cancel after the current step', () => {
  test('a 3 s tool in flight finishes and keeps its result, no model call follows; continue runs it zero times', async () => {
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'long_running_task', input: { seconds: 3 } }]), textTurn('All done.')]));
    const agent = h.agent();
    const pending = agent.do(new Task({ description: 'Call long_running_task with 3 seconds.', tools: [longTask] }));
    await waitFor(() => started('long_running_task:3') === 1, 'the tool to start');
    const stopped = await cancelRun(agent.runId!, { client: h.client, mode: 'afterStep', reason: 'the user changed their mind', wait: true });
    assert.equal((await pending).status, RunStatus.cancelled);

    assert.equal(stopped.status, RunStatus.cancelled, JSON.stringify(stopped.error));
    assert.deepEqual(stopped.stop, { reason: 'cancelled', mode: 'afterStep', message: 'the user changed their mind' });
    assert.equal(completed('long_running_task:3'), 1, 'the tool ran to its end');
    assert.equal(counter.aborted.size, 0, 'nothing was aborted');
    const tool = stopped.stepResults.find((s) => s.name === 'tool:long_running_task')!;
    assert.equal(tool.status, 'completed');
    assert.equal(tool.output, 'Completed after 3 seconds');
    assert.equal(h.fake.requests.length, 1, 'no model call after the tool');
    const described = await h.client.workflow.getHandle(stopped.runId, stopped.executionRunId).describe();
    assert.equal(described.status.name, 'CANCELLED');
    // The reason, wherever the run is read: `show`, the memo `list` prints, the Web UI's Current Details.
    assert.match(outputSummary(stopped), /stopped: cancelled, after the running steps: the user changed their mind/);
    assert.deepEqual((described.memo as { stop?: unknown }).stop, stopped.stop);
    assert.match(await currentDetails(stopped.runId, stopped.executionRunId), /\*\*Status:\*\* cancelled — cancelled by request: the user changed their mind \(stopped after the running steps finished\)/);

    const done = await h.agent().continueRun({ runId: stopped.runId });
    assert.equal(done.status, RunStatus.completed, JSON.stringify(done.error));
    assert.equal(done.output, 'All done.');
    assert.equal(started('long_running_task:3'), 1, 'the continuation made zero tool calls for it');
    assert.equal(done.stepResults.filter((s) => s.execution === 2).map((s) => s.name).join(','), 'model');
    assert.deepEqual(invalidRequests(), []);
  });
});

describe('time limit', () => {
  test('a time limit cuts a running tool at once (reason timeout); a continuation with a new limit runs it again and completes', async () => {
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'long_running_task', input: { seconds: 2 } }]), textTurn('Finished in time.')]));
    const stopped = await h.agent().do(new Task({ description: 'Call long_running_task with 2 seconds.', tools: [longTask], limits: { timeoutMs: 1000 } }));
    assert.equal(stopped.status, RunStatus.cancelled, JSON.stringify(stopped.error));
    assert.equal(stopped.stop?.reason, 'timeout');
    assert.equal(counter.aborted.get('long_running_task:2'), 1, 'the running tool was cut');
    const events: string[] = [];
    for await (const event of h.agent().streamRun({ runId: stopped.runId })) events.push(event.type);
    assert.equal(events[events.length - 1], 'cancelled', 'the stream ends cancelled');
    const done = await h.agent().continueRun({ runId: stopped.runId, limits: { timeoutMs: 60_000 } });
    assert.equal(done.status, RunStatus.completed, JSON.stringify(done.error));
    assert.equal(completed('long_running_task:2'), 1);
    assert.deepEqual(invalidRequests(), []);
  });
});

describe('budgets', () => {
  test('an output-token budget stops the run mid-way; continue with a raised budget completes; usage adds up', async () => {
    const usage = { input_tokens: 40, output_tokens: 100 };
    h.fake.setResponder(
      scriptedResponder([
        toolTurn([{ name: 'lookup', input: { key: 'a' } }], { usage }),
        toolTurn([{ name: 'lookup', input: { key: 'b' } }], { usage }),
        textTurn('a and b looked up.', { usage }),
      ]),
    );
    const task = new Task({ description: 'Look up a, then b.', tools: [lookup] });
    const stopped = await h.agent().do(task, { limits: { maxOutputTokens: 150 } });
    assert.equal(stopped.status, RunStatus.cancelled, JSON.stringify(stopped.error));
    assert.equal(stopped.error, undefined);
    assert.equal(stopped.stop?.reason, 'budget');
    assert.equal(stopped.stop?.limit, 'outputTokens');
    assert.equal(stopped.stop?.mode, 'afterStep');
    assert.match(stopped.stop?.message ?? '', /150 output tokens is used up \(200\)/);
    // Model, lookup a, model: the second turn's call to lookup b did not start.
    assert.deepEqual(stopped.stepResults.map((s) => `${s.name}:${s.status}`), ['model:completed', 'tool:lookup:completed', 'model:completed']);
    assert.equal(started('lookup:b'), 0);
    // Priced by the worker's table (claude-sonnet-4-6: $3 / $15 a million tokens).
    assert.deepEqual(stopped.usage, { inputTokens: 80, outputTokens: 200, costUsd: 0.00324 });
    const described = await h.client.workflow.getHandle(stopped.runId, stopped.executionRunId).describe();
    assert.equal(described.status.name, 'FAILED', 'a run that stops itself closes with RunStoppedError');
    assert.match(outputSummary(stopped), /stopped: budget \(outputTokens\), after the running steps/);

    // Continuing without raising it stops again at once; with a raised budget it completes.
    const again = await h.agent().continueRun({ runId: stopped.runId });
    assert.equal(again.stop?.limit, 'outputTokens');
    assert.equal(h.fake.requests.length, 2, 'no model call while the budget is used up');
    const done = await h.agent().continueRun({ runId: stopped.runId, limits: { maxOutputTokens: 1000 } });
    assert.equal(done.status, RunStatus.completed, JSON.stringify(done.error));
    assert.equal(done.output, 'a and b looked up.');
    assert.equal(started('lookup:a'), 1);
    assert.equal(started('lookup:b'), 1);
    assert.equal(done.executions, 3);
    assert.deepEqual(done.usage, { inputTokens: 120, outputTokens: 300, costUsd: 0.00486 }, 'usage adds up across executions');
    const sum = (steps: StepResult[]): number => steps.reduce((n, s) => n + (s.usage?.outputTokens ?? 0), 0);
    assert.equal(sum(done.stepResults), 300);
    assert.deepEqual(invalidRequests(), []);
  });

  test('a step budget stops before the steps that would pass it', async () => {
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'lookup', input: { key: 'a' } }, { name: 'lookup', input: { key: 'b' } }]), textTurn('done')]));
    const stopped = await h.agent().do(new Task({ description: 'Look up a and b.', tools: [lookup] }), { limits: { maxSteps: 2 } });
    assert.equal(stopped.stop?.limit, 'steps');
    assert.equal(started('lookup:a') + started('lookup:b'), 0);
    const done = await h.agent().continueRun({ runId: stopped.runId, limits: { maxSteps: 10 } });
    assert.equal(done.status, RunStatus.completed, JSON.stringify(done.error));
  });
});

describe('redirect and interrupt', () => {
  test('continue a stopped run with a user message: the model reads it right after the tool results', async () => {
    lookupDelay.value = 2500; // the cancel must land while the lookup works, even on a loaded machine
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'lookup', input: { key: 'region' } }]), textTurn('Using the EU region.')]));
    const agent = h.agent();
    const pending = agent.do(new Task({ description: 'Look up the region, then deploy.', tools: [lookup] }));
    await waitFor(() => started('lookup:region') === 1, 'the lookup to start');
    const stopped = await cancelRun(agent.runId!, { client: h.client, mode: 'afterStep', wait: true });
    await pending;
    assert.equal(stopped.status, RunStatus.cancelled);

    const done = await h.agent().continueRun({ runId: stopped.runId, message: 'Actually, use the EU region.' });
    assert.equal(done.status, RunStatus.completed, JSON.stringify(done.error));
    const request = h.fake.requests[h.fake.requests.length - 1]!;
    assert.equal(request.invalid, undefined);
    const blocks = lastUserBlocks(request.body.messages);
    assert.deepEqual(blocks.map((b) => b.type), ['tool_result', 'text']);
    assert.deepEqual(blocks[1], { type: 'text', text: 'Actually, use the EU region.' });
    assert.deepEqual(done.messages, [...withoutCacheControls(request.body.messages), { role: 'assistant', content: [{ type: 'text', text: 'Using the EU region.' }] }], 'the reader sees what the model saw');
    assert.equal(started('lookup:region'), 1);
  });

  test('interrupt a running run mid-turn (parallel tools) with a message in one call', async () => {
    lookupDelay.value = 50;
    h.fake.setResponder(
      scriptedResponder([
        toolTurn([{ name: 'lookup', input: { key: 'us' } }, { name: 'long_running_task', input: { seconds: 30 } }]),
        textTurn('Switched to the EU region.'),
      ]),
    );
    const agent = h.agent();
    const pending = agent.do(new Task({ description: 'Look up us and run the long task.', tools }));
    await waitFor(() => completed('lookup:us') === 1 && started('long_running_task:30') === 1, 'one call done, the other running');
    const done = await h.agent().interruptRun({ runId: agent.runId!, message: 'Stop that; use the EU region.', reason: 'redirected' });
    const first = await pending;
    assert.equal(first.status, RunStatus.cancelled);
    assert.deepEqual(first.stop, { reason: 'cancelled', mode: 'now', message: 'redirected' });
    assert.equal(done.status, RunStatus.completed, JSON.stringify(done.error));
    assert.equal(done.output, 'Switched to the EU region.');

    // The next request: the finished call's result, the cut one answered as interrupted, then the message.
    const request = h.fake.requests[h.fake.requests.length - 1]!;
    assert.equal(request.invalid, undefined);
    const blocks = lastUserBlocks(request.body.messages);
    assert.deepEqual(blocks.map((b) => b.type), ['tool_result', 'tool_result', 'text']);
    assert.deepEqual(blocks[0], { type: 'tool_result', tool_use_id: 'toolu_fake_0_0', content: 'value-of-us', is_error: false });
    assert.deepEqual(blocks[1], { type: 'tool_result', tool_use_id: 'toolu_fake_0_1', content: INTERRUPTED_RESULT, is_error: true });
    assert.deepEqual(blocks[2], { type: 'text', text: 'Stop that; use the EU region.' });
    assert.equal(counter.aborted.get('long_running_task:30'), 1, 'the cut call was aborted');
    assert.equal(started('long_running_task:30'), 1, 'and not run again');
    assert.equal(started('lookup:us'), 1);
    assert.deepEqual(invalidRequests(), []);
  });

  test('a fork from the middle of a parallel turn sends a valid transcript', async () => {
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'lookup', input: { key: 'x' } }, { name: 'lookup', input: { key: 'y' } }]), textTurn('x and y.')]));
    const original = await h.agent().do(new Task({ description: 'Look up x and y.', tools: [lookup] }));
    assert.equal(original.status, RunStatus.completed);
    const fork = await h.agent().forkRun({ runId: original.runId, fromStep: 2 });
    assert.equal(fork.status, RunStatus.completed, JSON.stringify(fork.error));
    assert.equal(started('lookup:y'), 2, 'the fork ran the call from its step on again');
    assert.deepEqual(invalidRequests(), []);
  });
});

describe('the CLI', () => {
  test('cancel --after-step --reason; show and list print the stop and its reason', async () => {
    // 8 s: the `cancel` process (a fresh node with tsx) must land while the tool still works, even on a loaded machine.
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'long_running_task', input: { seconds: 8 } }]), textTurn('unused')]));
    const agent = h.agent();
    const pending = agent.do(new Task({ description: 'Call long_running_task with 8 seconds.', tools: [longTask] }));
    await waitFor(() => started('long_running_task:8') === 1, 'the tool to start');
    const env = { ...process.env, TEMPORAL_ADDRESS: h.env.address, DURABLE_AGENT_TASK_QUEUE: h.taskQueue, DURABLE_AGENT_CLI_SOURCE: '1' };
    const cli = (...args: string[]) => finished(startCli(env, args));
    const cancel = await cli('cancel', agent.runId!, '--after-step', '--reason', 'operator asked');
    assert.equal(cancel.code, 0, cancel.stderr);
    assert.match(cancel.stdout, /after the running steps/);
    const stopped = await pending;
    assert.equal(stopped.stop?.message, 'operator asked');
    assert.equal(completed('long_running_task:8'), 1, 'the running tool finished');

    const show = await cli('show', stopped.runId);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /stopped: cancelled, after the running steps: operator asked/);
    let listed = '';
    await waitFor(async () => {
      listed = (await cli('list', '--limit', '200')).stdout;
      return listed.includes(`${stopped.runId}\t`);
    }, 'the run to be listed', 30_000);
    const line = listed.split('\n').find((l) => l.startsWith(`${stopped.runId}\t`))!;
    assert.match(line, /\tcancelled: operator asked$/);
  });
});
