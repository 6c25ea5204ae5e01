// A history as one searchable string: every bytes field (payload data and metadata included) shown as UTF-8.
// JSON.stringify alone would not do: protobufjs messages' toJSON turns bytes into base64 before a replacer sees them.
import type { temporal } from '@temporalio/proto';

function plain(node: unknown): unknown {
  if (node instanceof Uint8Array) return Buffer.from(node).toString('utf8');
  if (Array.isArray(node)) return node.map(plain);
  if (typeof node === 'object' && node !== null) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, plain(v)]));
  return node;
}

export function historyAsPlaintext(history: temporal.api.history.v1.IHistory): string {
  return JSON.stringify(plain(history));
}
