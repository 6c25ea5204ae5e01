// The quick start: a run cancelled while its tool works, continued by its run id from a new Agent. The completed
// model step comes from history; the cut tool call runs again from its checkpoint; then the model answers.
// Run: TEMPORAL_ADDRESS=localhost:7233 npx tsx examples/cancel-continue/main.ts
import { fileURLToPath } from 'node:url';
import { Agent, Task, cancelRun, closeConnections, RunStatus, type RunOutput } from 'durable-agent';
import { textTurn, toolTurn } from 'durable-agent/testing';
import { longRunningTask, startExample, stepLines, whenStepRuns, type ExampleOptions } from '../shared/setup.js';

export async function cancelAndContinue(options: ExampleOptions = {}): Promise<{ cancelled: RunOutput; result: RunOutput }> {
  const example = await startExample('cancel-continue', {
    ...options,
    tools: [longRunningTask],
    // Offline, the model calls the tool for 2 s, then answers with the tool's result.
    anthropic: [toolTurn([{ name: 'long_running_task', input: { seconds: 2 } }]), textTurn('The task finished.')],
  });
  const { connection, print } = example;
  try {
    const agent = new Agent('anthropic/claude-sonnet-4-6', connection);
    const task = new Task({ description: 'Call long_running_task with 2 seconds.', tools: [longRunningTask] });
    const handle = await agent.start(task);
    print(`run id: ${handle.runId}`);
    await whenStepRuns(handle.runId, 'tool:long_running_task', connection);
    await cancelRun(handle.runId, connection);
    const cancelled = await handle.result();
    print(`status: ${cancelled.status}`, ...stepLines(cancelled.stepResults));
    if (cancelled.status !== RunStatus.cancelled) return { cancelled, result: cancelled };

    // Any process, any time later: a new Agent continues the run by its id.
    const result = await new Agent('anthropic/claude-sonnet-4-6', connection).continueRun({ runId: cancelled.runId });
    print(`status: ${result.status}`, ...stepLines(result.stepResults));
    print(`output: ${String(result.output)}`);
    return { cancelled, result };
  } finally {
    await example.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await cancelAndContinue();
  await closeConnections();
}
