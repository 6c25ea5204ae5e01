// Tool checkpoints: a tool that reports progress (`heartbeat(details)`) gets its last report back as
// `context.checkpoint` when the same call runs again — after a cancel and continue (a new execution, the checkpoint
// read from the cancelled execution's history into the seed) and after its worker shut down mid-call (a retry, the
// checkpoint from Temporal's heartbeat details of the previous attempt) — and resumes from it instead of starting over.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { cancelRun, Task, RunStatus, type RunOutput } from '../src/index.js';
import { readExecution } from '../src/history/read-execution.js';
import { seedOf } from '../src/history/continuation.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import type { ToolCallInput } from '../src/core/types.js';
import { crashTools } from './fixtures/crash-tools.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import type { SideEffect } from './helpers/worker-process.js';

const effects: SideEffect[] = [];
const { unitsTool } = crashTools((event, tool, key, attempt) => effects.push({ event, tool, key, attempt, pid: process.pid, at: Date.now() }));
const UNITS = 10;
/** A 10 s tool: ten units of one second. */
const UNIT_MS = 1000;
const CUT_AFTER_UNITS = 6;

let h: Harness;

before(async () => {
  h = await startHarness({ tools: [unitsTool] });
});
after(async () => {
  await h?.close();
});
beforeEach(() => {
  effects.length = 0;
  h.fake.reset();
});

const starts = (): string[] => effects.filter((e) => e.event === 'start').map((e) => `${e.key} attempt ${e.attempt}`);
const unitsCompleted = (key: string): string[] => effects.filter((e) => e.event === 'complete' && e.key.startsWith(`${key}#`)).map((e) => e.key);

function unitsScript(key: string) {
  return scriptedResponder([toolTurn([{ name: 'units_tool', input: { key, units: UNITS, unitMs: UNIT_MS } }]), textTurn(`${key} is done.`)]);
}

function unitsTask(key: string): Task {
  return new Task({ description: `Run units_tool for ${key}.`, tools: [unitsTool] });
}

function toolResults(output: RunOutput): string[] {
  return output.messages.flatMap((m) =>
    Array.isArray(m.content) ? m.content.flatMap((b) => (b.type === 'tool_result' && typeof b.content === 'string' ? [b.content] : [])) : [],
  );
}

describe('tool checkpoints', () => {
  test('a 10 s tool cut by a cancel after 6 units resumes from its checkpoint on continue: only units 6-9 run again', { timeout: 120_000 }, async () => {
    h.fake.setResponder(unitsScript('C'));
    const agent = h.agent();
    const pending = agent.do(unitsTask('C'));
    await waitFor(() => unitsCompleted('C').length === CUT_AFTER_UNITS, `${CUT_AFTER_UNITS} units to complete`, 60_000);
    await cancelRun(agent.runId!, { client: h.client });
    const cancelled = await pending;
    assert.equal(cancelled.status, RunStatus.cancelled);
    const doneBeforeCut = unitsCompleted('C').length;
    assert.equal(doneBeforeCut, CUT_AFTER_UNITS, 'the cancel landed within the seventh unit');

    // The history reader finds the cut call's last progress, and the one planner puts it in the seed.
    const record = await readExecution(h.client, cancelled.runId);
    const cut = record.activities.find((a) => a.activityType === 'callTool');
    assert.equal(cut?.status, 'cancelled');
    assert.deepEqual(cut?.checkpoint, { done: CUT_AFTER_UNITS });
    assert.deepEqual(seedOf(record).checkpoints, { [cut.activityId]: { done: CUT_AFTER_UNITS } });

    const output = await agent.continueRun({ runId: cancelled.runId });
    assert.equal(output.status, RunStatus.completed, JSON.stringify(output.error));
    assert.equal(output.output, 'C is done.');
    assert.deepEqual(
      output.stepResults.map((s) => `${s.index} ${s.name}: ${s.status} (x${s.execution})`),
      ['0 model: completed (x1)', '1 tool:units_tool: cancelled (x1)', '1 tool:units_tool: completed (x2)', '2 model: completed (x2)'],
    );
    // The tool got its checkpoint and resumed from it: it ran the four units left, not ten.
    assert.deepEqual(starts(), ['C@0 attempt 1', `C@${CUT_AFTER_UNITS} attempt 1`]);
    assert.deepEqual(unitsCompleted('C'), Array.from({ length: UNITS }, (_, i) => `C#${i}`), 'every unit ran exactly once');
    assert.deepEqual(toolResults(output), [`C: ${UNITS} units done, ${UNITS - CUT_AFTER_UNITS} here (resumed from ${CUT_AFTER_UNITS})`]);
    // The continuation's call carries the checkpoint in its recorded input.
    const continued = await readExecution(h.client, output.runId, output.executionRunId);
    const rerun = continued.activities.find((a) => a.activityType === 'callTool');
    assert.deepEqual((rerun?.input as ToolCallInput).checkpoint, { done: CUT_AFTER_UNITS });
    assert.deepEqual(seedOf(continued).checkpoints, undefined, 'a completed call leaves no checkpoint behind');
    assert.deepEqual(h.fake.requests.map((r) => r.turn), [0, 1], 'no model turn asked twice');
  });

  test('cut again before it reports anything, the call keeps its checkpoint for the next continuation', { timeout: 120_000 }, async () => {
    h.fake.setResponder(unitsScript('K'));
    const agent = h.agent();
    const pending = agent.do(unitsTask('K'));
    await waitFor(() => unitsCompleted('K').length === 3, '3 units to complete', 60_000);
    await cancelRun(agent.runId!, { client: h.client });
    const first = await pending;
    assert.equal(first.status, RunStatus.cancelled);

    const again = await agent.startContinueRun({ runId: first.runId });
    await waitFor(() => starts().length === 2, 'the call to run again', 60_000);
    await cancelRun(again.runId, { client: h.client });
    const second = await again.result();
    assert.equal(second.status, RunStatus.cancelled);
    assert.equal(unitsCompleted('K').length, 3, 'the second execution was cut within its first unit');

    const output = await agent.continueRun({ runId: first.runId });
    assert.equal(output.status, RunStatus.completed, JSON.stringify(output.error));
    assert.deepEqual(starts(), ['K@0 attempt 1', 'K@3 attempt 1', 'K@3 attempt 1']);
    assert.deepEqual(unitsCompleted('K'), Array.from({ length: UNITS }, (_, i) => `K#${i}`));
    assert.deepEqual(toolResults(output), [`K: ${UNITS} units done, ${UNITS - 3} here (resumed from 3)`]);
  });

  test('a worker shut down mid-tool: the retry on the next worker gets the checkpoint of the attempt it replaces', { timeout: 120_000 }, async () => {
    h.fake.setResponder(unitsScript('R'));
    const handle = await h.agent().start(unitsTask('R'));
    await waitFor(() => unitsCompleted('R').length === 2, '2 units to complete', 60_000);
    await h.stopWorker();
    assert.equal(unitsCompleted('R').length, 2, 'the shutdown stopped the tool within its third unit');
    await h.startWorker();
    const output = await handle.result();

    assert.equal(output.status, RunStatus.completed, JSON.stringify(output.error));
    assert.deepEqual(output.stepResults.map((s) => `${s.name} x${s.execution} attempts ${s.attempts}`), ['model x1 attempts 1', 'tool:units_tool x1 attempts 2', 'model x1 attempts 1']);
    assert.deepEqual(starts(), ['R@0 attempt 1', 'R@2 attempt 2']);
    assert.deepEqual(unitsCompleted('R'), Array.from({ length: UNITS }, (_, i) => `R#${i}`));
    assert.deepEqual(toolResults(output), [`R: ${UNITS} units done, ${UNITS - 2} here (resumed from 2)`]);
  });
});
