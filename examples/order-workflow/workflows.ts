// The order workflows: the user's own activities around an agent run. The agent run is a child workflow whose
// workflow id is its run id, so `durable-agent show/cancel/continue <runId>`, streaming and the Web UI work on it.
import { CancellationScope, CancelledFailure, proxyActivities } from '@temporalio/workflow';
import { continueAgentRun, startAgentRun, type AgentRunChild } from 'durable-agent/workflow';
import type * as activities from './activities.js';

const { reserveInventory, notifyCustomer, releaseInventory } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' });

export interface OrderResult {
  orderId: string;
  reservation: string;
  agentRunId: string;
  note: string;
}

/** One agent run per order, so the order's note can be found (and continued) by the order id alone. */
const noteRunId = (order: activities.Order): string => `order-${order.id}-note`;

export async function handleOrder(order: activities.Order): Promise<OrderResult> {
  const reservation = await reserveInventory(order);
  const agent = await startAgentRun({
    model: 'anthropic/claude-sonnet-4-6',
    runId: noteRunId(order),
    task: {
      description: `Write a one-line shipping note for ${order.customer} about order ${order.id} (${order.quantity} × ${order.item}).`,
      tools: ['check_shipping'],
    },
  });
  return finish(order, reservation, agent);
}

/** A cancelled order taken up again: its agent run continues where the cancel cut it; nothing it completed runs again. */
export async function reinstateOrder(order: activities.Order): Promise<OrderResult> {
  const reservation = await reserveInventory(order);
  return finish(order, reservation, await continueAgentRun(noteRunId(order)));
}

async function finish(order: activities.Order, reservation: string, agent: AgentRunChild): Promise<OrderResult> {
  // Cancelling this workflow cancels the agent's run (it closes Canceled, continuable); result() still reports it.
  const output = await agent.result();
  if (output.status !== 'completed') {
    await CancellationScope.nonCancellable(() => releaseInventory(order.id, output.status));
    if (output.isCancelled) throw new CancelledFailure(`order ${order.id} cancelled; its agent run ${agent.runId} can be continued`);
    throw new Error(`agent run ${agent.runId} ended ${output.status}: ${output.error?.message ?? ''}`);
  }
  await notifyCustomer(order.id, String(output.output));
  return { orderId: order.id, reservation, agentRunId: agent.runId, note: String(output.output) };
}
