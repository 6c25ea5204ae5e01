// The recordings of approvals by policy and approvals that reach the parent (scripts/record-histories.ts runs them): a
// run whose gate a policy decides per call (a payment of 50 runs unasked, one of 500 waits; saved paused and once
// answered), and an outer run whose inner agent waits for an approval, answered through the outer run (both saved).
import { z } from 'zod';
import type { Agent } from '../src/client/agent.js';
import { agentTool } from '../src/tools/agent-tool.js';
import { Task } from '../src/client/task.js';
import { tool } from '../src/tools/tool-definition.js';
import { scriptedByTask, scriptedResponder, textTurn, toolTurn, type FakeTurn } from '../src/testing/fake-anthropic/index.js';
import type { Harness } from '../test/helpers/harness.js';

const pay = tool({
  name: 'pay',
  description: 'Pays an amount; payments over 100 need a human to confirm.',
  input: z.object({ amount: z.number() }),
  human: { kind: 'confirmation', when: ({ amount }) => amount > 100 },
  run: ({ amount }) => `paid ${amount}`,
});
const treasurer = agentTool({ name: 'treasurer', description: 'Makes payments with its own tools.', task: { tools: [pay] } });

export const trustTools = [pay, treasurer];

const OUTER = 'Have the treasurer pay 500.';
const INNER = 'Pay 500.';
const scripts: Record<string, FakeTurn[]> = {
  [OUTER]: [toolTurn([{ name: 'treasurer', input: { task: INNER } }]), textTurn('The treasurer paid 500.')],
  [INNER]: [toolTurn([{ name: 'pay', input: { amount: 500 } }]), textTurn('inner: paid 500')],
};

type Save = (name: string, runId: string, executionRunId: string) => Promise<void>;

export async function recordTrust(h: Harness, agent: () => Agent, save: Save): Promise<void> {
  h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'pay', input: { amount: 50 } }]), toolTurn([{ name: 'pay', input: { amount: 500 } }]), textTurn('Paid both.')]));
  const payer = agent();
  const paused = await payer.do(new Task({ description: 'Pay 50, then 500.', tools: [pay] }));
  if (paused.status !== 'paused' || paused.requirements.length !== 1) throw new Error(`expected a run paused on the payment of 500, got ${paused.status}`);
  await save('gate-policy-paused', paused.runId, paused.executionRunId);
  const answered = await payer.answerRun({ runId: paused.runId, answers: [{ id: paused.requirements[0]!.id, approve: true }] });
  if (answered.status !== 'completed') throw new Error(`the answered run ended ${answered.status}`);
  await save('gate-policy-answered', answered.runId, answered.executionRunId);

  h.fake.setResponder(scriptedByTask(scripts));
  // Replay runs a saved history under its file's name as workflow id, and a sub-run reports to its caller only when its
  // id derives from the caller's: the outer run is named after its file, the inner one's file after its run id.
  const outer = h.agent({ newRunId: () => 'sub-run-approval' });
  const waiting = await outer.do(new Task({ description: OUTER, tools: [treasurer] }));
  const innerRunId = waiting.requirements[0]?.runId;
  if (waiting.status !== 'paused' || !innerRunId) throw new Error(`expected the outer run paused on its sub-run, got ${waiting.status}`);
  const done = await outer.answerRun({ runId: waiting.runId, answers: [{ id: waiting.requirements[0]!.id, approve: true }] });
  if (done.status !== 'completed') throw new Error(`the outer run ended ${done.status}`);
  await save('sub-run-approval', done.runId, done.executionRunId);
  const inner = await h.client.workflow.getHandle(innerRunId).describe();
  await save(innerRunId, innerRunId, inner.runId);
}
