// One Temporal client per address/namespace for the whole process: Agent, cancelRun and the CLI share it.
import { Client, Connection } from '@temporalio/client';
import { DEFAULT_TASK_QUEUE } from '../types.js';

export interface ConnectionOptions {
  /** A ready client; wins over address/namespace. */
  client?: Client;
  /** Default TEMPORAL_ADDRESS or localhost:7233. */
  address?: string;
  /** Default TEMPORAL_NAMESPACE or `default`. */
  namespace?: string;
  /** Default DURABLE_AGENT_TASK_QUEUE or `durable-agent`. */
  taskQueue?: string;
}

const clients = new Map<string, Promise<Client>>();

export function resolveTaskQueue(options: ConnectionOptions = {}): string {
  return options.taskQueue ?? process.env.DURABLE_AGENT_TASK_QUEUE ?? DEFAULT_TASK_QUEUE;
}

export function getClient(options: ConnectionOptions = {}): Promise<Client> {
  if (options.client) return Promise.resolve(options.client);
  const address = options.address ?? process.env.TEMPORAL_ADDRESS ?? 'localhost:7233';
  const namespace = options.namespace ?? process.env.TEMPORAL_NAMESPACE ?? 'default';
  const key = `${address}/${namespace}`;
  let client = clients.get(key);
  if (!client) {
    client = Connection.connect({ address }).then((connection) => new Client({ connection, namespace }));
    // A failed connect must not poison later attempts.
    client.catch(() => clients.delete(key));
    clients.set(key, client);
  }
  return client;
}

/** Closes the connections this module opened; call it before a script ends so Node can exit. */
export async function closeConnections(): Promise<void> {
  const open = [...clients.values()];
  clients.clear();
  await Promise.all(open.map(async (c) => (await c.catch(() => undefined))?.connection.close()));
}
