// The agent's tools. `check_shipping` calls the order service's own shippingStatus; the agent's run refers to it by
// name ('check_shipping' in workflows.ts), the worker (worker.ts) supplies it.
import { tool } from 'durable-agent';
import { z } from 'zod';
import { shippingStatus } from './activities.js';

export const checkShipping = tool({
  name: 'check_shipping',
  description: 'Looks up the shipping status of an order.',
  input: z.object({ orderId: z.string() }),
  run: ({ orderId }) => shippingStatus(orderId),
});

export const agentTools = [checkShipping];
