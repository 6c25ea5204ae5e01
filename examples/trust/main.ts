// Trust: a human gate decided per call by the worker's policy (a payment of 50 runs unasked, one of 500 waits for a
// human), and honest resume of a side effect (a charge not safe to repeat, cut mid-call, is not run again on continue:
// the model is told it may or may not have taken effect).
// Run: TEMPORAL_ADDRESS=localhost:7233 npx tsx examples/trust/main.ts
import { fileURLToPath } from 'node:url';
import { Agent, Task, cancelRun, closeConnections, idempotencyHeaders, sleep, tool, RunStatus, type RunOutput } from 'durable-agent';
import { scriptedByTask, textTurn, toolTurn, type FakeTurn } from 'durable-agent/testing';
import { z } from 'zod';
import { startExample, stepLines, type ExampleOptions } from '../shared/setup.js';

/** What ran, so the caller can see each payment and charge happened once. */
export const ledger: string[] = [];

const pay = tool({
  name: 'pay',
  description: 'Pays an amount in EUR.',
  input: z.object({ amount: z.number() }),
  // The policy runs on the worker before each call; its decision is recorded in the run's history.
  human: { kind: 'confirmation', when: ({ amount }) => amount > 100 },
  run: ({ amount }) => {
    ledger.push(`pay ${amount}`);
    return `Paid ${amount} EUR.`;
  },
});

let chargeStarted: () => void = () => undefined;
const charge = tool({
  name: 'charge',
  description: 'Charges the customer card.',
  input: z.object({ amount: z.number() }),
  idempotent: false, // a charge cut mid-call is never run again blindly
  run: async ({ amount }, ctx) => {
    // A real charge would send the key to the payment API: fetch(url, { headers: idempotencyHeaders(ctx), ... }).
    ledger.push(`charge ${amount} (${idempotencyHeaders(ctx)['Idempotency-Key'].slice(0, 8)}…)`);
    ctx.heartbeat({ stage: 'request sent' });
    chargeStarted();
    await sleep(60_000, ctx.signal); // the card network hangs; the run is cancelled meanwhile
    return `Charged ${amount} EUR.`;
  },
});

const PAYMENTS = 'Pay 50 EUR, then 500 EUR.';
const CHARGE = 'Charge 30 EUR.';
const SCRIPTS: Record<string, FakeTurn[]> = {
  [PAYMENTS]: [toolTurn([{ name: 'pay', input: { amount: 50 } }]), toolTurn([{ name: 'pay', input: { amount: 500 } }]), textTurn('Paid 50 and 500 EUR.')],
  [CHARGE]: [
    toolTurn([{ name: 'charge', input: { amount: 30 } }]),
    textTurn('The charge was interrupted and may have gone through: I will check the card statement before charging again.'),
  ],
};

export async function trust(options: ExampleOptions = {}): Promise<{ paused: RunOutput; paid: RunOutput; cancelled: RunOutput; resumed: RunOutput }> {
  const example = await startExample('trust', { ...options, tools: [pay, charge] });
  // Offline, each run's turns come from its own script (scriptedResponder's turn numbers count within one run).
  example.anthropicFake?.setResponder(scriptedByTask(SCRIPTS));
  const { connection, print } = example;
  try {
    const agent = new Agent('anthropic/claude-sonnet-4-6', connection);
    const paused = await agent.do(new Task({ description: PAYMENTS, tools: [pay] }));
    print(`status: ${paused.status} (ran so far: ${ledger.join(', ')})`);
    for (const r of paused.requirements) print(`  waits for: ${r.kind} of ${r.toolName} ${JSON.stringify(r.toolInput)}`);
    const paid = await agent.answerRun({ runId: paused.runId, answers: paused.requirements.map((r) => ({ id: r.id, approve: true })) });
    print(`status: ${paid.status}`, ...stepLines(paid.stepResults), `output: ${String(paid.output)}`);

    const started = new Promise<void>((resolve) => (chargeStarted = resolve));
    const charging = new Agent('anthropic/claude-sonnet-4-6', connection);
    const pending = charging.do(new Task({ description: CHARGE, tools: [charge] }));
    await started;
    await sleep(300); // the charge's checkpoint reaches Temporal with its next heartbeat
    await cancelRun(charging.runId!, connection);
    const cancelled = await pending;
    print(`status: ${cancelled.status}`);
    const resumed = await charging.continueRun({ runId: cancelled.runId });
    const told = resumed.messages.flatMap((m) => (Array.isArray(m.content) ? m.content : [])).find((b) => b.type === 'tool_result');
    print(`status: ${resumed.status}`, `the model was told: ${told?.type === 'tool_result' ? String(told.content) : '(nothing)'}`, `output: ${String(resumed.output)}`);
    print(`ledger: ${ledger.join(', ')}`);
    return { paused, paid, cancelled, resumed };
  } finally {
    await example.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { resumed } = await trust();
  await closeConnections();
  if (resumed.status !== RunStatus.completed) process.exitCode = 1;
}
