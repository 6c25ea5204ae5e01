// Streaming on the CLI dev server: a run streamed by one client, dropped mid-text, picked up by a second client
// (a restart) from its offset, cancelled, and continued in streaming mode by a third. Across the three streams the
// offsets are contiguous, every event arrives once, the text adds up to exactly what the model said, and a replay of
// the whole log from offset 0 gives the same events. Streaming adds nothing to history.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { z } from 'zod';
import { sleep, tool, cancelRun, getRunOutput, Task, RunStatus, type StreamEvent } from '../src/index.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import { startHarness, type Harness } from './helpers/harness.js';

let toolRuns = 0;
const wait = tool({
  name: 'wait',
  description: 'Waits a while.',
  input: z.object({ ms: z.number() }),
  run: async ({ ms }, { signal }) => {
    toolRuns++;
    await sleep(ms, signal);
    return `waited ${ms} ms`;
  },
});
const approve = tool({
  name: 'approve',
  description: 'Needs a human.',
  input: z.object({ what: z.string() }),
  requiresConfirmation: true,
  run: ({ what }) => `approved ${what}`,
});

const FIRST_TEXT = 'Let me think about this carefully before I call the wait tool for you.';
const FINAL_TEXT = 'The wait is over: everything finished as planned, and nothing ran twice along the way.';

let h: Harness;
before(async () => {
  h = await startHarness({ tools: [wait, approve] });
});
after(async () => {
  await h?.close();
});
beforeEach(() => {
  h.fake.reset();
  toolRuns = 0;
});

/** Merges consecutive text deltas of one step, so streams cut at different places compare equal. */
function normalise(events: StreamEvent[]): unknown[] {
  const out: Array<Record<string, unknown>> = [];
  for (const e of events) {
    const prev = out[out.length - 1];
    if (e.type === 'text_delta' && prev?.type === 'text_delta' && prev.activityId === e.activityId && prev.execution === e.execution) {
      prev.text = `${String(prev.text)}${e.text}`;
      prev.nextOffset = e.nextOffset;
      continue;
    }
    const copy: Record<string, unknown> = { ...e };
    // Outputs carry the whole run; compare them separately.
    if ('output' in copy) copy.output = (e as { output: { status: string } }).output.status;
    out.push(copy);
  }
  return out;
}

function shape(events: StreamEvent[]): string[] {
  return (normalise(events) as StreamEvent[]).map((e) => {
    switch (e.type) {
      case 'step_started':
        return `x${e.execution} start ${e.step.index} ${e.step.name}`;
      case 'step_completed':
        return `x${e.execution} end ${e.step.index} ${e.step.name} ${e.step.status}`;
      case 'text_delta':
        return `x${e.execution} text ${e.index}: ${e.text}`;
      case 'tool_result':
        return `x${e.execution} result ${e.index}: ${e.content}`;
      default:
        return `x${e.execution} ${e.type}`;
    }
  });
}

function assertContiguous(events: StreamEvent[]): void {
  assert.equal(events[0]?.offset, 0);
  for (let i = 1; i < events.length; i++) {
    assert.equal(events[i]!.offset, events[i - 1]!.nextOffset, `event ${i} (${events[i]!.type}) follows ${events[i - 1]!.type} without a gap or overlap`);
  }
}

describe('streaming', () => {
  test('streamed, dropped mid-text, resumed by another client, cancelled, continued in streaming mode: nothing lost or doubled', async () => {
    h.fake.setResponder(
      scriptedResponder([
        toolTurn([{ name: 'wait', input: { ms: 60_000 } }], { text: FIRST_TEXT, chunkDelayMs: 80 }),
        textTurn(FINAL_TEXT, { chunkDelayMs: 40 }),
      ]),
    );
    const task = new Task({ description: 'Think, wait, then report.', tools: [wait] });

    // Client A streams and goes away after a few text deltas, in the middle of the model's text.
    const a: StreamEvent[] = [];
    const agentA = h.agent();
    for await (const event of agentA.stream(task)) {
      a.push(event);
      if (a.filter((e) => e.type === 'text_delta').length === 2) break;
    }
    const runId = agentA.runId!;
    const partial = a.filter((e) => e.type === 'text_delta').map((e) => (e.type === 'text_delta' ? e.text : '')).join('');
    assert.ok(partial.length > 0 && partial.length < FIRST_TEXT.length, `client A saw part of the text (${partial.length} chars)`);

    // Client B, a new process in spirit: a new Agent resumes from A's last offset, then cancels during the tool.
    const b: StreamEvent[] = [];
    for await (const event of h.agent().streamRun({ runId, fromOffset: a[a.length - 1]!.nextOffset })) {
      b.push(event);
      if (event.type === 'step_started' && event.step.name === 'tool:wait') await cancelRun(runId, { client: h.client });
    }
    assert.equal(b[b.length - 1]!.type, 'cancelled', 'the stream ends with the cancel');

    // Client C continues the run in streaming mode from where B's stream ended.
    const c: StreamEvent[] = [];
    const agentC = h.agent();
    for await (const event of agentC.continueRunStream({ runId, fromOffset: b[b.length - 1]!.nextOffset })) c.push(event);
    const last = c[c.length - 1]!;
    assert.equal(last.type, 'completed');

    const all = [...a, ...b, ...c];
    assertContiguous(all);
    assert.deepEqual(shape(all), [
      'x1 run_started',
      'x1 start 0 model',
      `x1 text 0: ${FIRST_TEXT}`,
      'x1 end 0 model completed',
      'x1 start 1 tool:wait',
      'x1 end 1 tool:wait cancelled',
      'x1 cancelled',
      'x2 run_started',
      'x2 start 1 tool:wait',
      'x2 end 1 tool:wait completed',
      'x2 result 1: waited 60000 ms',
      'x2 start 2 model',
      `x2 text 2: ${FINAL_TEXT}`,
      'x2 end 2 model completed',
      'x2 completed',
    ]);
    assert.equal(toolRuns, 2, 'the cut tool ran again in the continuation, once');

    const output = await getRunOutput(runId, { client: h.client });
    assert.equal(output.status, RunStatus.completed);
    assert.equal(output.output, FINAL_TEXT);
    assert.deepEqual(last.type === 'completed' ? last.output : undefined, output);

    // The log is history's: replayed from offset 0 by yet another client, it is the same log.
    const replay: StreamEvent[] = [];
    for await (const event of h.agent().streamRun({ runId, fromOffset: 0 })) replay.push(event);
    assertContiguous(replay);
    assert.deepEqual(normalise(replay), normalise(all));
  });

  test('a paused run ends its stream with `paused`; continueRunStream with the answer streams the rest', async () => {
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'approve', input: { what: 'the plan' } }]), textTurn('Approved and done.')]));
    const agent = h.agent();
    const first: StreamEvent[] = [];
    for await (const event of agent.stream(new Task({ description: 'Get the plan approved.', tools: [approve] }))) first.push(event);
    const paused = first[first.length - 1]!;
    assert.equal(paused.type, 'paused');
    assert.equal(paused.offset, paused.nextOffset, 'a pause takes no room in the log');
    const requirement = paused.type === 'paused' ? paused.requirements[0]! : undefined;
    assert.equal(requirement?.toolName, 'approve');

    const rest: StreamEvent[] = [];
    for await (const event of h.agent().continueRunStream({ runId: agent.runId!, requirements: [{ id: requirement!.id, approve: true }] })) rest.push(event);
    assert.equal(rest[0]!.offset, paused.nextOffset, 'the continuation stream starts where the paused one stopped');
    assertContiguous([...first.filter((e) => e.type !== 'paused'), ...rest]);
    assert.deepEqual(shape(rest), [
      'x1 start 1 tool:approve',
      'x1 end 1 tool:approve completed',
      'x1 result 1: approved the plan',
      'x1 start 2 model',
      'x1 text 2: Approved and done.',
      'x1 end 2 model completed',
      'x1 completed',
    ]);
  });

  test('streaming adds nothing to history', async () => {
    const script = scriptedResponder([toolTurn([{ name: 'wait', input: { ms: 10 } }], { text: FIRST_TEXT, chunkDelayMs: 20 }), textTurn(FINAL_TEXT, { chunkDelayMs: 20 })]);
    h.fake.setResponder(script);
    const plain = await h.agent().do(new Task({ description: 'Same run, not streamed.', tools: [wait] }));
    const streamed: StreamEvent[] = [];
    const agent = h.agent();
    for await (const event of agent.stream(new Task({ description: 'Same run, streamed.', tools: [wait] }))) streamed.push(event);
    assert.ok(streamed.filter((e) => e.type === 'text_delta').length > 2, 'the text arrived in several deltas');
    const eventsOf = async (runId: string): Promise<number> => (await h.client.workflow.getHandle(runId).fetchHistory()).events!.length;
    assert.equal(await eventsOf(agent.runId!), await eventsOf(plain.runId));
  });

  test('a model call retried after streaming part of its text: step_restarted, then the text of the attempt that counts', async () => {
    h.fake.setResponder(scriptedResponder([textTurn(FINAL_TEXT, { chunkDelayMs: 100 })]));
    h.fake.injectFaults({ kind: 'midStreamError', afterEvents: 10 });
    const events: StreamEvent[] = [];
    for await (const event of h.agent().stream(new Task('Say it, even if the stream breaks.'))) events.push(event);
    assert.equal(events[events.length - 1]!.type, 'completed');
    const restartAt = events.findIndex((e) => e.type === 'step_restarted');
    assert.ok(restartAt > 0, `the broken attempt's text was streamed and then withdrawn: ${JSON.stringify(shape(events))}`);
    const restart = events[restartAt]!;
    assert.equal(restart.type === 'step_restarted' ? restart.attempt : 0, 2);
    const before = events.slice(0, restartAt).filter((e) => e.type === 'text_delta').map((e) => (e.type === 'text_delta' ? e.text : '')).join('');
    assert.ok(before.length > 0 && FINAL_TEXT.startsWith(before), 'attempt 1 streamed a prefix before it broke');
    const after = events.slice(restartAt + 1).filter((e) => e.type === 'text_delta').map((e) => (e.type === 'text_delta' ? e.text : '')).join('');
    assert.equal(after, FINAL_TEXT, `after the restart the whole text arrives once: ${JSON.stringify(events.map((e) => [e.type, e.offset, e.type === 'text_delta' ? e.text : '']))}`);
    // The restart rewinds to where the step's text began; from there offsets are contiguous again.
    const firstText = events.find((e) => e.type === 'text_delta')!;
    assert.equal(restart.offset, firstText.offset);
    assertContiguous([...events.slice(0, restartAt).filter((e) => e.type !== 'text_delta'), ...events.slice(restartAt + 1)]);
    assert.equal(h.fake.requests.length, 2);
  });
});
