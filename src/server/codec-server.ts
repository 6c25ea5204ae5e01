// A codec endpoint for the Temporal Web UI (Settings → Codec Server): the UI posts encrypted or compressed payloads,
// this answers with plain ones, so people can read runs in the browser while the Temporal server only ever stores
// ciphertext (or deflated bytes).
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { AesGcmCodec, CODEC_KEY_ENV, CODEC_KEY_ID_ENV, PayloadDecryptionError } from '../codec/aes-gcm-codec.js';
import { CodecChain } from '../codec/codec-chain.js';
import { inCodecOrder } from '../codec/env-codecs.js';
import { COMPRESSION_ENV, compressionFromEnv, PayloadDecompressionError } from '../codec/zlib-codec.js';
import { readEnv, type EnvName } from '../config/env.js';

export const CODEC_TOKEN_ENV = 'DURABLE_AGENT_CODEC_TOKEN' satisfies EnvName;
export const CODEC_CORS_ENV = 'DURABLE_AGENT_CODEC_CORS_ORIGIN' satisfies EnvName;
/** Where `temporal server start-dev` serves the Web UI. */
export const DEFAULT_UI_ORIGIN = 'http://localhost:8233';

/** Options of `startCodecServer`. */
export interface CodecServerOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1: the UI runs in the user's own browser, which reaches loopback. */
  host?: string;
  /** 32 bytes as base64/hex; default DURABLE_AGENT_CODEC_KEY. Ignored when `codec` is given. */
  key?: string | Uint8Array;
  /** Default DURABLE_AGENT_CODEC_KEY_ID, else the key's fingerprint (what the worker writes by default). */
  keyId?: string;
  codec?: PayloadCodec;
  /** Bearer token; default DURABLE_AGENT_CODEC_TOKEN. Required unless `trustedLocalOrigins` are given. */
  token?: string;
  /**
   * Web UI origins that may call without a token (`durable-agent dev` names its own UI). Only for a server that listens
   * on loopback, and only for a request whose Origin is one of these and whose Host names this loopback server: a page
   * of any other origin, any other host, and a DNS-rebinding page (its Host is its own name) all need the token.
   */
  trustedLocalOrigins?: string[];
  /** Origins allowed to call from a browser; default DURABLE_AGENT_CODEC_CORS_ORIGIN (comma-separated) or the dev UI. */
  corsOrigin?: string | string[];
  /** Largest request body accepted; default 16 MiB. */
  maxBodyBytes?: number;
}

/** A running codec endpoint: where it listens, and how to stop it. */
export interface CodecServer {
  url: string;
  port: number;
  /** Stops listening. */
  close(): Promise<void>;
}

/** The codec-server wire format: bytes as base64 strings. */
interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const ALLOWED_HEADERS = 'authorization, content-type, x-namespace';

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function normaliseOrigin(origin: string): string {
  return origin.trim().replace(/\/$/, '');
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function fromJson(payload: unknown): Payload {
  if (typeof payload !== 'object' || payload === null) throw new HttpError(400, 'each payload must be an object');
  const { metadata = {}, data = '' } = payload as JsonPayload;
  if (typeof data !== 'string' || typeof metadata !== 'object' || metadata === null) {
    throw new HttpError(400, 'a payload is { metadata: { key: base64 }, data: base64 }');
  }
  const decoded: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new HttpError(400, `metadata "${k}" must be a base64 string`);
    decoded[k] = Buffer.from(v, 'base64');
  }
  return { metadata: decoded, data: Buffer.from(data, 'base64') };
}

function toJson(payload: Payload): JsonPayload {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload.metadata ?? {})) metadata[k] = Buffer.from(v).toString('base64');
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function resolveCodec(options: CodecServerOptions): PayloadCodec {
  if (options.codec) return options.codec;
  const compression = compressionFromEnv();
  const key = options.key ?? readEnv(CODEC_KEY_ENV);
  const keyId = options.keyId ?? readEnv(CODEC_KEY_ID_ENV);
  const aes = key ? new AesGcmCodec({ key, ...(keyId ? { keyId } : {}) }) : undefined;
  if (!aes && !compression) throw new TypeError(`The codec server needs a key or compression: pass { key } or set ${CODEC_KEY_ENV} or ${COMPRESSION_ENV}=zlib.`);
  return new CodecChain(inCodecOrder(compression, aes));
}

function resolveOrigins(options: CodecServerOptions): string[] {
  const configured = options.corsOrigin ?? readEnv(CODEC_CORS_ENV)?.split(',') ?? DEFAULT_UI_ORIGIN;
  return [...(Array.isArray(configured) ? configured : [configured]), ...(options.trustedLocalOrigins ?? [])].map(normaliseOrigin).filter(Boolean);
}

/** Starts the endpoint: `POST /decode` and `POST /encode`, bearer-token protected (or local-UI only), CORS for the Web UI. */
export async function startCodecServer(options: CodecServerOptions = {}): Promise<CodecServer> {
  const codec = resolveCodec(options);
  const token = options.token ?? readEnv(CODEC_TOKEN_ENV);
  const host = options.host ?? '127.0.0.1';
  const trusted = (options.trustedLocalOrigins ?? []).map(normaliseOrigin);
  if (trusted.length && !isLoopback(host)) {
    throw new TypeError(`The codec server trusts local UI origins only when it listens on loopback, not on ${host}: pass a token instead.`);
  }
  // Whoever can call /decode can read every run: without a token, only the named local UI can.
  if (!token && !trusted.length) throw new TypeError(`The codec server needs a bearer token: pass { token } or set ${CODEC_TOKEN_ENV}.`);
  const expected = token ? digest(token) : undefined;
  let port = 0;
  const origins = resolveOrigins(options);
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;

  const corsHeaders = (req: IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin;
    const allowed = origin && (origins.includes('*') || origins.includes(origin));
    if (!allowed) return { Vary: 'Origin' };
    return {
      'Access-Control-Allow-Origin': origin,
      // The UI's "include cross-origin credentials" setting sends cookies; allowed only for a named origin.
      ...(origins.includes('*') ? {} : { 'Access-Control-Allow-Credentials': 'true' }),
      Vary: 'Origin',
    };
  };

  /** The local Web UI calling this loopback server: its own origin, and a Host that names this server. */
  const fromTrustedUi = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin;
    if (!origin || !trusted.includes(normaliseOrigin(origin))) return false;
    const hostHeader = req.headers.host ?? '';
    const at = hostHeader.lastIndexOf(':');
    const name = hostHeader.slice(0, at).replace(/^\[(.*)\]$/, '$1');
    return isLoopback(name) && hostHeader.slice(at + 1) === String(port);
  };

  const authorise = (req: IncomingMessage): void => {
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
    if (!match?.[1]) {
      if (fromTrustedUi(req)) return;
      throw new HttpError(401, expected ? 'missing bearer token' : 'only the local Web UI may call this codec server', { 'WWW-Authenticate': 'Bearer' });
    }
    // Comparing digests keeps the check constant-time whatever the token lengths.
    if (!expected || !timingSafeEqual(digest(match[1]), expected)) throw new HttpError(403, 'invalid bearer token');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const cors = corsHeaders(req);
    const path = new URL(req.url ?? '/', 'http://codec.invalid').pathname.replace(/\/$/, '');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...cors, ...headers });
      res.end(JSON.stringify(body));
    };
    try {
      if (path !== '/decode' && path !== '/encode') throw new HttpError(404, 'not found: use POST /decode or POST /encode');
      if (req.method === 'OPTIONS') {
        // Browsers send preflights without credentials, so they are answered before authorisation.
        res.writeHead(204, {
          ...cors,
          'Access-Control-Allow-Methods': 'POST, OPTIONS',
          'Access-Control-Allow-Headers': ALLOWED_HEADERS,
          'Access-Control-Max-Age': '600',
        });
        res.end();
        return;
      }
      if (req.method !== 'POST') throw new HttpError(405, 'use POST', { Allow: 'POST, OPTIONS' });
      authorise(req);
      const text = await readBody(req, maxBodyBytes);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new HttpError(400, 'body must be JSON: { "payloads": [...] }');
      }
      const list = (body as { payloads?: unknown } | null)?.payloads;
      if (!Array.isArray(list)) throw new HttpError(400, 'body must be { "payloads": [...] }');
      const payloads = list.map(fromJson);
      const out = path === '/decode' ? await codec.decode(payloads) : await codec.encode(payloads);
      send(200, { payloads: out.map(toJson) });
    } catch (err) {
      if (err instanceof HttpError) send(err.status, { error: err.message }, err.headers);
      else if (err instanceof PayloadDecryptionError) send(400, { error: err.message, keyId: err.keyId ?? null });
      else if (err instanceof PayloadDecompressionError) send(400, { error: err.message });
      else send(500, { error: err instanceof Error ? err.message : String(err) });
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  ({ port } = server.address() as AddressInfo);
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // The UI keeps connections alive; closing must not wait for the browser to let go.
        server.closeAllConnections();
      }),
  };
}
