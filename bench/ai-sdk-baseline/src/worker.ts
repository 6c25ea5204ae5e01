// The baseline's worker, as @temporalio/ai-sdk's samples create it (AiSdkPlugin with the model provider on the
// worker), in a process of its own started by the bench (bench/providers.ts) from .tools/ai-sdk-baseline, where
// scripts/install-ai-sdk-baseline.sh put this file beside its own node_modules (@temporalio/* 1.23.0).
// Configured through BENCH_WORKER_CONFIG (JSON: address, taskQueue, openaiUrl); says `ready` over IPC, stops on `stop`.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createOpenAI } from '@ai-sdk/openai';
import type { ProviderV4 } from '@ai-sdk/provider';
import { AiSdkPlugin } from '@temporalio/ai-sdk';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import * as activities from './activities.js';

const config = JSON.parse(process.env.BENCH_WORKER_CONFIG ?? '') as { address: string; taskQueue: string; openaiUrl: string };
const version = (createRequire(import.meta.url)('@temporalio/worker/package.json') as { version: string }).version;
if (version !== '1.23.0') throw new Error(`the baseline loaded @temporalio/worker ${version}, not its own 1.23.0`);
// Errors only: a cancelled run's model activity goes on and logs its failures to signal the closed workflow.
Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });

const openai = createOpenAI({ baseURL: `${config.openaiUrl}/v1`, apiKey: 'bench-key' });
// The Chat Completions model, as the durable-agent worker registers it: the fake speaks Chat Completions.
const modelProvider: ProviderV4 = {
  specificationVersion: 'v4',
  languageModel: (id) => openai.chat(id),
  embeddingModel: (id) => openai.embedding(id),
  imageModel: (id) => openai.image(id),
};
const connection = await NativeConnection.connect({ address: config.address });
const worker = await Worker.create({
  plugins: [new AiSdkPlugin({ modelProvider })],
  connection,
  taskQueue: config.taskQueue,
  workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
  activities,
});
process.on('message', (message) => {
  if (message === 'stop') worker.shutdown();
});
const running = worker.run();
process.send?.('ready');
await running;
await connection.close();
process.disconnect?.();
