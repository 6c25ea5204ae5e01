// Each execution of a run is one trace whose id is the execution's Temporal run id (a UUID is 16 bytes, like a W3C
// trace id), so a trace is found from the Web UI's Run ID and back, and a continuation can link to the execution it
// continues knowing only that run id (ContinuationSeed.continuedFrom). Pure: used in workflow code and the worker.

export interface ExecutionSpanIds {
  traceId: string;
  spanId: string;
}

/** A deterministic 32-hex-digit value for ids that are not UUIDs (FNV-1a, two 64-bit lanes). */
function hashHex(text: string): string {
  let a = 0xcbf29ce484222325n;
  let b = 0x84222325cbf29ce4n;
  const prime = 0x100000001b3n;
  const mask = (1n << 64n) - 1n;
  for (let i = 0; i < text.length; i++) {
    const c = BigInt(text.charCodeAt(i));
    a = ((a ^ c) * prime) & mask;
    b = ((b ^ (c + 1n)) * prime) & mask;
  }
  return a.toString(16).padStart(16, '0') + b.toString(16).padStart(16, '0');
}

/** The trace id and root span id of the execution with this Temporal run id. */
export function executionSpanIds(executionRunId: string): ExecutionSpanIds {
  const hex = executionRunId.replace(/-/g, '').toLowerCase();
  const id = /^[0-9a-f]{32}$/.test(hex) && !/^0+$/.test(hex) ? hex : hashHex(executionRunId);
  // The span id: the UUID's last 8 bytes (its random part in a v4 or v7 UUID); never all zeros.
  const tail = id.slice(16);
  return { traceId: id, spanId: /^0+$/.test(tail) ? '0000000000000001' : tail };
}

/** W3C `traceparent` naming the execution's root span as the parent. */
export function executionTraceparent(executionRunId: string): string {
  const { traceId, spanId } = executionSpanIds(executionRunId);
  return `00-${traceId}-${spanId}-01`;
}

/** The span context in a W3C `traceparent`, or undefined when it is not one. */
export function parseTraceparent(value: unknown): ExecutionSpanIds | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/.exec(value.trim());
  return match?.[1] && match[2] ? { traceId: match[1], spanId: match[2] } : undefined;
}
