// A tool that needs a human's approval: the run pauses (status `paused`, its requirements say what it waits for),
// costs nothing while it waits, and resumes in place when any process answers it (agent.answerRun).
// Run: TEMPORAL_ADDRESS=localhost:7233 npx tsx examples/human-in-the-loop/main.ts
import { fileURLToPath } from 'node:url';
import { Agent, Task, closeConnections, tool, RunStatus, type RunOutput } from 'durable-agent';
import { textTurn, toolTurn } from 'durable-agent/testing';
import { z } from 'zod';
import { startExample, stepLines, type ExampleOptions } from '../shared/setup.js';

/** Where the transfers land, so the caller can see that it ran once, after the approval. */
export const transfers: Array<{ to: string; amount: number }> = [];

const transfer = tool({
  name: 'transfer',
  description: 'Transfers money to an account.',
  input: z.object({ to: z.string(), amount: z.number() }),
  human: { kind: 'confirmation' },
  run: async ({ to, amount }) => {
    transfers.push({ to, amount });
    return `Transferred ${amount} EUR to ${to}.`;
  },
});

export async function approveTransfer(options: ExampleOptions = {}): Promise<{ paused: RunOutput; result: RunOutput }> {
  const example = await startExample('human-in-the-loop', {
    ...options,
    tools: [transfer],
    anthropic: [toolTurn([{ name: 'transfer', input: { to: 'ACME', amount: 250 } }]), textTurn('Done: 250 EUR went to ACME.')],
  });
  const { connection, print } = example;
  try {
    const agent = new Agent('anthropic/claude-sonnet-4-6', connection);
    const paused = await agent.do(new Task({ description: 'Pay ACME 250 EUR.', tools: [transfer] }));
    print(`status: ${paused.status}`);
    for (const r of paused.requirements) print(`  waits for: ${r.kind} of ${r.toolName} ${JSON.stringify(r.toolInput)} (id ${r.id})`);
    if (paused.status !== RunStatus.paused) return { paused, result: paused };

    // Hours later, from any process: approve (or { id, approve: false, note } to refuse; the model is told).
    const result = await agent.answerRun({ runId: paused.runId, answers: paused.requirements.map((r) => ({ id: r.id, approve: true })) });
    print(`status: ${result.status}`, ...stepLines(result.stepResults), `output: ${String(result.output)}`);
    return { paused, result };
  } finally {
    await example.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await approveTransfer();
  await closeConnections();
}
