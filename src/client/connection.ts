// One Temporal client per connection settings/payload codec for the whole process: Agent, cancelRun and the CLI share it.
import { createHash } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { envCodecs, type EnvCodecs } from '../codec/env-codecs.js';
import { connectWithin, temporalConnectionSettings, type TemporalConnectionSettings, type TemporalSettingsOptions } from '../config/environment.js';
import { closeHistoryReaders } from '../history/history-pages.js';
import { connectionInterceptors } from './namespace-retry.js';

export { resolveTaskQueue } from '../config/environment.js';

/**
 * Where the client connects: `address`, `namespace`, `apiKey`, `tls`, `profile` and `taskQueue` win over the
 * environment (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_CONFIG_FILE and
 * TEMPORAL_PROFILE, read as the `temporal` CLI reads them; DURABLE_AGENT_TASK_QUEUE).
 */
export interface ConnectionOptions extends TemporalSettingsOptions {
  /** A ready client; wins over every connection setting. */
  client?: Client;
  /**
   * Default: payloads compressed when DURABLE_AGENT_COMPRESSION=zlib and encrypted with DURABLE_AGENT_CODEC_KEY when it
   * is set, plain JSON otherwise. Must match the worker's.
   */
  dataConverter?: DataConverter;
}

const clients = new Map<string, Promise<Client>>();
const converterIds = new WeakMap<DataConverter, number>();
let converterCount = 0;

/** A client that cannot decode what the worker wrote is a different client: the codec is part of the cache key. */
function converterTag(dataConverter: DataConverter | undefined, env: EnvCodecs | undefined): string {
  if (dataConverter) {
    let id = converterIds.get(dataConverter);
    if (id === undefined) converterIds.set(dataConverter, (id = ++converterCount));
    return `converter-${id}`;
  }
  return env?.tag ?? 'plain';
}

/** The settings as a cache key: address and namespace readable, the secrets (key, TLS material, metadata) only as a digest. */
function settingsKey(settings: TemporalConnectionSettings): string {
  const { address, namespace, ...secret } = settings;
  const digest = createHash('sha256')
    .update(JSON.stringify(secret, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value)))
    .digest('hex')
    .slice(0, 16);
  return `${address}/${namespace}/${digest}`;
}

export async function getClient(options: ConnectionOptions = {}): Promise<Client> {
  if (options.client) return options.client;
  const settings = temporalConnectionSettings(options);
  const env = options.dataConverter ? undefined : envCodecs();
  const key = `${settingsKey(settings)}/${converterTag(options.dataConverter, env)}`;
  let client = clients.get(key);
  if (!client) {
    const dataConverter = options.dataConverter ?? env?.dataConverter;
    const { namespace, ...connectionOptions } = settings;
    client = connectWithin(settings, (connectTimeout) => Connection.connect({ ...connectionOptions, connectTimeout, interceptors: connectionInterceptors(namespace) })).then(
      (connection) => new Client({ connection, namespace, ...(dataConverter ? { dataConverter } : {}) }),
    );
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
