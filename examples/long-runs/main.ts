// Task({ continueAsNewEvery }): a long run continues as new — a new execution of the same run id whose history starts
// afresh — every few steps, and still reads as one run: one run id, every step once in `stepResults`, one stream whose
// offsets run on across the boundaries. Here 10 turns of a tool call continue as new every 6 steps (4 executions).
// Run: TEMPORAL_ADDRESS=localhost:7233 npx tsx examples/long-runs/main.ts
import { fileURLToPath } from 'node:url';
import { Agent, Task, closeConnections, streamRun, tool, type RunOutput, type StreamEvent } from 'durable-agent';
import { textTurn, toolTurn } from 'durable-agent/testing';
import { z } from 'zod';
import { startExample, type ExampleOptions } from '../shared/setup.js';

const TURNS = 10;

const checkShelf = tool({
  name: 'check_shelf',
  description: 'Counts the items on one shelf of the warehouse.',
  input: z.object({ shelf: z.number().int() }),
  run: ({ shelf }) => `Shelf ${shelf}: ${(shelf * 7) % 13} items.`,
});

export async function inventory(options: ExampleOptions = {}): Promise<{ output: RunOutput; events: StreamEvent[] }> {
  const example = await startExample('long-runs', {
    ...options,
    tools: [checkShelf],
    // Offline: the model checks the shelves one by one, then answers.
    anthropic: [
      ...Array.from({ length: TURNS }, (_, i) => toolTurn([{ name: 'check_shelf', input: { shelf: i + 1 } }])),
      textTurn(`All ${TURNS} shelves counted.`),
    ],
  });
  try {
    const agent = new Agent('anthropic/claude-sonnet-4-6', example.connection);
    const task = new Task({
      description: `Count the items on shelves 1 to ${TURNS} (check_shelf, one at a time), then report.`,
      tools: [checkShelf],
      // A new execution every 6 steps; without it the run continues as new when Temporal suggests it.
      continueAsNewEvery: 6,
    });
    const handle = await agent.start(task);
    // One stream over every execution, from offset 0: each execution begins with a run_started event.
    const events: StreamEvent[] = [];
    for await (const event of streamRun(handle.runId, example.connection)) {
      events.push(event);
      if (event.type === 'run_started') example.print(`execution ${event.execution} started at offset ${event.offset} (${event.executionRunId})`);
    }
    const output = await handle.result();
    example.print(
      `status: ${output.status}, ${output.executions} executions, steps ${output.stepResults.map((s) => s.index).join(',')}`,
      `output: ${String(output.output)}`,
    );
    return { output, events };
  } finally {
    await example.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await inventory();
  await closeConnections();
}
