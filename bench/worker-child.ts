// A worker in its own process: the concurrency section reads its memory from /proc/<pid>/status; the telemetry
// section runs one with tracing and metrics on and one with both off (a process's Temporal runtime is installed once);
// the providers section one with OpenAI and Bedrock registered beside Anthropic.
// Configured through BENCH_WORKER_CONFIG (JSON); tells the parent `ready` over IPC and stops on `stop`.
import { createOpenAI } from '@ai-sdk/openai';
import { AnthropicBedrock } from '@anthropic-ai/bedrock-sdk';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { ModelProvider } from '../src/models/providers.js';
import { createWorker } from '../src/worker/create-worker.js';
import { installQuietRuntime } from '../src/worker/quiet-runtime.js';
import { benchAnthropic, noopWithModelCalls } from './model-call-request.js';
import { benchTools, ToolProbe } from './tools.js';

export interface ChildWorkerConfig {
  address: string;
  taskQueue: string;
  fakeUrl: string;
  bundlePath: string;
  workerOptions: Record<string, number>;
  /** Prometheus metrics on this loopback port (Temporal's runtime metrics and the agent's). */
  metricsPort?: number;
  /** Traces exported over OTLP/HTTP to this endpoint; tracing is off without it. */
  otlpEndpoint?: string;
  /** Run the no-op baseline (bench/noop-workflow.ts at `bundlePath`, one `noop` activity) instead of the agent. */
  noop?: boolean;
  /** With `noop`: every even-numbered activity makes one model call (bench/model-call-request.ts), as agent steps do. */
  modelCalls?: boolean;
  /** Registers `openai`: @ai-sdk/openai's Chat Completions model against the OpenAI fake at this URL. */
  openaiUrl?: string;
  /** Registers `bedrock`: @anthropic-ai/bedrock-sdk against the Anthropic fake's Bedrock endpoint at this URL. */
  bedrockUrl?: string;
}

/** The providers the bench's agent worker registers beside the built-in anthropic one (the providers section). */
function benchModels(config: ChildWorkerConfig): Record<string, ModelProvider> {
  const models: Record<string, ModelProvider> = {};
  if (config.openaiUrl) {
    const openai = createOpenAI({ baseURL: `${config.openaiUrl}/v1`, apiKey: 'bench-key' });
    models.openai = (id) => openai.chat(id);
  }
  if (config.bedrockUrl) {
    models.bedrock = new AnthropicBedrock({ baseURL: config.bedrockUrl, awsRegion: 'us-east-1', awsAccessKey: 'bench', awsSecretKey: 'bench', maxRetries: 0 });
  }
  return models;
}

const config = JSON.parse(process.env.BENCH_WORKER_CONFIG ?? '') as ChildWorkerConfig;
installQuietRuntime(config.metricsPort ? { metrics: { port: config.metricsPort, host: '127.0.0.1' } } : {});
if (config.otlpEndpoint) process.env.OTEL_EXPORTER_OTLP_ENDPOINT = config.otlpEndpoint;
else delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
const connection = await NativeConnection.connect({ address: config.address });
const noop = config.modelCalls ? noopWithModelCalls(benchAnthropic(config.fakeUrl)) : async (index: number): Promise<number> => index;
const noopWorker = (): Promise<Worker> =>
  Worker.create({
    connection,
    taskQueue: config.taskQueue,
    workflowBundle: { codePath: config.bundlePath },
    activities: { noop },
    ...config.workerOptions,
  });
const worker = config.noop ? await noopWorker() : await createWorker({
  connection,
  taskQueue: config.taskQueue,
  tools: benchTools(new ToolProbe()),
  anthropic: { baseURL: config.fakeUrl, apiKey: 'bench-key' },
  models: benchModels(config),
  workflowBundle: { codePath: config.bundlePath },
  workerOptions: config.workerOptions,
  ...(config.otlpEndpoint ? {} : { tracing: false as const }),
});
process.on('message', (message) => {
  if (message === 'stop') worker.shutdown();
});
const running = worker.run();
process.send?.('ready');
await running;
await connection.close();
process.disconnect?.();
