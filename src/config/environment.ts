// Where clients and workers find Temporal when not told: the one reading of the connection settings (address,
// namespace, API key, TLS, gRPC metadata) exactly as the `temporal` CLI reads them — TEMPORAL_* environment variables
// over a profile of the config file (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE), through @temporalio/envconfig — and of
// DURABLE_AGENT_TASK_QUEUE, with their defaults. An explicit option always wins over the environment and the file.
import { setTimeout as delay } from 'node:timers/promises';
import { existsSync, readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import { loadClientConfigProfile, toClientOptions, type ClientConfigProfile, type ConfigDataSource } from '@temporalio/envconfig';
import { ConnectionConfigError, ConnectionFailedError } from '../core/errors.js';
import { DEFAULT_TASK_QUEUE } from '../core/types.js';
import { readEnv } from './env.js';

export interface TemporalConnectionOptions {
  /** Default TEMPORAL_ADDRESS, the profile's `address`, or localhost:7233. */
  address?: string;
  /** Default TEMPORAL_NAMESPACE, the profile's `namespace`, or `default`. */
  namespace?: string;
  /** Default TEMPORAL_API_KEY or the profile's `api_key`; sent as `authorization: Bearer <key>`, and turns TLS on. */
  apiKey?: string;
  /**
   * Default the TEMPORAL_TLS_* variables or the profile's `[tls]` table (client cert/key, server CA, server name);
   * `true` is TLS with the system's roots, `false` turns TLS off whatever the environment says.
   */
  tls?: TLSConfig | boolean;
  /** The config file profile to read; default TEMPORAL_PROFILE, else `default`. */
  profile?: string;
}

export interface TemporalSettingsOptions extends TemporalConnectionOptions {
  /** Default DURABLE_AGENT_TASK_QUEUE or `durable-agent`. */
  taskQueue?: string;
}

/** Everything a Connection or NativeConnection needs, resolved. */
export interface TemporalConnectionSettings {
  address: string;
  namespace: string;
  apiKey?: string;
  tls?: TLSConfig | boolean;
  /** gRPC metadata sent with every call (TEMPORAL_GRPC_META_* or the profile's `grpc_meta`). */
  metadata?: Record<string, string>;
}

export interface TemporalSettings extends TemporalConnectionSettings {
  taskQueue: string;
}

export const DEFAULT_ADDRESS = 'localhost:7233';
export const DEFAULT_NAMESPACE = 'default';

export function resolveTaskQueue(options: { taskQueue?: string } = {}): string {
  return options.taskQueue ?? readEnv('DURABLE_AGENT_TASK_QUEUE') ?? DEFAULT_TASK_QUEUE;
}

export function temporalSettings(options: TemporalSettingsOptions = {}): TemporalSettings {
  return { ...temporalConnectionSettings(options), taskQueue: resolveTaskQueue(options) };
}

/**
 * The connection settings, or a ConnectionConfigError naming the variable or config key at fault (a TLS file that is
 * missing, unreadable or not PEM; a certificate without its key; a missing config file or profile).
 */
export function temporalConnectionSettings(options: TemporalConnectionOptions = {}): TemporalConnectionSettings {
  const loaded = loadProfile(options);
  // An explicit `tls` replaces the environment's and the file's: their TLS files are then neither read nor checked.
  const { tls: _replaced, ...withoutTls } = loaded;
  const profile: ClientConfigProfile = options.tls !== undefined ? withoutTls : withTlsData(loaded, options.profile);
  if (options.address !== undefined) profile.address = options.address;
  if (options.namespace !== undefined) profile.namespace = options.namespace;
  if (options.apiKey !== undefined) profile.apiKey = options.apiKey;
  const { connectionOptions, namespace } = toClientOptions(profile);
  const tls = options.tls ?? connectionOptions.tls ?? undefined;
  return {
    address: connectionOptions.address ?? DEFAULT_ADDRESS,
    namespace: namespace ?? DEFAULT_NAMESPACE,
    ...(connectionOptions.apiKey ? { apiKey: connectionOptions.apiKey } : {}),
    ...(tls !== undefined ? { tls } : {}),
    ...(profile.grpcMeta && Object.keys(profile.grpcMeta).length ? { metadata: { ...profile.grpcMeta } } : {}),
  };
}

/** A one-line account of how the settings connect (never the key or the key material itself), for error messages. */
export function describeConnection(settings: TemporalConnectionSettings): string {
  const tls = settings.tls === undefined || settings.tls === false ? 'no TLS' : settings.tls === true || !settings.tls.clientCertPair ? 'TLS' : 'mTLS (client certificate)';
  return `${settings.address} (namespace ${settings.namespace}, ${tls}${settings.apiKey ? ', API key' : ''})`;
}

/** How long the first connect may take before it fails with ConnectionFailedError (a wrong certificate must not hang). */
export const CONNECT_TIMEOUT_MS = 10_000;
/** What a Temporal frontend answers while it starts up, and how soon to ask again. */
const STARTING = /not healthy yet/i;
const STARTING_RETRY_MS = 250;

/**
 * Runs a first connect (`Connection.connect`, `NativeConnection.connect`) under a deadline and turns its failure into a
 * ConnectionFailedError that says where it tried to connect and how; a connection that arrives after the deadline is closed.
 */
export async function connectWithin<C extends { close(): Promise<void> }>(
  settings: TemporalConnectionSettings,
  connect: (timeoutMs: number) => Promise<C>,
  timeoutMs = CONNECT_TIMEOUT_MS,
): Promise<C> {
  const started = Date.now();
  let attempt = connect(timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs + 1_000);
  });
  try {
    for (;;) {
      try {
        return await Promise.race([attempt, deadline]);
      } catch (err) {
        // A server that answers but is still starting ("Frontend is not healthy yet") is asked again, within the deadline.
        const left = timeoutMs - (Date.now() - started);
        if (!STARTING.test(reasons(err)) || left <= STARTING_RETRY_MS) throw err;
        await delay(STARTING_RETRY_MS);
        attempt = connect(left - STARTING_RETRY_MS);
      }
    }
  } catch (err) {
    attempt.then((late) => late.close(), () => undefined).catch(() => undefined);
    // grpc-js keeps a failed TLS handshake to itself and only reports the deadline: say what to check.
    const why = reasons(err);
    const hint = /deadline|no answer within/.test(why) && settings.tls
      ? ` (within ${timeoutMs / 1000} s; nothing answered there, or the TLS handshake failed: check the server CA and server name, TEMPORAL_TLS_SERVER_CA_CERT_PATH / TEMPORAL_TLS_SERVER_NAME)`
      : /\b400\b/.test(why) && typeof settings.tls === 'object' && settings.tls.clientCertPair
        ? ' (a TLS front end answering HTTP 400 has usually refused the client certificate: check TEMPORAL_TLS_CLIENT_CERT_PATH / _KEY_PATH)'
        : /PERMISSION_DENIED|UNAUTHENTICATED/.test(why)
          ? ` (the server refused the credentials: check ${settings.apiKey ? 'the API key (TEMPORAL_API_KEY)' : 'whether it needs an API key (TEMPORAL_API_KEY)'} and the namespace)`
          : '';
    throw new ConnectionFailedError(settings.address, `Could not connect to Temporal at ${describeConnection(settings)}: ${why}${hint}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

/** An error and its causes, one line: the SDK's outer message alone ("Failed to connect") rarely says why. */
function reasons(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e !== undefined && e !== null && parts.length < 5; e = e instanceof Error ? e.cause : undefined) {
    const text = (e instanceof Error ? e.message : String(e)).trim();
    if (text && !parts.some((p) => p.includes(text))) parts.push(text);
  }
  return parts.join(': ');
}

function configFileLabel(): string {
  return readEnv('TEMPORAL_CONFIG_FILE') ?? 'the default config file (temporalio/temporal.toml in the user config folder, e.g. ~/.config)';
}

function loadProfile(options: TemporalConnectionOptions): ClientConfigProfile {
  const configFile = readEnv('TEMPORAL_CONFIG_FILE');
  // envconfig reads a missing file as an empty one; a file someone named explicitly and that is not there is a mistake.
  if (configFile !== undefined && !existsSync(configFile)) {
    throw new ConnectionConfigError('TEMPORAL_CONFIG_FILE', `TEMPORAL_CONFIG_FILE names ${configFile}, which does not exist`);
  }
  try {
    return loadClientConfigProfile(options.profile !== undefined ? { profile: options.profile } : {});
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new ConnectionConfigError(configFileLabel(), `Temporal connection settings could not be read from ${configFileLabel()}: ${detail}`, { cause: err });
  }
}

const TLS_SOURCES = [
  { field: 'clientCert', env: 'TEMPORAL_TLS_CLIENT_CERT', key: 'client_cert', what: 'client certificate' },
  { field: 'clientKey', env: 'TEMPORAL_TLS_CLIENT_KEY', key: 'client_key', what: 'client private key' },
  { field: 'serverCACert', env: 'TEMPORAL_TLS_SERVER_CA_CERT', key: 'server_ca_cert', what: 'server CA certificate' },
] as const;

/** The profile with every TLS file read, checked and carried as data, so a bad file fails here, by name. */
function withTlsData(profile: ClientConfigProfile, profileName: string | undefined): ClientConfigProfile {
  const tls = profile.tls;
  if (!tls || tls.disabled) return profile;
  const checked = { ...tls };
  for (const source of TLS_SOURCES) {
    const value = tls[source.field];
    if (value) checked[source.field] = { data: readPem(value, source, profileName) };
  }
  if (Boolean(checked.clientCert) !== Boolean(checked.clientKey)) {
    const [has, lacks] = checked.clientCert ? [TLS_SOURCES[0], TLS_SOURCES[1]] : [TLS_SOURCES[1], TLS_SOURCES[0]];
    throw new ConnectionConfigError(
      label(tls[has.field], has, profileName),
      `a ${has.what} is set (${label(tls[has.field], has, profileName)}) but no ${lacks.what}: set ${lacks.env}_PATH or ${lacks.env}_DATA too`,
    );
  }
  return { ...profile, tls: checked };
}

function label(value: ConfigDataSource | undefined, source: (typeof TLS_SOURCES)[number], profileName: string | undefined): string {
  const kind = value && 'path' in value ? 'PATH' : 'DATA';
  const envName = `${source.env}_${kind}`;
  if (process.env[envName] !== undefined) return envName;
  const profile = profileName ?? readEnv('TEMPORAL_PROFILE') ?? 'default';
  return `${source.key}_${kind.toLowerCase()} of [profile.${profile}.tls] in ${configFileLabel()}`;
}

function readPem(value: ConfigDataSource, source: (typeof TLS_SOURCES)[number], profileName: string | undefined): string {
  const where = label(value, source, profileName);
  let text: string;
  if ('path' in value) {
    if (!existsSync(value.path)) throw new ConnectionConfigError(where, `${where} names ${value.path}, which does not exist`);
    try {
      text = readFileSync(value.path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new ConnectionConfigError(where, `${where} names ${value.path}, which cannot be read (${code})`, { cause: err });
    }
    if (!text.includes('-----BEGIN ')) {
      throw new ConnectionConfigError(where, `${where} names ${value.path}, which is not a PEM ${source.what} (no -----BEGIN line)`);
    }
    return text;
  }
  text = typeof value.data === 'string' ? value.data : Buffer.from(value.data).toString('utf8');
  if (!text.includes('-----BEGIN ')) throw new ConnectionConfigError(where, `${where} is not a PEM ${source.what} (no -----BEGIN line)`);
  return text;
}
