// Starts one order and prints its result. The Client gets the plugin too, so it uses the agent's data converter.
// Run: TEMPORAL_ADDRESS=localhost:7233 npx tsx starter.ts
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DurableAgentPlugin } from 'durable-agent/worker';
import type { Order } from './activities.js';
import { TASK_QUEUE } from './worker.js';
import type { handleOrder, OrderResult } from './workflows.js';

export async function placeOrder(client: Client, order: Order, taskQueue = TASK_QUEUE): Promise<OrderResult> {
  return client.workflow.execute<typeof handleOrder>('handleOrder', { workflowId: `order-${order.id}`, taskQueue, args: [order] });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' });
  const client = new Client({ connection, plugins: [new DurableAgentPlugin()] });
  const result = await placeOrder(client, { id: String(Date.now()), item: 'espresso machine', quantity: 1, customer: 'Ada' });
  console.log(JSON.stringify(result, null, 2));
  await connection.close();
}
