// Structured output and prompt-cache usage read back from saved histories, no server: the one history reader turns
// them into the RunOutput do() returns and `show` prints (the parsed object, the repair turn in the transcript,
// OutputValidationError, cache tokens summed apart), and the continuation planner seeds from them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planContinuation } from '../src/history/continuation.js';
import { toRunOutput } from '../src/history/projections.js';
import { RunStatus, type StepResult } from '../src/index.js';
import { savedRecord } from './helpers/saved-records.js';

const sum = (steps: StepResult[], pick: (s: StepResult) => number | undefined): number => steps.reduce((n, s) => n + (pick(s) ?? 0), 0);

describe('structured output in history', () => {
  test('repaired: the parsed object, the follow-up turn in the transcript, cache tokens summed apart', async () => {
    const output = toRunOutput(await savedRecord('structured-repaired'));
    assert.equal(output.status, RunStatus.completed);
    assert.deepEqual(output.output, { city: 'Oslo', celsius: 4 });
    assert.deepEqual(output.messages.map((m) => m.role), ['user', 'assistant', 'user', 'assistant']);
    assert.match(JSON.stringify(output.messages[2]), /does not match the required output schema.*celsius/);
    const steps = output.stepResults;
    assert.deepEqual(output.usage, {
      inputTokens: sum(steps, (s) => s.usage?.inputTokens),
      outputTokens: sum(steps, (s) => s.usage?.outputTokens),
      cacheReadInputTokens: sum(steps, (s) => s.usage?.cacheReadInputTokens),
      cacheCreationInputTokens: sum(steps, (s) => s.usage?.cacheCreationInputTokens),
    });
    assert.ok(steps[1]!.usage!.cacheReadInputTokens! > 1024, 'the repair turn read the first turn’s prompt from the cache');
  });

  test('still invalid after its repair: OutputValidationError naming the field, no output', async () => {
    const output = toRunOutput(await savedRecord('structured-invalid'));
    assert.equal(output.status, RunStatus.error);
    assert.equal(output.output, null);
    assert.equal(output.error?.name, 'OutputValidationError');
    assert.match(output.error?.message ?? '', /celsius/);
  });

  test('continued after a cancel: the object, the earlier execution’s steps kept, usage across both', async () => {
    const record = await savedRecord('structured-continued');
    const output = toRunOutput(record);
    assert.equal(output.status, RunStatus.completed);
    assert.deepEqual(output.output, { city: 'Oslo', celsius: 4 });
    assert.equal(output.executions, 2);
    assert.deepEqual(
      output.stepResults.map((s) => `${s.index} ${s.name}: ${s.status} (x${s.execution})`),
      ['0 model: completed (x1)', '1 tool:wait: cancelled (x1)', '1 tool:wait: completed (x2)', '2 model: completed (x2)', '3 model: completed (x2)'],
    );
    assert.ok(output.usage.cacheReadInputTokens! > 0);
    assert.throws(() => planContinuation(record, { kind: 'continue' }), { name: 'RunAlreadyCompletedError' });
  });
});
