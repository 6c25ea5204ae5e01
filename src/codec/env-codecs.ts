// The payload codecs the environment configures, in the one order they compose: compression first
// (DURABLE_AGENT_COMPRESSION=zlib), then encryption (DURABLE_AGENT_CODEC_KEY). Clients, workers, the CLI and the
// codec server all build their codecs here, so a run written by one is readable by the others.
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { codecFromEnv, type AesGcmCodec } from './aes-gcm-codec.js';
import { compressionFromEnv, type ZlibCodec } from './zlib-codec.js';

export interface EnvCodecs {
  compression?: ZlibCodec;
  encryption?: AesGcmCodec;
  /** Both, in encoding order: what `payloadCodecs` takes. */
  codecs: PayloadCodec[];
  /** What the codecs are, for telling clients with different codecs apart (no secret in it). */
  tag: string;
}

export function envCodecs(env: NodeJS.ProcessEnv = process.env): EnvCodecs {
  const compression = compressionFromEnv(env);
  const encryption = codecFromEnv(env);
  const parts = [...(compression ? ['zlib'] : []), ...(encryption ? [`codec-${encryption.keyId}-${encryption.fingerprint}`] : [])];
  return {
    ...(compression ? { compression } : {}),
    ...(encryption ? { encryption } : {}),
    codecs: [...(compression ? [compression] : []), ...(encryption ? [encryption] : [])],
    tag: parts.length ? parts.join('+') : 'plain',
  };
}

/** `{ payloadCodecs }` for Worker, Client and Connection alike; undefined when the environment configures no codec. */
export function dataConverterFromEnv(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const { codecs } = envCodecs(env);
  return codecs.length ? { payloadCodecs: codecs } : undefined;
}

/** Codecs as one, the way Temporal applies `payloadCodecs`: encode first to last, decode last to first. */
export class CodecChain implements PayloadCodec {
  constructor(readonly codecs: readonly PayloadCodec[]) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    let out = payloads;
    for (const codec of this.codecs) out = await codec.encode(out);
    return out;
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    let out = payloads;
    for (const codec of [...this.codecs].reverse()) out = await codec.decode(out);
    return out;
  }
}
