// Several payload codecs as one, in the order Temporal applies a data converter's `payloadCodecs`: encode first to
// last, decode last to first. The codec endpoint serves a chain; the history reader decodes recorded payloads through
// one.
import type { Payload, PayloadCodec } from '@temporalio/common';

/** Several payload codecs as one: encodes first to last, decodes last to first. */
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
