// The concurrency section's worker, in its own process so its memory can be read from /proc/<pid>/status.
// Configured through BENCH_WORKER_CONFIG (JSON); tells the parent `ready` over IPC and stops on `stop`.
import { NativeConnection } from '@temporalio/worker';
import { createWorker } from '../src/worker/create-worker.js';
import { installQuietRuntime } from '../src/worker/quiet-runtime.js';
import { benchTools, ToolProbe } from './tools.js';

export interface ChildWorkerConfig {
  address: string;
  taskQueue: string;
  fakeUrl: string;
  bundlePath: string;
  workerOptions: Record<string, number>;
}

installQuietRuntime();
const config = JSON.parse(process.env.BENCH_WORKER_CONFIG ?? '') as ChildWorkerConfig;
const connection = await NativeConnection.connect({ address: config.address });
const worker = await createWorker({
  connection,
  taskQueue: config.taskQueue,
  tools: benchTools(new ToolProbe()),
  anthropic: { baseURL: config.fakeUrl, apiKey: 'bench-key' },
  workflowBundle: { codePath: config.bundlePath },
  workerOptions: config.workerOptions,
});
process.on('message', (message) => {
  if (message === 'stop') worker.shutdown();
});
const running = worker.run();
process.send?.('ready');
await running;
await connection.close();
process.disconnect?.();
