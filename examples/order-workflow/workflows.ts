// The order workflow: the user's own activities around an agent run. The agent run is a child workflow whose
// workflow id is its run id, so `durable-agent show/cancel/continue <runId>`, streaming and the Web UI work on it.
import { CancellationScope, CancelledFailure, isCancellation, proxyActivities } from '@temporalio/workflow';
import { startAgentRun } from 'durable-agent/workflow';
import type * as activities from './activities.js';

const { reserveInventory, notifyCustomer } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' });
const { releaseInventory } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' });

export interface OrderResult {
  orderId: string;
  reservation: string;
  agentRunId: string;
  note: string;
}

export async function handleOrder(order: activities.Order): Promise<OrderResult> {
  const reservation = await reserveInventory(order);
  const agent = await startAgentRun({
    model: 'anthropic/claude-sonnet-4-6',
    runId: `order-${order.id}-note`,
    task: {
      description: `Write a one-line shipping note for ${order.customer} about order ${order.id} (${order.quantity} × ${order.item}).`,
      tools: ['check_shipping'],
    },
  });
  // Cancelling this workflow cancels the agent's run (it closes Canceled, continuable); result() still reports it.
  const output = await agent.result();
  if (output.status !== 'completed') {
    await CancellationScope.nonCancellable(() => releaseInventory(order.id, output.status));
    if (output.isCancelled) throw new CancelledFailure(`order ${order.id} cancelled; agent run ${agent.runId} can be continued`);
    throw new Error(`agent run ${agent.runId} ended ${output.status}: ${output.error?.message ?? ''}`);
  }
  try {
    await notifyCustomer(order.id, String(output.output));
  } catch (err) {
    if (isCancellation(err)) await CancellationScope.nonCancellable(() => releaseInventory(order.id, 'completed'));
    throw err;
  }
  return { orderId: order.id, reservation, agentRunId: agent.runId, note: String(output.output) };
}
