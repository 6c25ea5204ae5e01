// The order service's own activities: what the business already runs on Temporal, untouched by the agent.
// `shippingStatus` is also the agent's tool (see tools.ts): the agent's run schedules it as its own step.

export interface Order {
  id: string;
  item: string;
  quantity: number;
  customer: string;
}

/** Where every side effect lands, so the example (and its test) can see what ran and how often. */
export const sideEffects: Array<{ activity: string; orderId: string; detail?: string }> = [];

export async function reserveInventory(order: Order): Promise<string> {
  sideEffects.push({ activity: 'reserveInventory', orderId: order.id });
  return `reservation-${order.id}`;
}

/** Also the agent's tool (tools.ts): its input is the object the model fills in. */
export async function shippingStatus({ orderId }: { orderId: string }): Promise<string> {
  sideEffects.push({ activity: 'shippingStatus', orderId });
  return `Order ${orderId}: packed, ships tomorrow by ground.`;
}

export async function notifyCustomer(orderId: string, message: string): Promise<void> {
  sideEffects.push({ activity: 'notifyCustomer', orderId, detail: message });
}

/** Compensation when the order is cancelled: runs even after the cancel, records how the agent's run ended. */
export async function releaseInventory(orderId: string, agentRunStatus: string): Promise<void> {
  sideEffects.push({ activity: 'releaseInventory', orderId, detail: agentRunStatus });
}
