// Task({ output: zod object }): the run's output is the parsed, checked object, typed from the schema.
// Run: TEMPORAL_ADDRESS=localhost:7233 npx tsx examples/structured-output/main.ts
import { fileURLToPath } from 'node:url';
import { Agent, Task, closeConnections, type RunOutput } from 'durable-agent';
import { textTurn } from 'durable-agent/testing';
import { z } from 'zod';
import { startExample, type ExampleOptions } from '../shared/setup.js';

const weather = z.object({
  city: z.string(),
  celsius: z.number().int().min(-90).max(60),
  conditions: z.array(z.string()),
});

export async function typedWeather(options: ExampleOptions = {}): Promise<RunOutput<z.infer<typeof weather>>> {
  const example = await startExample('structured-output', {
    ...options,
    tools: [],
    // Offline, the model answers with JSON; the worker checks it against the whole schema before the run completes.
    anthropic: [textTurn(JSON.stringify({ city: 'Oslo', celsius: 7, conditions: ['light rain', 'wind'] }))],
  });
  try {
    const agent = new Agent('anthropic/claude-sonnet-4-6', example.connection);
    const output = await agent.do(new Task({ description: 'Describe the weather in Oslo today.', output: weather }));
    // output.output is { city: string; celsius: number; conditions: string[] } | undefined: typed, no casts.
    if (output.output) example.print(`status: ${output.status}`, `${output.output.city}: ${output.output.celsius} °C, ${output.output.conditions.join(', ')}`);
    else example.print(`status: ${output.status} ${output.error?.message ?? ''}`);
    return output;
  } finally {
    await example.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await typedWeather();
  await closeConnections();
}
