// What every example sets up: a worker (createWorker) with the example's tools against TEMPORAL_ADDRESS, and the
// offline fakes answering the example's scripted turns, unless a real API key is set (then the worker uses the API).
import { createOpenAI } from '@ai-sdk/openai';
import { getLiveSteps, sleep, tool, type Tool } from 'durable-agent';
import { createWorker, type CreateWorkerOptions } from 'durable-agent/worker';
import { FakeAnthropicServer, FakeOpenAIServer, scriptedResponder, type FakeTurn } from 'durable-agent/testing';
import { z } from 'zod';

/** What a test (or a caller) may set; everything has a default for `npx tsx main.ts`. */
export interface ExampleOptions {
  /** Temporal's address; default TEMPORAL_ADDRESS, else localhost:7233. */
  address?: string;
  /** Use the fakes even when ANTHROPIC_API_KEY / OPENAI_API_KEY is set (the test does). */
  offline?: boolean;
  /** Where the example prints; default console.log. */
  print?: (line: string) => void;
  /** Prebuilt workflow code for createWorker (the test bundles once for every example). */
  workflowBundle?: CreateWorkerOptions['workflowBundle'];
}

export interface ExampleSetup {
  /** What Agent, cancelRun and streamRun take to reach this example's worker. */
  connection: { address: string; taskQueue: string };
  /** Set when offline: the fakes, to look at what they were asked or to inject faults. */
  anthropicFake?: FakeAnthropicServer;
  openaiFake?: FakeOpenAIServer;
  /** Prints each line (through options.print). */
  print: (...lines: string[]) => void;
  close(): Promise<void>;
}

export async function startExample(
  name: string,
  options: ExampleOptions & { tools: Tool[]; anthropic?: FakeTurn[]; openai?: FakeTurn[]; contextWindow?: number },
): Promise<ExampleSetup> {
  const printLine = options.print ?? ((line: string) => console.log(line));
  const print = (...lines: string[]): void => lines.forEach((line) => printLine(line));
  const address = options.address ?? process.env.TEMPORAL_ADDRESS ?? 'localhost:7233';
  const taskQueue = `durable-agent-example-${name}`;
  const offlineAnthropic = options.offline === true || !process.env.ANTHROPIC_API_KEY;
  const offlineOpenAI = options.offline === true || !process.env.OPENAI_API_KEY;
  const contextWindow = options.contextWindow !== undefined ? { contextWindow: options.contextWindow } : {};
  const anthropicFake = offlineAnthropic ? await FakeAnthropicServer.start({ responder: scriptedResponder(options.anthropic ?? []), ...contextWindow }) : undefined;
  const openaiFake = options.openai && offlineOpenAI ? await FakeOpenAIServer.start({ responder: scriptedResponder(options.openai) }) : undefined;
  if (anthropicFake || openaiFake) print('(offline: the model answers come from the fakes of durable-agent/testing, scripted)');
  // `openai/<model>` runs through @ai-sdk/openai's Chat Completions model: the fake's, or the real API's with OPENAI_API_KEY.
  const openai = options.openai ? createOpenAI(openaiFake ? { baseURL: openaiFake.baseURL, apiKey: 'offline' } : {}) : undefined;
  const worker = await createWorker({
    address,
    taskQueue,
    tools: options.tools,
    tracing: false, // no OpenTelemetry export from the examples
    ...(anthropicFake ? { anthropic: { baseURL: anthropicFake.url, apiKey: 'offline' } } : {}),
    ...(openai ? { models: { openai: (id: string) => openai.chat(id) } } : {}),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : {}),
  });
  const running = worker.run();
  return {
    connection: { address, taskQueue },
    ...(anthropicFake ? { anthropicFake } : {}),
    ...(openaiFake ? { openaiFake } : {}),
    print,
    async close() {
      worker.shutdown();
      await running;
      await anthropicFake?.close();
      await openaiFake?.close();
    },
  };
}

/**
 * The quick start's tool, short: works `seconds` in 100 ms ticks and reports its progress (`heartbeat`); cut by a
 * cancel, it resumes from that checkpoint when the run continues, and says where it resumed.
 */
export const longRunningTask = tool({
  name: 'long_running_task',
  description: 'A task that takes time to complete.',
  input: z.object({ seconds: z.number() }),
  run: async ({ seconds }, { signal, heartbeat, checkpoint }) => {
    const resumedAt = (checkpoint as { elapsedMs?: number } | undefined)?.elapsedMs ?? 0;
    for (let elapsedMs = resumedAt; elapsedMs < seconds * 1000; elapsedMs += 100) {
      await sleep(100, signal);
      heartbeat({ elapsedMs: elapsedMs + 100 });
    }
    return `Completed after ${seconds} seconds${resumedAt ? ` (resumed at ${(resumedAt / 1000).toFixed(1)} s)` : ''}`;
  },
});

/** Waits until the run's step `name` is running, then `afterMs` more (so a cancel cuts that step mid-way). */
export async function whenStepRuns(runId: string, name: string, connection: ExampleSetup['connection'], afterMs = 500): Promise<void> {
  const until = Date.now() + 30_000;
  while (!(await getLiveSteps(runId, connection).catch(() => [])).some((s) => s.name === name && s.status === 'running')) {
    if (Date.now() > until) throw new Error(`${name} never started in run ${runId}`);
    await sleep(100);
  }
  await sleep(afterMs);
}

/** One line per step: index, name, status, execution, model. */
export const stepLines = (steps: Array<{ index: number; name: string; status: string; execution: number; model?: string }>): string[] =>
  steps.map((s) => `  ${s.index} ${s.name.padEnd(24)} ${s.status.padEnd(10)} exec ${s.execution}${s.model ? `  ${s.model}` : ''}`);
