// The order service's worker: plain Worker.create with its own activities and workflows, plus DurableAgentPlugin,
// which adds the agent's workflow, activities, tools, data converter and settings.
// Run: TEMPORAL_ADDRESS=localhost:7233 ANTHROPIC_API_KEY=... npx tsx worker.ts
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Tool } from 'durable-agent';
import { DurableAgentPlugin, type AnthropicSettings } from 'durable-agent/worker';
import * as activities from './activities.js';
import { agentTools } from './tools.js';

export const TASK_QUEUE = 'orders';

export interface OrderWorkerOptions {
  connection: NativeConnection;
  taskQueue?: string;
  anthropic?: AnthropicSettings;
  /** The agent's tools; default tools.ts's. */
  tools?: Tool[];
}

export async function createOrderWorker(options: OrderWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    workflowsPath: fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './workflows.ts' : './workflows.js', import.meta.url)),
    activities,
    plugins: [new DurableAgentPlugin({ tools: options.tools ?? agentTools, ...(options.anthropic ? { anthropic: options.anthropic } : {}) })],
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' });
  const worker = await createOrderWorker({ connection });
  console.log(`order worker: task queue ${TASK_QUEUE}`);
  await worker.run();
  await connection.close();
}
