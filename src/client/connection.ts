// One Temporal client per address/namespace/payload codec for the whole process: Agent, cancelRun and the CLI share it.
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { codecFromEnv, type AesGcmCodec } from '../codec/aes-gcm-codec.js';
import { temporalSettings } from '../environment.js';
import { closeHistoryReaders } from './history-pages.js';

export interface ConnectionOptions {
  /** A ready client; wins over address/namespace. */
  client?: Client;
  /** Default TEMPORAL_ADDRESS or localhost:7233. */
  address?: string;
  /** Default TEMPORAL_NAMESPACE or `default`. */
  namespace?: string;
  /** Default DURABLE_AGENT_TASK_QUEUE or `durable-agent`. */
  taskQueue?: string;
  /** Default: payloads encrypted with DURABLE_AGENT_CODEC_KEY when it is set, plain JSON otherwise. Must match the worker's. */
  dataConverter?: DataConverter;
}

const clients = new Map<string, Promise<Client>>();
const converterIds = new WeakMap<DataConverter, number>();
let converterCount = 0;

/** A client that cannot decode what the worker wrote is a different client: the codec is part of the cache key. */
function converterTag(dataConverter: DataConverter | undefined, envCodec: AesGcmCodec | undefined): string {
  if (dataConverter) {
    let id = converterIds.get(dataConverter);
    if (id === undefined) converterIds.set(dataConverter, (id = ++converterCount));
    return `converter-${id}`;
  }
  return envCodec ? `codec-${envCodec.keyId}-${envCodec.fingerprint}` : 'plain';
}

export function resolveTaskQueue(options: ConnectionOptions = {}): string {
  return temporalSettings(options).taskQueue;
}

export function getClient(options: ConnectionOptions = {}): Promise<Client> {
  if (options.client) return Promise.resolve(options.client);
  const { address, namespace } = temporalSettings(options);
  const envCodec = options.dataConverter ? undefined : codecFromEnv();
  const key = `${address}/${namespace}/${converterTag(options.dataConverter, envCodec)}`;
  let client = clients.get(key);
  if (!client) {
    const dataConverter = options.dataConverter ?? (envCodec ? { payloadCodecs: [envCodec] } : undefined);
    client = Connection.connect({ address }).then((connection) => new Client({ connection, namespace, ...(dataConverter ? { dataConverter } : {}) }));
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
  await closeHistoryReaders();
  await Promise.all(open.map(async (c) => (await c.catch(() => undefined))?.connection.close()));
}
