// AWS's binary event stream (application/vnd.amazon.eventstream), the framing of Bedrock's
// invoke-with-response-stream, encoded by hand so the fake needs no AWS package. One message is:
//   prelude: total length (u32), headers length (u32), CRC32 of those 8 bytes (u32)
//   headers: name length (u8), name, value type (u8; 7 = string), value length (u16), value
//   payload, then the CRC32 of everything before it (u32). All big-endian; CRC32 is the IEEE one zlib uses.
// The real SDK decodes it with @smithy/eventstream-codec, which checks both CRCs (test/fake-bedrock-vertex.test.ts).

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (IEEE 802.3), as zlib and the event stream compute it. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const STRING_HEADER = 7;

function encodeHeaders(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(value, 'utf8');
    const head = Buffer.alloc(1 + n.length + 1 + 2);
    head.writeUInt8(n.length, 0);
    n.copy(head, 1);
    head.writeUInt8(STRING_HEADER, 1 + n.length);
    head.writeUInt16BE(v.length, 2 + n.length);
    parts.push(head, v);
  }
  return Buffer.concat(parts);
}

/** One event stream message with string headers. */
export function eventStreamMessage(headers: Record<string, string>, payload: Uint8Array): Buffer {
  const head = encodeHeaders(headers);
  const total = 12 + head.length + payload.length + 4;
  const message = Buffer.alloc(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(head.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  head.copy(message, 12);
  Buffer.from(payload).copy(message, 12 + head.length);
  message.writeUInt32BE(crc32(message.subarray(0, total - 4)), total - 4);
  return message;
}

/** A Bedrock `chunk` event: `{"bytes": base64(JSON of one Anthropic stream event)}`. */
export function bedrockChunk(event: unknown): Buffer {
  const bytes = Buffer.from(JSON.stringify(event), 'utf8').toString('base64');
  return eventStreamMessage(
    { ':event-type': 'chunk', ':content-type': 'application/json', ':message-type': 'event' },
    Buffer.from(JSON.stringify({ bytes }), 'utf8'),
  );
}

/** A Bedrock exception frame (`modelStreamErrorException`, `throttlingException`, ...) carrying `{"message": ...}`. */
export function bedrockException(exceptionType: string, message: string): Buffer {
  return eventStreamMessage(
    { ':exception-type': exceptionType, ':content-type': 'application/json', ':message-type': 'exception' },
    Buffer.from(JSON.stringify({ message }), 'utf8'),
  );
}
