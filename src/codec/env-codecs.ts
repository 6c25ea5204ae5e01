// The payload codecs the environment configures, in the one order they compose: compression first
// (DURABLE_AGENT_COMPRESSION=zlib), then encryption (DURABLE_AGENT_CODEC_KEY). Clients, workers, the CLI and the
// codec server all build their codecs here, so a run written by one is readable by the others.
import type { DataConverter, PayloadCodec } from '@temporalio/common';
import { codecFromEnv, type AesGcmCodec } from './aes-gcm-codec.js';
import { compressionFromEnv, type ZlibCodec } from './zlib-codec.js';

export interface EnvCodecs {
  compression?: ZlibCodec;
  encryption?: AesGcmCodec;
  /** Both, in encoding order: what `payloadCodecs` takes. */
  codecs: PayloadCodec[];
  /** `{ payloadCodecs: codecs }`; undefined when the environment configures no codec. */
  dataConverter: DataConverter | undefined;
  /** What the codecs are, for telling clients with different codecs apart (no secret in it). */
  tag: string;
}

/** The one order the two compose in, whoever built them: compression, then encryption. */
export function inCodecOrder(compression: ZlibCodec | undefined, encryption: AesGcmCodec | undefined): PayloadCodec[] {
  return [...(compression ? [compression] : []), ...(encryption ? [encryption] : [])];
}

export function envCodecs(env: NodeJS.ProcessEnv = process.env): EnvCodecs {
  const compression = compressionFromEnv(env);
  const encryption = codecFromEnv(env);
  const parts = [...(compression ? ['zlib'] : []), ...(encryption ? [`codec-${encryption.keyId}-${encryption.fingerprint}`] : [])];
  const codecs = inCodecOrder(compression, encryption);
  return {
    ...(compression ? { compression } : {}),
    ...(encryption ? { encryption } : {}),
    codecs,
    dataConverter: codecs.length ? { payloadCodecs: codecs } : undefined,
    tag: parts.length ? parts.join('+') : 'plain',
  };
}

/** `{ payloadCodecs }` for Worker, Client and Connection alike; undefined when the environment configures no codec. */
export function dataConverterFromEnv(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  return envCodecs(env).dataConverter;
}
