// The worker is the one source of a tool's schema and policy: a run resolves its tools on the worker before its first
// model call, a client that saw another version of a tool is refused there (nothing reaches the model), and the
// policy the worker's tool() gives is the one the run keeps. On the real dev server, with the fake Anthropic server.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import { z } from 'zod';
import { sleep, tool, toolFingerprint, getRunOutput, Task, FailureTypes, RunStatus, WORKFLOW_TYPE, type AgentRunInput, type Requirement } from '../src/index.js';
import { requirementsQuery, resolveRequirementUpdate } from '../src/workflows/definitions.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';

let ran = { lookup: 0, slow: 0, gated: 0 };

// The worker's versions of the tools.
const lookup = tool({
  name: 'lookup',
  description: 'Looks a key up.',
  input: z.object({ key: z.string(), limit: z.number().int() }),
  run: ({ key }) => {
    ran.lookup++;
    return `value of ${key}`;
  },
});
const notify = tool({
  name: 'notify',
  description: 'Notifies someone.',
  input: z.object({ to: z.string() }),
  human: { kind: 'confirmation' },
  run: ({ to }) => `notified ${to}`,
});
const slow = tool({
  name: 'slow',
  description: 'Takes five seconds unless stopped.',
  input: z.object({}),
  timeoutMs: 300,
  maxAttempts: 2,
  run: async (_input, { signal }) => {
    ran.slow++;
    await sleep(5000, signal);
    return 'finished';
  },
});
const gated = tool({
  name: 'gated',
  description: 'Runs once a human agrees.',
  input: z.object({}),
  human: { kind: 'confirmation' },
  run: () => {
    ran.gated++;
    return 'gated ran';
  },
});

const patient = tool({
  name: 'patient',
  description: 'Runs with a heartbeat timeout of its own.',
  input: z.object({}),
  heartbeatTimeoutMs: 7_000,
  run: () => 'patient ran',
});

// What an older (or newer) client has of two of them: another input schema, and no human gate.
const clientLookup = tool({
  name: 'lookup',
  description: 'Looks a key up.',
  input: z.object({ key: z.string() }),
  run: () => 'never runs on the client',
});
const clientNotify = tool({ name: 'notify', description: 'Notifies someone.', input: z.object({ to: z.string() }), run: () => 'x' });

let h: Harness;
before(async () => {
  h = await startHarness({ tools: [lookup, notify, slow, gated, patient] });
});
after(async () => {
  await h?.close();
});
beforeEach(() => {
  h.fake.reset();
  ran = { lookup: 0, slow: 0, gated: 0 };
});

async function startPlain(tools: AgentRunInput['task']['tools']): Promise<string> {
  const runId = `plain-${randomUUID()}`;
  const input: AgentRunInput = { task: { description: 'use the tool', tools }, model: 'claude-sonnet-4-6' };
  await h.client.workflow.start(WORKFLOW_TYPE, { workflowId: runId, taskQueue: h.taskQueue, args: [input] });
  return runId;
}

describe('tools resolved on the worker', () => {
  test('a client whose tools differ from the worker\'s is refused before any model call, naming tool, versions and parts', async () => {
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'lookup', input: { key: 'a' } }]), textTurn('done')]));
    const output = await h.agent().do(new Task({ description: 'look a up', tools: [clientLookup, clientNotify, slow] }));

    assert.equal(output.status, RunStatus.error);
    assert.equal(output.error?.name, FailureTypes.toolMismatch);
    assert.equal(h.fake.requests.length, 0, 'the model was never called');
    assert.deepEqual(output.stepResults, []);
    assert.equal(ran.lookup, 0);
    const message = output.error?.message ?? '';
    for (const [client, worker] of [
      [clientLookup, lookup],
      [clientNotify, notify],
    ] as const) {
      assert.notEqual(toolFingerprint(client), toolFingerprint(worker));
      assert.match(message, new RegExp(`tool "${client.name}": the client's version \\(fingerprint ${toolFingerprint(client)}\\) is not the worker's \\(fingerprint ${toolFingerprint(worker)}\\)`));
    }
    assert.match(message, /"lookup": [^;]*; they differ in: input schema;/);
    assert.match(message, /"notify": [^;]*; they differ in: human gate\./);
    assert.doesNotMatch(message, /"slow"/, 'the tool both sides agree on is not named');
  });

  test('a tool the worker lacks fails the run before any model call', async () => {
    const absent = tool({ name: 'absent', description: 'Not on the worker.', input: z.object({}), run: () => 'x' });
    const output = await h.agent().do(new Task({ description: 'use absent', tools: [slow, absent] }));
    assert.equal(output.status, RunStatus.error);
    assert.equal(output.error?.name, FailureTypes.toolNotRegistered);
    assert.match(output.error?.message ?? '', new RegExp(`tool "absent" but the worker polling task queue "${h.taskQueue}" has no such tool \\(it has: lookup, notify, slow, gated, patient\\)`));
    assert.equal(h.fake.requests.length, 0);
  });

  test('the run carries names and fingerprints; the worker\'s timeoutMs is the one that stops the tool', async () => {
    const spec = new Task({ description: 'run slow', tools: [slow, notify] }).toSpec();
    assert.deepEqual(spec.tools, [
      { name: 'slow', fingerprint: toolFingerprint(slow) },
      { name: 'notify', fingerprint: toolFingerprint(notify), requires: 'confirmation' },
    ]);
    assert.match(toolFingerprint(slow), /^[0-9a-f]{8}(\.[0-9a-f]{8}){3}$/);

    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'slow', input: {} }]), textTurn('it was stopped')]));
    const started = Date.now();
    const output = await h.agent().do(new Task({ description: 'run slow', tools: [slow] }));
    assert.equal(output.status, RunStatus.completed, JSON.stringify(output.error));
    const step = output.stepResults.find((s) => s.name === 'tool:slow');
    assert.equal(step?.output, 'Tool slow timed out after 300 ms and was stopped.');
    assert.ok(Date.now() - started < 4500, 'the tool was stopped by its 300 ms limit, not left to finish');
  });

  test("heartbeat timeouts: 3 s by default, the task's for its steps, a tool's own (tool({ heartbeatTimeoutMs })) for its steps", async () => {
    const heartbeatTimeouts = async (runId: string): Promise<string[]> => {
      const history = await h.client.workflow.getHandle(runId).fetchHistory();
      return (history.events ?? []).flatMap((e) => {
        const a = e.activityTaskScheduledEventAttributes;
        if (!a || a.activityId === 'resolve-tools') return [];
        const ms = Number(a.heartbeatTimeout?.seconds ?? 0) * 1000 + Math.round((a.heartbeatTimeout?.nanos ?? 0) / 1e6);
        return [`${a.activityId?.replace(/-toolu_\w+/, '')} ${ms}`];
      });
    };
    const script = () => scriptedResponder([toolTurn([{ name: 'lookup', input: { key: 'a', limit: 1 } }, { name: 'patient', input: {} }]), textTurn('done')]);
    h.fake.setResponder(script());
    const byDefault = await h.agent().do(new Task({ description: 'look a up patiently', tools: [lookup, patient] }));
    assert.equal(byDefault.status, RunStatus.completed, JSON.stringify(byDefault.error));
    assert.deepEqual(await heartbeatTimeouts(byDefault.runId), ['step-0-model 3000', 'step-1-tool-lookup 3000', 'step-2-tool-patient 7000', 'step-3-model 3000']);
    h.fake.reset();
    h.fake.setResponder(script());
    const set = await h.agent().do(new Task({ description: 'look a up patiently', tools: [lookup, patient], timeouts: { heartbeatTimeoutMs: 5_000 } }));
    assert.deepEqual(await heartbeatTimeouts(set.runId), ['step-0-model 5000', 'step-1-tool-lookup 5000', 'step-2-tool-patient 7000', 'step-3-model 5000']);
    // It is the tool's policy: a client whose copy lacks it is refused, naming the policy; a bad value at once.
    const clientPatient = tool({ name: 'patient', description: 'Runs with a heartbeat timeout of its own.', input: z.object({}), run: () => 'x' });
    const refused = await h.agent().do(new Task({ description: 'patient', tools: [clientPatient] }));
    assert.equal(refused.error?.name, FailureTypes.toolMismatch);
    assert.match(refused.error?.message ?? '', /they differ in: policy \(timeoutMs, maxAttempts, heartbeatTimeoutMs\)/);
    assert.throws(() => tool({ name: 'bad', description: 'x', input: z.object({}), heartbeatTimeoutMs: 0.5, run: () => 'x' }), /Tool bad: heartbeatTimeoutMs must be a positive whole number of ms, got 0\.5/);
  });

  test('a policy only the worker has is honoured: a run from a plain Temporal client that names just the tool pauses at its gate', async () => {
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'gated', input: {} }]), textTurn('gated done')]));
    const runId = await startPlain([{ name: 'gated' }]);
    const handle = h.client.workflow.getHandle(runId);
    let waiting: Requirement[] = [];
    await waitFor(async () => (waiting = await handle.query(requirementsQuery)).length === 1, 'the run to wait for a confirmation');
    assert.equal(waiting[0]?.kind, 'confirmation');
    assert.equal(ran.gated, 0, 'the gated tool did not run before the human answered');
    // The history reader takes the gate from the worker's resolution too: the run reads as paused, waiting for it.
    const paused = await getRunOutput(runId, { client: h.client });
    assert.equal(paused.status, RunStatus.paused);
    assert.deepEqual(paused.requirements.map((r) => `${r.kind} ${r.toolName} ${r.id}`), [`confirmation gated ${waiting[0]!.id}`]);
    await handle.executeUpdate(resolveRequirementUpdate, { args: [{ id: waiting[0]!.id, approve: true }] });
    await handle.result();
    assert.equal(ran.gated, 1);
    const output = await getRunOutput(runId, { client: h.client });
    assert.equal(output.status, RunStatus.completed);
    assert.equal(output.output, 'gated done');
  });

  test('a run input in the shape recorded before (policies, no fingerprints) works when it agrees with the worker, and is refused when not', async () => {
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'slow', input: {} }]), textTurn('old shape done')]));
    const agreeing = await startPlain([{ name: 'slow', timeoutMs: 300, maxAttempts: 2 }]);
    await h.client.workflow.getHandle(agreeing).result();
    const ok = await getRunOutput(agreeing, { client: h.client });
    assert.equal(ok.status, RunStatus.completed);
    assert.equal(ok.stepResults.find((s) => s.name === 'tool:slow')?.output, 'Tool slow timed out after 300 ms and was stopped.');

    h.fake.reset();
    const disagreeing = await startPlain([{ name: 'slow', timeoutMs: 60_000 }]);
    await assert.rejects(h.client.workflow.getHandle(disagreeing).result());
    const refused = await getRunOutput(disagreeing, { client: h.client });
    assert.equal(refused.error?.name, FailureTypes.toolMismatch);
    assert.match(refused.error?.message ?? '', /tool "slow": the run gives timeoutMs 60000 but the worker's tool \(fingerprint [0-9a-f.]{35}\) has timeoutMs 300/);
    assert.equal(h.fake.requests.length, 0);
  });
});
