// Temporal refuses any payload over 2 MB (the server's blob size limit), and a workflow task that schedules one
// fails and is retried forever. The loop measures what it is about to send and fails the step clearly instead.

/** 2 MiB less room for payload metadata and an optional codec's envelope. */
export const MAX_PAYLOAD_BYTES = 2 * 1024 * 1024 - 64 * 1024;

/** Bytes of `value` as the default JSON payload converter encodes it (UTF-8 JSON). */
export function jsonPayloadBytes(value: unknown): number {
  return utf8Bytes(JSON.stringify(value) ?? '');
}

/** Bytes of `json` in UTF-8 (what Buffer.byteLength gives, without Node's Buffer). */
export function utf8Bytes(json: string): number {
  let bytes = 0;
  for (let i = 0; i < json.length; i++) {
    const code = json.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      // A surrogate pair is one 4-byte code point.
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
