// A run that continues as new keeps one run id and one story: a task with `continueAsNewEvery: 3` crosses two
// continue-as-new boundaries in 11 steps (executions of steps 0-3, 4-7 and 8-10). Its RunOutput and `show` list every
// step once; its stream read from offset 0 after the end, and by a subscriber that drops and reconnects across a
// boundary, has no gap and no duplicate; a fork from a step of its first execution runs; a cancel in a later
// execution continues from another Agent without asking the model for any turn it answered.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { cancelRun, getRunOutput, streamRun, Task, type RunOutput, type StepResult, type StreamEvent } from '../src/index.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import { outputSummary, stepsTable } from '../src/cli/format.js';
import { renderCurrentDetails } from '../src/workflows/current-details.js';
import { runWarnings } from '../src/workflows/run-warnings.js';
import { startHarness, type Harness } from './helpers/harness.js';
import { waitTool } from './helpers/wait-tool.js';
import { tool } from '../src/tools/tool-definition.js';
import { z } from 'zod';
import { estimateTokens } from '../src/testing/fake-anthropic/turns.js';
import type { RecordedRequest } from '../src/testing/fake-anthropic/index.js';
import { withoutCacheControls } from '../src/testing/fake-anthropic/prompt-cache.js';
import { readExecution, readPredecessors } from '../src/history/read-execution.js';

const wait = waitTool;
/** About 1,000 tokens of text a call: a few of them pass the budget of the last test. */
const page = tool({ name: 'page', description: 'Reads one page.', input: z.object({ n: z.number() }), run: ({ n }) => `Page ${n}: ${'lorem ipsum '.repeat(340)}` });
/** 800 characters (200 tokens) a call: the last test's turns pass its budget by their number, not their results. */
const note = tool({ name: 'note', description: 'Reads one note.', input: z.object({ n: z.number() }), run: ({ n }) => `Note ${n}: ${'x'.repeat(792)}` });
const TURNS = 5;

let h: Harness;
before(async () => {
  h = await startHarness({ tools: [wait, page, note] });
});
after(async () => {
  await h?.close();
});

function script(ms: number, slowTurn?: { turn: number; ms: number }): ReturnType<typeof scriptedResponder> {
  return scriptedResponder([
    ...Array.from({ length: TURNS }, (_, i) => toolTurn([{ name: 'wait', input: { ms: i === slowTurn?.turn ? slowTurn.ms : ms } }], { text: `Turn ${i}. ` })),
    textTurn('All done.'),
  ]);
}

function task(): Task {
  return new Task({ description: 'Wait five times.', tools: [wait], continueAsNewEvery: 3 });
}

/** Each step index once, in order, 0..last. */
function assertEveryStepOnce(output: RunOutput, last: number): void {
  assert.deepEqual(
    output.stepResults.map((s) => s.index),
    Array.from({ length: last + 1 }, (_, i) => i),
  );
  assert.ok(output.stepResults.every((s) => s.status === 'completed'), JSON.stringify(output.stepResults.map((s) => [s.index, s.status])));
}

async function collect(stream: AsyncGenerator<StreamEvent>, stopAfter?: (e: StreamEvent) => boolean): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const e of stream) {
    events.push(e);
    if (stopAfter?.(e)) break;
  }
  return events;
}

/** Offsets follow each other (no gap, no overlap) from `from`; every step completes once; one end. */
function assertWholeLog(events: StreamEvent[], from = 0): void {
  let next = from;
  for (const e of events) {
    assert.equal(e.offset, next, `event ${e.type} at ${e.offset}, expected ${next}`);
    next = e.nextOffset;
  }
}

test('a run crossing two continue-as-new boundaries reads as one run: output, show, stream, fork', async () => {
  h.fake.setResponder(script(150));
  const agent = h.agent();
  const handle = await agent.start(task());
  // A subscriber that joins at the start and drops once the second execution has begun, then reconnects.
  const firstPart = await collect(streamRun(handle.runId, { client: h.client }), (e) => e.type === 'run_started' && e.execution === 2);
  // The live step list once execution 2 runs: execution 1's steps from history, then the open execution's.
  const liveSteps = await handle.steps();
  assert.deepEqual(liveSteps.slice(0, 4).map((s) => [s.index, s.execution, s.status]), [0, 1, 2, 3].map((i) => [i, 1, 'completed']));
  const rest = await collect(streamRun(handle.runId, { client: h.client, fromOffset: firstPart.at(-1)!.nextOffset }));
  const output = await handle.result();
  assert.deepEqual((await handle.steps()).map((s) => `${s.index}:${s.status}`), output.stepResults.map((s) => `${s.index}:${s.status}`), 'handle.steps() lists the whole run');
  // The Web UI's Current Details of the last execution count the whole run's steps too.
  const metadata = await h.client.workflow.getHandle(handle.runId, output.executionRunId).query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  assert.match(metadata.currentDetails ?? '', new RegExp(`\\*\\*Execution:\\*\\* 3 \\(continues \\S+\\) · \\*\\*Steps:\\*\\* ${2 * TURNS + 1}\\n`));

  assert.equal(output.status, 'completed');
  assert.equal(output.output, 'All done.');
  assert.equal(output.warnings, undefined, 'no limit in sight');
  assert.equal(output.executions, 3);
  assertEveryStepOnce(output, 2 * TURNS);
  assert.deepEqual([...new Set(output.stepResults.map((s) => s.execution))], [1, 2, 3]);
  const usage = output.stepResults.reduce((n, s) => n + (s.usage?.inputTokens ?? 0), 0);
  assert.equal(output.usage.inputTokens, usage, 'usage sums every execution\'s model calls');
  assert.equal(output.messages.length, 2 + 2 * TURNS, 'the transcript of the whole run');
  assert.equal(h.fake.requests.length, TURNS + 1, 'one model request per turn');
  // The snapshot carried the tool results by reference; the worker and the reader put every one back.
  const toolResults = (messages: RunOutput['messages']): unknown[] =>
    messages.flatMap((m) => (typeof m.content === 'string' ? [] : m.content.flatMap((b) => (b.type === 'tool_result' ? [b.content] : []))));
  assert.deepEqual(toolResults(h.fake.requests.at(-1)!.body.messages), Array.from({ length: TURNS }, () => 'waited 150 ms'));
  assert.deepEqual(toolResults(output.messages), Array.from({ length: TURNS }, () => 'waited 150 ms'));

  const read = await getRunOutput(handle.runId, { client: h.client });
  assertEveryStepOnce(read, 2 * TURNS);
  assert.deepEqual(read.usage, output.usage);
  const shown = stepsTable(read.stepResults);
  for (let i = 0; i <= 2 * TURNS; i++) assert.equal(shown.split('\n').filter((l) => new RegExp(`^\\s*${i}\\s`).test(l)).length, 1, `show lists step ${i} once:\n${shown}`);

  // A subscriber that joins after the end, from offset 0.
  const late = await collect(streamRun(handle.runId, { client: h.client }));
  assertWholeLog(late);
  assert.deepEqual(late.filter((e) => e.type === 'run_started').map((e) => e.execution), [1, 2, 3]);
  assert.deepEqual(late.filter((e) => e.type === 'step_completed').map((e) => e.type === 'step_completed' && e.step.index), Array.from({ length: 2 * TURNS + 1 }, (_, i) => i));
  assert.deepEqual(late.filter((e) => ['completed', 'cancelled', 'error'].includes(e.type)).map((e) => e.type), ['completed']);
  // The reconnecting one saw the very same log.
  const reconnected = [...firstPart, ...rest];
  assertWholeLog(reconnected);
  assert.deepEqual(reconnected.map((e) => `${e.offset} ${e.type}`), late.map((e) => `${e.offset} ${e.type}`));

  // Fork from step 2 (model turn 2, in the first execution): steps 0-1 inherited, the rest run anew.
  h.fake.setResponder(script(10));
  const requestsBefore = h.fake.requests.length;
  const fork = await agent.forkRun({ runId: handle.runId, fromStep: 2 });
  assert.equal(fork.status, 'completed');
  assertEveryStepOnce(fork, 2 * TURNS);
  assert.deepEqual(fork.stepResults.filter((s) => s.inheritedFrom === handle.runId).map((s) => s.index), [0, 1]);
  assert.equal(h.fake.requests.length - requestsBefore, TURNS, 'the fork asks for turns 1.. only');
});

test('cancelled after two boundaries, continued from another Agent: no completed step is requested again', async () => {
  // Turn 4's tool (step 9) waits 1.5 s, long enough for the cancel to land while it runs.
  h.fake.setResponder(script(10, { turn: 4, ms: 1500 }));
  const handle = await h.agent().start(task());
  // Cancel in the third execution, while the tool of turn 4 (step 9) waits.
  for (;;) {
    const current = await getRunOutput(handle.runId, { client: h.client });
    if (current.stepResults.some((s) => s.index === 9 && s.status === 'running')) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const requests = h.fake.requests.length;
  const cancelled = await cancelRun(handle.runId, { client: h.client, wait: true });
  assert.equal(cancelled.status, 'cancelled');
  assert.equal(cancelled.executions, 3);
  h.fake.setResponder(script(10));
  const output = await h.agent().continueRun({ runId: handle.runId });
  assert.equal(output.status, 'completed');
  assert.equal(output.executions, 4);
  assert.equal(h.fake.requests.length - requests, 1, 'only the last turn is asked for');
  const indices = output.stepResults.map((s) => `${s.index}:${s.status}`);
  assert.deepEqual(
    output.stepResults.filter((s) => s.status === 'completed').map((s) => s.index),
    Array.from({ length: 2 * TURNS + 1 }, (_, i) => i),
    indices.join(' '),
  );
  assert.deepEqual(output.stepResults.filter((s) => s.status !== 'completed').map((s) => `${s.index}:${s.status}`), ['9:cancelled']);
});

test('show and the Web UI details warn of limits a run cannot pass, with what to change', () => {
  const step = (index: number, name: string, extra: Partial<StepResult>): StepResult => ({ index, name, status: 'completed', activityId: `step-${index}`, execution: 1, ...extra });
  const steps = [
    step(0, 'model', { context: { estimatedTokens: 61_000, budgetTokens: 50_000, clearedToolResults: 12, summarizedMessages: 0 } }),
    step(1, 'tool:fetch', { output: 'x'.repeat(1_200_000) }),
    step(2, 'tool:fetch', { output: 'small' }),
  ];
  const snapshot = { messages: [{ role: 'user' as const, content: 'y'.repeat(1_100_000) }], steps: 3, turns: 1, repairs: 0, from: 'r1' };
  const warnings = runWarnings(steps, snapshot);
  assert.deepEqual(warnings.map((w) => [w.kind, w.stepIndex]), [['tool-result-size', 1], ['context-budget', 0], ['snapshot-size', undefined]]);
  assert.match(warnings[0]!.message, /return a reference/);
  assert.match(warnings[1]!.message, /context\.budgetTokens/);
  assert.deepEqual(runWarnings(steps.slice(2), undefined), []);
  const output = { runId: 'r', status: 'running', executions: 1, usage: { inputTokens: 0, outputTokens: 0 }, stepResults: steps, requirements: [], warnings } as unknown as RunOutput;
  assert.match(outputSummary(output), /warning \(tool-result-size\): Step 1 \(tool:fetch\) returned 1200002 bytes/);
  const details = renderCurrentDetails({ status: 'running', execution: 1, messages: [], steps, warnings });
  assert.equal(details.split('**Warning:**').length - 1, 3);
});

test('context management goes on across the boundaries: no request passes its budget', async () => {
  const turns = 16;
  h.fake.setResponder((r) => (r.turn < turns ? toolTurn([{ name: 'page', input: { n: r.turn } }]) : textTurn('Read them all.')));
  const output = await h.agent().do(
    new Task({ description: 'Read the pages.', tools: [page], maxSteps: 100, context: { budgetTokens: 4000 }, continueAsNewEvery: 6 }),
  );
  assert.equal(output.status, 'completed', JSON.stringify(output.error));
  assert.ok(output.executions >= 5, `${output.executions} executions`);
  const sent = output.stepResults.filter((s) => s.name === 'model').map((s) => s.usage!.inputTokens + (s.usage!.cacheReadInputTokens ?? 0) + (s.usage!.cacheCreationInputTokens ?? 0));
  assert.ok(Math.max(...sent) <= 4000, `input tokens per request: ${sent.join(' ')}`);
  assert.ok(output.stepResults.some((s) => (s.context?.clearedToolResults ?? 0) > 0), 'compaction took place');
});

test('a worker that never saw the earlier execution fills the results the transcript refers to from its history', async () => {
  h.fake.setResponder(
    scriptedResponder([...Array.from({ length: 3 }, () => toolTurn([{ name: 'wait', input: { ms: 600 } }])), textTurn('Done on the new worker.')]),
  );
  const handle = await h.agent().start(new Task({ description: 'Wait three times.', tools: [wait], continueAsNewEvery: 2 }));
  // Execution 2's tool (step 3) runs: swap the worker for a new one, whose cache has none of execution 1's results.
  for (;;) {
    const current = await getRunOutput(handle.runId, { client: h.client });
    if (current.stepResults.some((s) => s.index === 3 && s.status === 'running')) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await h.stopWorker();
  await h.startWorker();
  const output = await handle.result();
  assert.equal(output.status, 'completed', JSON.stringify(output.error));
  assert.equal(output.output, 'Done on the new worker.');
  const last = h.fake.requests.at(-1)!.body.messages;
  const results = last.flatMap((m) => (typeof m.content === 'string' ? [] : m.content.flatMap((b) => (b.type === 'tool_result' ? [b.content] : []))));
  assert.deepEqual(results, ['waited 600 ms', 'waited 600 ms', 'waited 600 ms']);
});

test('a run whose turns alone pass the budget, cut after a boundary and continued: no request the model gets passes it', async () => {
  // 24 turns of an 800-character result under a 1,200-token budget: from about turn 10 the cleared transcript alone
  // passes it, so the oldest turns are left out. A boundary every 8 steps; the cancel cuts turn 19 (step 38), six steps
  // after the boundary at step 32; another Agent continues.
  const turns = 24;
  const budget = 1200;
  const cancelTurn = 19;
  let cut: (() => void) | undefined;
  const cutReached = new Promise<void>((resolve) => (cut = resolve));
  let cutAsked = false;
  // The turn is the last note read plus one (a request that left turns out has fewer assistant messages than its turn).
  const turnOf = (r: RecordedRequest): number => {
    const calls = r.body.messages.flatMap((m) => (m.role === 'assistant' && typeof m.content !== 'string' ? m.content.filter((b) => b.type === 'tool_use') : []));
    const last = calls.at(-1);
    return last?.type === 'tool_use' ? (last.input as { n: number }).n + 1 : 0;
  };
  const call = (turn: number, text: string): ReturnType<typeof toolTurn> => toolTurn([{ id: `note-${turn}`, name: 'note', input: { n: turn } }], { text, ...(text.startsWith('A turn') ? { chunkDelayMs: 500 } : {}) });
  const turnsAsked: number[] = [];
  h.fake.setResponder((r) => {
    const turn = turnOf(r);
    turnsAsked.push(turn);
    if (turn === cancelTurn && !cutAsked) {
      cutAsked = true;
      cut?.();
      return call(turn, 'A turn the cancel cuts in the middle of its text.');
    }
    return turn < turns ? call(turn, `Turn ${turn}. `) : textTurn('Read them all.');
  });
  const requestsBefore = h.fake.requests.length;
  const task = new Task({ description: 'Read the notes.', tools: [note], maxSteps: 100, context: { budgetTokens: budget }, continueAsNewEvery: 8 });
  const handle = await h.agent().start(task);
  await cutReached;
  assert.equal((await cancelRun(handle.runId, { client: h.client, wait: true })).status, 'cancelled');
  const output = await h.agent().continueRun({ runId: handle.runId });
  assert.equal(output.status, 'completed', JSON.stringify(output.error));
  assert.ok(output.executions >= 5, `${output.executions} executions`);
  // Every request the model received, counted as the fake counts the usage it reports.
  assert.deepEqual(turnsAsked, [...Array.from({ length: cancelTurn + 1 }, (_, i) => i), ...Array.from({ length: turns - cancelTurn + 1 }, (_, i) => cancelTurn + i)]);
  const sent = h.fake.requests.slice(requestsBefore).map((r) => ({ turn: turnOf(r), tokens: estimateTokens(withoutCacheControls(r.body)).input_tokens }));
  assert.equal(sent.length, turns + 2, 'each turn once, the cut one twice');
  assert.ok(sent.every((s) => s.tokens <= budget), `input tokens per request: ${sent.map((s) => `${s.turn}:${s.tokens}`).join(' ')}`);
  assert.ok(output.stepResults.some((s) => (s.context?.droppedMessages ?? 0) > 0), 'the oldest turns were left out');
  assert.equal(output.warnings, undefined, 'no request over its budget');
  // Every snapshot carries the tool results by reference, those the continuation's seed gave it included: a run that
  // was continued once does not carry them whole through every later boundary.
  const latest = await readExecution(h.client, handle.runId);
  const chain = [...(latest.earlier ?? (await readPredecessors(h.client, handle.runId, latest, new Map()))), latest];
  const carried = chain.flatMap((record, i) =>
    (record.input.seed?.snapshot?.messages ?? []).flatMap((m) => (typeof m.content === 'string' ? [] : m.content.filter((b) => b.type === 'tool_result' && 'content' in b).map(() => `execution ${i + 1}`))),
  );
  assert.ok(chain.filter((record) => record.input.seed?.snapshot).length >= 3, 'boundaries before and after the continuation');
  assert.deepEqual(carried, [], 'no snapshot carries a tool result whole');
  // The reader puts each referred result back, those of the continuation's seed included.
  const results = output.messages.flatMap((m) => (typeof m.content === 'string' ? [] : m.content.filter((b) => b.type === 'tool_result')));
  assert.equal(results.length, turns);
  assert.deepEqual(results.filter((b) => !('content' in b)).map((b) => b.type === 'tool_result' && b.tool_use_id), [], 'every tool result in RunOutput.messages has its content');
});
