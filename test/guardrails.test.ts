// Guardrails on the worker: piiRedaction takes email addresses, phone numbers and card numbers out of what leaves for
// the model (the fake's received requests hold none of the task's) and out of tool results as they are recorded; an
// outputBlocklist hit in the model's answer stops the run with reason `guardrail` (continuable), and a continuation
// after the worker's policy changed (restarted with another guardrail config) completes. A task picks guardrails by name.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { z } from 'zod';
import { Task } from '../src/client/task.js';
import { outputSummary } from '../src/cli/format.js';
import { RunStatus } from '../src/core/types.js';
import { tool } from '../src/tools/tool-definition.js';
import { piiRedaction, redactPii } from '../src/guardrails/pii-redaction.js';
import { outputBlocklist } from '../src/guardrails/output-blocklist.js';
import { GuardrailSet } from '../src/guardrails/guardrail-set.js';
import type { Guardrail } from '../src/guardrails/guardrail.js';
import { ApplicationFailure } from '@temporalio/common';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/fake-anthropic/index.js';
import { startHarness, type Harness } from './helpers/harness.js';

const customer = tool({
  name: 'customer',
  description: 'Looks a customer up.',
  input: z.object({ id: z.string() }),
  run: ({ id }) => `Customer ${id}: Bob Stone, bob.stone@corp.example, (212) 555-0199, paid with 5500-0000-0000-0004.`,
});
const PII = ['jane.doe@example.com', '+1 415-555-0132', '4111 1111 1111 1111', 'bob.stone@corp.example', '(212) 555-0199', '5500-0000-0000-0004'];
const strict = [piiRedaction(), outputBlocklist({ patterns: ['project zebra', /ACCT-\d{6}/] })];

let h: Harness;
before(async () => {
  h = await startHarness({ tools: [customer], worker: { guardrails: strict } });
});
after(async () => {
  await h?.close();
});
beforeEach(() => h.fake.reset());

describe('piiRedaction', () => {
  test('the fake model receives none of the PII the task and the tool result held; the recorded tool result is the redacted one', async () => {
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'customer', input: { id: 'c-7' } }]), textTurn('Customer c-7 is reachable.')]));
    const description = `Our customer Jane (jane.doe@example.com, +1 415-555-0132, card 4111 1111 1111 1111) asked about order 2026-12-07. Look up customer c-7.`;
    const output = await h.agent().do(new Task({ description, tools: [customer] }));
    assert.equal(output.status, RunStatus.completed);
    assert.equal(h.fake.requests.length, 2);
    for (const request of h.fake.requests) {
      const sent = JSON.stringify(request.wireBody);
      for (const pii of PII) assert.ok(!sent.includes(pii), `request ${request.index} carries ${pii}`);
      assert.ok(sent.includes('[email]') && sent.includes('[phone]') && sent.includes('[card]'));
      // What is not PII goes as it was.
      assert.ok(sent.includes('order 2026-12-07'));
    }
    const [first, toolStep, last] = output.stepResults;
    assert.deepEqual(first!.guardrails, [{ guardrail: 'pii', stage: 'modelInput', detail: 'redacted 1 email address, 1 phone number, 1 card number' }]);
    // The tool result as recorded (and read by continue, replay and show) is the redacted one.
    assert.equal(toolStep!.output, 'Customer c-7: Bob Stone, [email], [phone], paid with [card].');
    assert.deepEqual(toolStep!.guardrails, [{ guardrail: 'pii', stage: 'toolOutput', detail: 'redacted 1 email address, 1 phone number, 1 card number' }]);
    assert.equal(last!.guardrails?.[0]?.stage, 'modelInput');
  });

  test('redactPii: Luhn-checked cards, phone shapes, emails; dates, amounts and ids stay', () => {
    const { text, emails, phones, cards } = redactPii('a.b+c@x.co.uk 020 7946 0958 +44 20 7946 0958 4111111111111112 4111111111111111 2026-12-07 $1,250.00 id 12345678');
    assert.equal(text, '[email] 020 7946 0958 [phone] 4111111111111112 [card] 2026-12-07 $1,250.00 id 12345678');
    assert.deepEqual([emails, phones, cards], [1, 1, 1]);
    assert.equal(redactPii(text).text, text, 'idempotent');
  });
});

describe('a block', () => {
  test('a task that picks no guardrails is not checked', async () => {
    h.fake.setResponder(scriptedResponder([textTurn('Project Zebra ships in May.')]));
    const output = await h.agent().do(new Task({ description: 'Mail jane.doe@example.com about the codename.', guardrails: [] }));
    assert.equal(output.status, RunStatus.completed);
    assert.ok(JSON.stringify(h.fake.requests[0]!.wireBody).includes('jane.doe@example.com'));
  });

  test('a blocked answer stops the run with reason `guardrail`; continued after the worker\'s policy changed, it completes', async () => {
    h.fake.setResponder(scriptedResponder([textTurn('The codename is Project Zebra, as agreed.')]));
    const agent = h.agent();
    const stopped = await agent.do(new Task({ description: 'What is the codename?', guardrails: ['pii', 'blocklist'] }));
    assert.equal(stopped.status, RunStatus.cancelled);
    assert.equal(stopped.isCancelled, true);
    assert.equal(stopped.error, undefined);
    assert.deepEqual(stopped.stop?.guardrail, { name: 'blocklist', stage: 'modelOutput' });
    assert.equal(stopped.stop?.reason, 'guardrail');
    assert.match(stopped.stop!.message, /guardrail blocklist blocked the modelOutput: matched "project zebra"/);
    assert.match(outputSummary(stopped), /stopped: guardrail \(blocklist, modelOutput\), at once/);
    // The call was made: its usage counts; its blocked text is recorded nowhere in the output.
    const [blocked] = stopped.stepResults;
    assert.equal(blocked?.status, 'error');
    assert.ok(stopped.usage.inputTokens > 0 && stopped.usage.outputTokens > 0);
    assert.ok(!JSON.stringify(stopped).includes('Project Zebra'));

    // The policy changes: the worker restarts without the blocklist (a task naming a guardrail it lacks fails).
    await h.stopWorker();
    await h.startWorker({ guardrails: [piiRedaction(), outputBlocklist({ name: 'blocklist', patterns: [/ACCT-\d{6}/] })] });
    const done = await agent.continueRun({ runId: stopped.runId });
    assert.equal(done.status, RunStatus.completed);
    assert.equal(done.output, 'The codename is Project Zebra, as agreed.');
    assert.equal(done.executions, 2);
    assert.deepEqual(done.stepResults.map((s) => `${s.name}:${s.status}`), ['model:error', 'model:completed']);
  });
});

describe('GuardrailSet (the activities\' runner), without a server', () => {
  const where = { runId: 'run-x', stepIndex: 3 };
  const upper: Guardrail = { name: 'upper', stages: ['toolInput', 'modelInput'], check: (text) => ({ action: 'rewrite', text: text.toUpperCase(), detail: 'upper-cased' }) };
  const broken: Guardrail = { name: 'broken', stages: ['toolInput'], check: (text) => ({ action: 'rewrite', text: `${text}}`, detail: 'broke it' }) };

  test('a task names guardrails the worker lacks: GuardrailNotRegisteredError; names pick and order them', () => {
    const set = new GuardrailSet([piiRedaction(), upper]);
    assert.throws(() => set.select(['pii', 'nope']), (err: unknown) => err instanceof ApplicationFailure && err.type === 'GuardrailNotRegisteredError' && /nope/.test(err.message));
    assert.equal(set.select([]).empty, true);
    assert.throws(() => new GuardrailSet([upper, upper]), /Two guardrails are named upper/);
  });

  test('model input: the system prompt, user text and tool results are checked, in order, each rewrite noted once', async () => {
    const set = new GuardrailSet([piiRedaction({ stages: ['modelInput'] }), upper]);
    const { value, notes } = await set.modelInput(
      'mail ops@corp.example',
      [
        { role: 'user', content: 'hi jane@example.com' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'x', input: { to: 'jane@example.com' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'sent to bob@example.com' }] }] },
      ],
      where,
    );
    assert.equal(value.system, 'MAIL [EMAIL]');
    assert.equal(value.messages[0]!.content, 'HI [EMAIL]');
    assert.deepEqual(value.messages[1], { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'x', input: { to: 'jane@example.com' } }] }, 'the model\'s own messages are not model input');
    assert.deepEqual(value.messages[2]!.content, [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'SENT TO [EMAIL]' }] }]);
    assert.deepEqual(notes, [
      { guardrail: 'pii', stage: 'modelInput', detail: 'redacted 1 email address' },
      { guardrail: 'upper', stage: 'modelInput', detail: 'upper-cased' },
    ]);
  });

  test('tool input: a rewrite stays JSON or blocks; a block carries guardrail, stage and reason', async () => {
    assert.deepEqual((await new GuardrailSet([upper]).toolInput({ city: 'oslo' }, where)).value, { CITY: 'OSLO' });
    await assert.rejects(new GuardrailSet([broken]).toolInput({ city: 'oslo' }, where), (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure && err.type === 'GuardrailBlockedError' && err.nonRetryable);
      assert.deepEqual(err.details?.[0], { guardrail: 'broken', stage: 'toolInput', reason: 'its rewrite of the tool input is not JSON' });
      return true;
    });
    const block = outputBlocklist({ patterns: [/ACCT-\d{6}/], stages: ['toolOutput'] });
    await assert.rejects(new GuardrailSet([block]).toolOutput('account ACCT-123456', where), /guardrail blocklist blocked the toolOutput: matched \/ACCT-\\d\{6\}\//);
    assert.equal((await new GuardrailSet([block]).toolOutput('account 12', where)).value, 'account 12');
  });
});
