// Optional compression of Temporal payloads, in the format every Temporal SDK's zlib codec uses: the whole payload
// (metadata and data) serialized as a protobuf and zlib-deflated into a payload whose encoding is `binary/zlib`.
// Agent runs carry long text (model answers, tool results), which deflate shrinks to about a third, so a run's history
// holds less than its content. Like the encryption codec it runs in the client and in the worker's main thread,
// never inside the workflow sandbox. Put it before an encryption codec: ciphertext does not compress.
import { deflateSync, inflateSync } from 'node:zlib';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { metadataText } from './payload-metadata.js';
import type { EnvName } from '../config/env.js';

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

/** The payload encoding `ZlibCodec` writes, the one every Temporal SDK's zlib codec reads and writes. */
export const ZLIB_ENCODING = 'binary/zlib';
/** `zlib` compresses every payload the client and the workers built from the environment write. */
export const COMPRESSION_ENV = 'DURABLE_AGENT_COMPRESSION' satisfies EnvName;

/** Options of `ZlibCodec`. */
export interface ZlibCodecOptions {
  /** Payloads smaller than this (serialized) are left as they are; default 256 bytes. */
  minBytes?: number;
  /** zlib level 1 (fastest) to 9 (smallest); default 6, zlib's own default. */
  level?: number;
}

/** Thrown when a `binary/zlib` payload does not inflate to a payload. */
export class PayloadDecompressionError extends Error {
  override readonly name = 'PayloadDecompressionError';
}

/**
 * A Temporal payload codec that stores each payload that is large enough and shrinks zlib-deflated (`binary/zlib`). Put
 * it before an encrypting codec: ciphertext does not shrink.
 */
export class ZlibCodec implements PayloadCodec {
  readonly minBytes: number;
  readonly level: number;

  constructor(options: ZlibCodecOptions = {}) {
    const { minBytes = 256, level = 6 } = options;
    if (!Number.isInteger(minBytes) || minBytes < 0) throw new TypeError(`ZlibCodec minBytes must be a whole number of bytes ≥ 0, got ${minBytes}.`);
    if (!Number.isInteger(level) || level < 1 || level > 9) throw new TypeError(`ZlibCodec level must be a whole number from 1 to 9, got ${level}.`);
    this.minBytes = minBytes;
    this.level = level;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const plain = PayloadMessage.encode(payload).finish();
      if (plain.length < this.minBytes) return payload;
      const packed: Payload = { metadata: { encoding: Buffer.from(ZLIB_ENCODING) }, data: deflateSync(plain, { level: this.level }) };
      // Kept only where it pays: the wrapper costs its own metadata, and short or random data does not shrink.
      return PayloadMessage.encode(packed).finish().length < plain.length ? packed : payload;
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      // Payloads written uncompressed (small ones, or before compression was switched on) pass through.
      if (metadataText(payload, 'encoding') !== ZLIB_ENCODING) return payload;
      try {
        return PayloadMessage.decode(inflateSync(Buffer.from(payload.data ?? new Uint8Array())));
      } catch (err) {
        throw new PayloadDecompressionError(`A ${ZLIB_ENCODING} payload does not inflate to a Temporal payload: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  }
}

/** The compression DURABLE_AGENT_COMPRESSION asks for (`zlib`), or undefined when it is unset or empty. */
export function compressionFromEnv(env: NodeJS.ProcessEnv = process.env): ZlibCodec | undefined {
  const value = env[COMPRESSION_ENV]?.trim().toLowerCase();
  if (!value) return undefined;
  if (value !== 'zlib') throw new TypeError(`${COMPRESSION_ENV} must be "zlib" (or unset), got "${env[COMPRESSION_ENV]}".`);
  return new ZlibCodec();
}
