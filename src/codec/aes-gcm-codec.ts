// Optional end-to-end encryption of every Temporal payload (AES-256-GCM). Codecs run in the client and in the worker's
// main thread, never inside the workflow sandbox, so the workflow bundle needs nothing from this module.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { metadataText } from './payload-metadata.js';
import type { EnvName } from '../config/env.js';

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
export const CODEC_KEY_ENV = 'DURABLE_AGENT_CODEC_KEY' satisfies EnvName;
export const CODEC_KEY_ID_ENV = 'DURABLE_AGENT_CODEC_KEY_ID' satisfies EnvName;

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface AesGcmCodecOptions {
  /** 32 bytes, or their base64 / hex spelling. */
  key: Uint8Array | string;
  /**
   * Written into every payload's `encryption-key-id` metadata so a reader can tell which key it needs.
   * Defaults to a fingerprint of the key (not reversible), so a reader holding another key gets a precise error.
   */
  keyId?: string;
}

/** Thrown when a payload cannot be decrypted; `keyId` is the id the payload was encrypted with. */
export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';
  constructor(
    message: string,
    readonly keyId: string | undefined,
  ) {
    super(message);
  }
}

/** Accepts 64 hex characters or the base64 (standard or URL-safe) of 32 bytes; the message never echoes the key. */
export function parseCodecKey(key: Uint8Array | string, source = 'codec key'): Buffer {
  if (typeof key !== 'string') {
    if (key.length !== KEY_BYTES) throw new TypeError(`${source} must be ${KEY_BYTES} bytes, got ${key.length}.`);
    return Buffer.from(key);
  }
  const text = key.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  throw new TypeError(`${source} must be ${KEY_BYTES} bytes written as 64 hex characters or base64 (e.g. \`openssl rand -base64 32\`).`);
}

export function keyFingerprint(key: Uint8Array): string {
  return `sha256:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/**
 * A Temporal payload codec that encrypts every payload with AES-256-GCM (`binary/encrypted`); payloads written before
 * encryption was switched on stay readable.
 */
export class AesGcmCodec implements PayloadCodec {
  readonly keyId: string;
  /** Identifies the key itself even when `keyId` was chosen by hand. */
  readonly fingerprint: string;
  private readonly key: Buffer;

  constructor(options: AesGcmCodecOptions) {
    this.key = parseCodecKey(options.key);
    this.fingerprint = keyFingerprint(this.key);
    this.keyId = options.keyId ?? this.fingerprint;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      // The whole payload is sealed, its metadata included, so not even the original encoding is visible.
      const plain = PayloadMessage.encode(payload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.key, iv);
      // Binding the key id means a payload relabelled with another id fails authentication instead of decoding.
      cipher.setAAD(Buffer.from(this.keyId));
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          encoding: Buffer.from(ENCRYPTED_ENCODING),
          [KEY_ID_METADATA]: Buffer.from(this.keyId),
        },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      // Payloads written before encryption was switched on stay readable.
      if (metadataText(payload, 'encoding') !== ENCRYPTED_ENCODING) return payload;
      const keyId = metadataText(payload, KEY_ID_METADATA);
      if (keyId !== this.keyId) {
        throw new PayloadDecryptionError(
          `Payload was encrypted with key id "${keyId ?? '(none)'}" but this codec holds key id "${this.keyId}": ` +
            `set ${CODEC_KEY_ENV} to the key with id "${keyId ?? '(none)'}".`,
          keyId,
        );
      }
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) {
        throw new PayloadDecryptionError(`Encrypted payload (key id "${keyId}") is truncated: ${data.length} bytes.`, keyId);
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(keyId));
        decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
        const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
        return PayloadMessage.decode(plain);
      } catch {
        throw new PayloadDecryptionError(
          `Cannot decrypt payload with key id "${keyId}": the configured key is not the one it was encrypted with, or the data was altered.`,
          keyId,
        );
      }
    });
  }
}

/** The codec configured by DURABLE_AGENT_CODEC_KEY (and optionally DURABLE_AGENT_CODEC_KEY_ID), or undefined. */
export function codecFromEnv(env: NodeJS.ProcessEnv = process.env): AesGcmCodec | undefined {
  const key = env[CODEC_KEY_ENV];
  if (!key) return undefined;
  const keyId = env[CODEC_KEY_ID_ENV];
  return new AesGcmCodec({ key: parseCodecKey(key, CODEC_KEY_ENV), ...(keyId ? { keyId } : {}) });
}

/**
 * `{ payloadCodecs: [codec] }` for Worker, Client and Connection alike; from options when given, else from the
 * environment; undefined when neither configures a key (payloads stay plain JSON).
 */
export function encryptedDataConverter(options?: AesGcmCodecOptions, env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const codec = options ? new AesGcmCodec(options) : codecFromEnv(env);
  return codec ? { payloadCodecs: [codec] } : undefined;
}
