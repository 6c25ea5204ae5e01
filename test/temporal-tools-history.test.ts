// The one history reader on the saved histories of tools that are Temporal, no server: an activityTool's steps are the
// user's activity (retried, or failed for good), an agentTool's step is a child workflow, and the continuation seed
// of a run cut inside a sub-run names the sub-run so the next execution continues it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { decodeExecution, type ExecutionRecord } from '../src/history/decode.js';
import { planContinuation, seedOf } from '../src/history/continuation.js';
import { eventLog } from '../src/history/event-log.js';
import { payloadDecoderOf } from '../src/history/payload-decoder.js';
import { toRunOutput } from '../src/history/projections.js';
import { RunStatus } from '../src/index.js';
import { historyFromFile } from './helpers/history-files.js';

/** The outer run's id when it was recorded (its sub-run's id derives from it). */
const OUTER = 'temporal-tools-agent-cancelled';
const SUB_RUN = `${OUTER}.step-1-tool-researcher-toolu_fake_0_0`;

function record(file: string, runId: string): Promise<ExecutionRecord> {
  const { events } = historyFromFile(readFileSync(new URL(`histories/${file}.json`, import.meta.url), 'utf8'));
  return decodeExecution(events, payloadDecoderOf(), { runId });
}

const steps = (r: ExecutionRecord): string[] => toRunOutput(r).stepResults.map((s) => `${s.index} ${s.name}: ${s.status} (x${s.execution})`);

describe('activityTool steps in history', () => {
  test("the user's activity is the step: its attempts, its value as the result, its final failure as an error result", async () => {
    const r = await record('temporal-tools-activity', 'temporal-tools-activity');
    const output = toRunOutput(r);
    assert.equal(output.status, RunStatus.completed);
    assert.deepEqual(steps(r), ['0 model: completed (x1)', '1 tool:reserve_seat: completed (x1)', '2 tool:cancel_seat: completed (x1)', '3 model: completed (x1)']);
    const [, reserve, cancel] = output.stepResults;
    assert.equal(reserve!.attempts, 2);
    assert.equal(reserve!.output, 'reserved 12A');
    assert.deepEqual(reserve!.toolInput, { seat: '12A' });
    assert.equal(cancel!.error, 'Tool cancel_seat failed: CancellationsClosed: cancellations are closed');
    assert.deepEqual(output.messages[2], {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: reserve!.toolUseId, content: 'reserved 12A', is_error: false },
        { type: 'tool_result', tool_use_id: cancel!.toolUseId, content: cancel!.error, is_error: true },
      ],
    });
    assert.equal(output.output, '12A reserved; 3C could not be cancelled.');
  });
});

describe('agentTool steps in history', () => {
  test('a run cancelled inside its sub-run: the step is cancelled, names the sub-run, and the seed carries it', async () => {
    const r = await record('temporal-tools-agent-cancelled', OUTER);
    assert.equal(toRunOutput(r).status, RunStatus.cancelled);
    assert.deepEqual(steps(r), ['0 model: completed (x1)', '1 tool:researcher: cancelled (x1)']);
    assert.equal(toRunOutput(r).stepResults[1]!.subRunId, SUB_RUN);
    assert.deepEqual(toRunOutput(r).stepResults[1]!.toolInput, { task: 'Research seals.' });
    assert.deepEqual(seedOf(r).subRuns, { 'step-1-tool-researcher-toolu_fake_0_0': SUB_RUN });
    const plan = planContinuation(r, { kind: 'continue' });
    assert.equal(plan.kind, 'continue');
    assert.deepEqual(plan.kind === 'continue' ? plan.input.seed?.subRuns : undefined, { 'step-1-tool-researcher-toolu_fake_0_0': SUB_RUN });
  });

  test("its continuation: the sub-run's final output is the step's result, and no sub-run is left to continue", async () => {
    const r = await record('temporal-tools-agent-continued', OUTER);
    const output = toRunOutput(r);
    assert.equal(output.status, RunStatus.completed);
    assert.deepEqual(steps(r), ['0 model: completed (x1)', '1 tool:researcher: cancelled (x1)', '1 tool:researcher: completed (x2)', '2 model: completed (x2)']);
    assert.equal(output.stepResults[2]!.output, 'inner: seals sleep in water');
    assert.equal(output.stepResults[2]!.subRunId, SUB_RUN);
    assert.equal(seedOf(r).subRuns, undefined);
    const toolResults = eventLog([r]).map((item) => item.build(0, 0)).filter((e) => e.type === 'tool_result');
    assert.deepEqual(toolResults.map((e) => (e.type === 'tool_result' ? [e.toolName, e.content, e.isError] : [])), [['researcher', 'inner: seals sleep in water', false]]);
  });

  test('the sub-run itself is a run like any other: its continuation kept the steps it had completed', async () => {
    const r = await record('temporal-tools-sub-run-continued', SUB_RUN);
    assert.equal(toRunOutput(r).status, RunStatus.completed);
    assert.deepEqual(steps(r), ['0 model: completed (x1)', '1 tool:research: cancelled (x1)', '1 tool:research: completed (x2)', '2 model: completed (x2)']);
  });
});
