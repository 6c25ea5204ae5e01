// agent.stream(): the run's events as it works (steps, the model's text as it streams, tool results, the end); each
// has an offset in the run's event log, so a client that stopped resumes there, from any process (streamRun).
// Run: TEMPORAL_ADDRESS=localhost:7233 npx tsx examples/streaming/main.ts
import { fileURLToPath } from 'node:url';
import { Agent, Task, closeConnections, streamRun, tool, type StreamEvent } from 'durable-agent';
import { textTurn, toolTurn } from 'durable-agent/testing';
import { z } from 'zod';
import { startExample, type ExampleOptions } from '../shared/setup.js';

const forecast = tool({
  name: 'forecast',
  description: "Tomorrow's weather in a city.",
  input: z.object({ city: z.string() }),
  run: async ({ city }) => `${city}: 7 °C, light rain`,
});

/** One line per event: its offset, its type and what it carries. */
function describe(event: StreamEvent): string {
  const at = `[${event.offset}]`.padEnd(6);
  switch (event.type) {
    case 'step_started': return `${at} step ${event.step.index} ${event.step.name} started`;
    case 'text_delta': return `${at} text ${JSON.stringify(event.text)}`;
    case 'step_completed': return `${at} step ${event.step.index} ${event.step.name} ${event.step.status}`;
    case 'tool_result': return `${at} ${event.toolName} → ${event.content}`;
    case 'completed': case 'cancelled': case 'error': return `${at} ${event.type}: ${String(event.output.output)}`;
    default: return `${at} ${event.type}`;
  }
}

export async function streamAndReconnect(options: ExampleOptions = {}): Promise<{ live: StreamEvent[]; resumed: StreamEvent[]; fromOffset: number }> {
  const example = await startExample('streaming', {
    ...options,
    tools: [forecast],
    anthropic: [toolTurn([{ name: 'forecast', input: { city: 'Oslo' } }]), textTurn('Tomorrow in Oslo: 7 °C with light rain. Take an umbrella.', { chunkDelayMs: 20 })],
  });
  const { connection, print } = example;
  try {
    const live: StreamEvent[] = [];
    for await (const event of new Agent('anthropic/claude-sonnet-4-6', connection).stream(new Task({ description: 'Weather in Oslo tomorrow?', tools: [forecast] }))) {
      live.push(event);
      print(describe(event));
    }
    // A client that stopped after the tool's result (a closed tab, a crashed process) picks up where it was.
    const last = live.find((e) => e.type === 'tool_result') ?? live[0];
    if (!last) throw new Error('the stream yielded nothing');
    print(`reconnecting: streamRun(${last.runId}, { fromOffset: ${last.nextOffset} })`);
    const resumed: StreamEvent[] = [];
    for await (const event of streamRun(last.runId, { ...connection, fromOffset: last.nextOffset })) {
      resumed.push(event);
      print(describe(event));
    }
    return { live, resumed, fromOffset: last.nextOffset };
  } finally {
    await example.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await streamAndReconnect();
  await closeConnections();
}
