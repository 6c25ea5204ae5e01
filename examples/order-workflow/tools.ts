// The agent's tools. `check_shipping` IS the order service's own activity shippingStatus: the agent's run schedules
// it as a Temporal activity (its timeouts and retries, its attempts in the Web UI). The run refers to the tool by
// name ('check_shipping' in workflows.ts); the worker (worker.ts, through DurableAgentPlugin) supplies it.
import { activityTool } from 'durable-agent';
import { z } from 'zod';
import { shippingStatus } from './activities.js';

export const checkShipping = activityTool({
  name: 'check_shipping',
  description: 'Looks up the shipping status of an order.',
  input: z.object({ orderId: z.string() }),
  activity: shippingStatus,
  options: { startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 3 } },
});

export const agentTools = [checkShipping];
