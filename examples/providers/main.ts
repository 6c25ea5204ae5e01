// Any provider: an `openai/…` run goes through @ai-sdk/openai (registered on the worker); cut mid-tool, it continues
// on `anthropic/…` (the transcript is translated, tool calls stay paired with their results); and a fallback model
// takes a step when the first one keeps failing. Each model step names the model that answered.
// Run: TEMPORAL_ADDRESS=localhost:7233 npx tsx examples/providers/main.ts   (OPENAI_API_KEY, ANTHROPIC_API_KEY: the real APIs)
import { fileURLToPath } from 'node:url';
import { Agent, Task, cancelRun, closeConnections, type RunOutput } from 'durable-agent';
import { textTurn, toolTurn } from 'durable-agent/testing';
import { longRunningTask, startExample, stepLines, whenStepRuns, type ExampleOptions } from '../shared/setup.js';

export async function acrossProviders(options: ExampleOptions = {}): Promise<{ cancelled: RunOutput; continued: RunOutput; fallback: RunOutput }> {
  const example = await startExample('providers', {
    ...options,
    tools: [longRunningTask],
    openai: [toolTurn([{ name: 'long_running_task', input: { seconds: 2 } }])],
    // The fakes script by turn (the assistant messages a request carries): the fallback's fresh run asks for turn 0,
    // the continued run (one assistant turn already in its transcript) for turn 1.
    anthropic: [textTurn('Claude here: answered in place of gpt-5.'), textTurn('Claude here: the task finished.')],
  });
  const { connection, print } = example;
  try {
    const task = new Task({ description: 'Call long_running_task with 2 seconds.', tools: [longRunningTask] });
    const handle = await new Agent('openai/gpt-5', connection).start(task);
    await whenStepRuns(handle.runId, 'tool:long_running_task', connection);
    await cancelRun(handle.runId, connection);
    const cancelled = await handle.result();
    print(`openai/gpt-5 run: ${cancelled.status}`, ...stepLines(cancelled.stepResults));

    const continued = await new Agent('anthropic/claude-sonnet-4-6', connection).continueRun({ runId: cancelled.runId, model: 'anthropic/claude-sonnet-4-6' });
    print(`continued on anthropic/claude-sonnet-4-6: ${continued.status}`, ...stepLines(continued.stepResults), `output: ${String(continued.output)}`);

    // Offline, OpenAI answers 503 to both of gpt-5's attempts; the fallback takes the same step.
    example.openaiFake?.injectFaults({ kind: 'http', status: 503 }, { kind: 'http', status: 503 });
    const fallbackAgent = new Agent('openai/gpt-5', { ...connection, fallbacks: ['anthropic/claude-sonnet-4-6'], attemptsPerModel: 2 });
    const fallback = await fallbackAgent.do(new Task('Say hello.'));
    print(`with fallbacks: ${fallback.status}`, ...stepLines(fallback.stepResults), `output: ${String(fallback.output)}`);
    return { cancelled, continued, fallback };
  } finally {
    await example.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await acrossProviders();
  await closeConnections();
}
