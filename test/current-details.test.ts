// The Web UI's Current Details as text: status and reason first, the task always, the latest turns, long texts cut
// and old turns dropped with a note, tool calls with their status, results with theirs. Pure: no server needed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MessageParam, StepResult } from '../src/index.js';
import { renderCurrentDetails } from '../src/workflows/current-details.js';

const toolStep = (index: number, id: string, status: StepResult['status'], execution = 1): StepResult => ({
  index,
  name: 'tool:lookup',
  status,
  activityId: `step-${index}-tool-lookup-${id}`,
  execution,
  toolUseId: id,
});

function conversation(turns: number, textSize = 50): { messages: MessageParam[]; steps: StepResult[] } {
  const messages: MessageParam[] = [{ role: 'user', content: 'Look up every key.' }];
  const steps: StepResult[] = [];
  for (let i = 0; i < turns; i++) {
    const id = `toolu_${i}`;
    messages.push({ role: 'assistant', content: [{ type: 'text', text: `Turn ${i}: ${'x'.repeat(textSize)}` }, { type: 'tool_use', id, name: 'lookup', input: { key: `k${i}` } }] });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: `value ${i}`, is_error: false }] });
    steps.push(toolStep(2 * i + 1, id, 'completed'));
  }
  return { messages, steps };
}

describe('Current Details', () => {
  test('status, reason, execution and the transcript in order', () => {
    const { messages, steps } = conversation(2);
    steps.push(toolStep(5, 'toolu_2', 'running', 2));
    messages.push({ role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_2', name: 'lookup', input: { key: 'k2' } }] });
    const text = renderCurrentDetails({ status: 'running', execution: 2, continuedFrom: 'exec-1', messages, steps });
    const order = ['**Status:** running', '**Execution:** 2 (continues exec-1)', '**Running:** tool:lookup (step 5)', '**Task:** Look up every key.', 'Turn 0:', '**Tool result** `lookup`: value 0', 'Turn 1:'];
    let at = -1;
    for (const part of order) {
      const next = text.indexOf(part);
      assert.ok(next > at, `"${part}" follows what came before:\n${text}`);
      at = next;
    }
    assert.match(text, /\*\*Tool call\*\* `lookup` `\{"key":"k0"\}` · completed/);
    assert.match(text, /\*\*Tool call\*\* `lookup` `\{"key":"k2"\}` · running \(execution 2\)/);
    assert.match(text, /\*\*Steps:\*\* 3$/m);
    // After a continue-as-new the steps before the boundary are counted (they are in the earlier executions' history).
    assert.match(renderCurrentDetails({ status: 'running', execution: 5, messages, steps, earlierSteps: 400 }), /\*\*Steps:\*\* 403$/m);
  });

  test('a result is named by its step once the step is known (rendered results are kept only then)', () => {
    const { messages, steps } = conversation(1);
    assert.match(renderCurrentDetails({ status: 'running', execution: 1, messages, steps: [] }), /\*\*Tool result\*\* `toolu_0`: value 0/);
    assert.match(renderCurrentDetails({ status: 'running', execution: 1, messages, steps }), /\*\*Tool result\*\* `lookup`: value 0/);
    assert.match(renderCurrentDetails({ status: 'running', execution: 1, messages, steps }), /\*\*Tool result\*\* `lookup`: value 0/, 'the same, from what was kept');
  });

  test('a paused or failed run says why', () => {
    const { messages, steps } = conversation(1);
    assert.match(renderCurrentDetails({ status: 'paused', reason: 'waiting for a confirmation of transfer (toolu_9)', execution: 1, messages, steps }), /^\*\*Status:\*\* paused — waiting for a confirmation of transfer \(toolu_9\)/);
    assert.match(renderCurrentDetails({ status: 'error', reason: 'boom\nwith  a second line', execution: 1, messages, steps }), /^\*\*Status:\*\* error — boom with a second line\n/);
  });

  test('long texts are cut, old turns dropped with a note, the task and the latest turns kept, the whole bounded', () => {
    const { messages, steps } = conversation(200, 2000);
    const text = renderCurrentDetails({ status: 'running', execution: 1, messages, steps });
    assert.ok(text.length <= 12_500, `bounded: ${text.length} chars`);
    assert.match(text, /\*\*Task:\*\* Look up every key\./);
    assert.match(text, /… \d+ earlier messages not shown …/);
    assert.match(text, /Turn 199: x+… \(2010 chars\)/, 'a long text is cut and says how long it was');
    assert.match(text, /\*\*Tool result\*\* `lookup`: value 199$/, 'the latest result is last');
    assert.doesNotMatch(text, /Turn 0:/);
    const backticks = renderCurrentDetails({ status: 'running', execution: 1, messages: [{ role: 'user', content: 'task' }, { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'sh', input: { cmd: '`rm`' } }] }], steps: [] });
    assert.match(backticks, /`\{"cmd":"'rm'"\}`/, 'a backtick in an input cannot end the code span');
  });
});
