// Guardrails and a money budget on the worker: piiRedaction takes the email, phone and card number out of the task
// before it leaves for the model; an outputBlocklist would stop a run whose answer names an internal codename; and a
// run with limits.maxCostUsd below one call's cost has that call cut mid-answer, stops `budget`, and completes once
// continued with a raised budget. Costs come from the worker's price table.
// Run: TEMPORAL_ADDRESS=localhost:7233 npx tsx examples/guardrails-and-budget/main.ts
import { fileURLToPath } from 'node:url';
import { Agent, Task, closeConnections, type RunOutput } from 'durable-agent';
import { outputBlocklist, piiRedaction } from 'durable-agent/worker';
import { scriptedResponder, textTurn } from 'durable-agent/testing';
import { startExample, type ExampleOptions } from '../shared/setup.js';

const usd = (n: number | undefined): string => (n === undefined ? 'unpriced' : `$${n.toFixed(6)}`);

export interface GuardedRuns {
  redacted: RunOutput;
  /** What the model received of the first run (offline only: the fake's record of the request). */
  sent?: string;
  stopped: RunOutput;
  continued: RunOutput;
}

export async function guardrailsAndBudget(options: ExampleOptions = {}): Promise<GuardedRuns> {
  const example = await startExample('guardrails-and-budget', {
    ...options,
    tools: [],
    // Every run on this worker goes through both, unless its task picks others (Task({ guardrails: ['pii'] })).
    guardrails: [piiRedaction(), outputBlocklist({ patterns: ['project heron'] })],
    anthropic: [textTurn('I will write to the customer without repeating their details.')],
  });
  try {
    const agent = new Agent('anthropic/claude-sonnet-4-6', example.connection);
    const redacted = await agent.do(
      new Task('Draft a reply to Jane Roe (jane.roe@example.com, +1 415-555-0132), who paid with card 4111 1111 1111 1111.'),
    );
    const sent = example.anthropicFake ? JSON.stringify(example.anthropicFake.requests[0]?.body.messages) : undefined;
    example.print(`redacted run: ${redacted.status}`, `  the model received: ${sent ?? '(the real API: see the step notes)'}`);
    for (const note of redacted.stepResults.flatMap((s) => s.guardrails ?? [])) example.print(`  ${note.guardrail} (${note.stage}): ${note.detail}`);

    // A long answer, streamed: with a budget of one cent, the call is cut when its running cost passes it.
    const answer = 'Revenue rose in every region; costs fell in two. '.repeat(80);
    example.anthropicFake?.setResponder(scriptedResponder([textTurn(answer, { usage: { input_tokens: 1000, output_tokens: 1000 }, chunkDelayMs: 2 })]));
    const stopped = await agent.do(new Task({ description: 'Summarise the quarter at length.', limits: { maxCostUsd: 0.01 } }));
    example.print(`budgeted run: ${stopped.status}, stop: ${stopped.stop?.reason} (${stopped.stop?.limit}): ${stopped.stop?.message}`);
    example.print(`  spent ${usd(stopped.usage.costUsd)}; the cut call streamed ${stopped.stepResults[0]?.output?.length ?? 0} characters`);
    const continued = await agent.continueRun({ runId: stopped.runId, limits: { maxCostUsd: 0.05 } });
    example.print(`continued with $0.05: ${continued.status}, ${usd(continued.usage.costUsd)} in all`);
    return { redacted, ...(sent !== undefined ? { sent } : {}), stopped, continued };
  } finally {
    await example.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await guardrailsAndBudget();
  await closeConnections();
}
