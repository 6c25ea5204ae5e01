// Where a history's bytes go: every encoded byte of every event attributed to one leaf field path (e.g.
// `ACTIVITY_TASK_COMPLETED attrs.result.payloads.data`), with each message's own tag and length bytes attributed to
// `<path>#frame`. The parts add up to the encoded History exactly (the bench checks it). Read through the proto
// package's reflection (the same root the client decodes with).
import proto from '@temporalio/proto';
import type { MessageParam } from '../src/core/types.js';

const { temporal } = proto;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

/** The slice of protobufjs reflection this reads (a message Type and its fields). */
interface ReflectedField {
  name: string;
  repeated: boolean;
  map: boolean;
  resolvedType: unknown;
}
interface ReflectedType {
  fieldsArray: ReflectedField[];
  fromObject(object: Record<string, unknown>): unknown;
  encode(message: unknown): { finish(): Uint8Array };
}

function isType(value: unknown): value is ReflectedType {
  return typeof value === 'object' && value !== null && 'fieldsArray' in value && 'encode' in value;
}

function isSet(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

function fieldBytes(type: ReflectedType, name: string, value: unknown): number {
  return type.encode(type.fromObject({ [name]: value })).finish().length;
}

/** Adds each leaf's bytes of `message` (of `type`) to `out` under `path`; returns the message body's size. */
function account(type: ReflectedType, message: Record<string, unknown>, path: string, out: Map<string, number>): number {
  let total = 0;
  for (const field of type.fieldsArray) {
    const value = message[field.name];
    if (!isSet(value)) continue;
    const size = fieldBytes(type, field.name, value);
    total += size;
    const name = field.name.endsWith('EventAttributes') ? 'attrs' : field.name;
    const at = path ? `${path}.${name}` : name;
    const child = field.resolvedType;
    if (isType(child) && !field.map) {
      const items = (field.repeated ? value : [value]) as Record<string, unknown>[];
      let inner = 0;
      for (const item of items) inner += account(child, item, at, out);
      add(out, `${at}#frame`, size - inner);
    } else {
      add(out, at, size);
    }
  }
  return total;
}

function add(out: Map<string, number>, key: string, bytes: number): void {
  if (bytes) out.set(key, (out.get(key) ?? 0) + bytes);
}

export function eventTypeName(event: HistoryEvent): string {
  return String(temporal.api.enums.v1.EventType[Number(event.eventType)] ?? event.eventType).replace(/^EVENT_TYPE_/, '');
}

/**
 * The event's bytes by leaf path, keyed `<EVENT_TYPE> <path>`; `(event)#frame` is the tag and length the event takes
 * inside the History message. Sums to the event's size in the encoded History.
 */
export function eventAccount(event: HistoryEvent, out: Map<string, number> = new Map()): Map<string, number> {
  const type = temporal.api.history.v1.HistoryEvent as unknown as ReflectedType;
  const prefix = eventTypeName(event);
  const parts = new Map<string, number>();
  const body = account(type, temporal.api.history.v1.HistoryEvent.fromObject(event) as unknown as Record<string, unknown>, '', parts);
  let varint = 1;
  for (let v = body; v >= 0x80; v >>>= 7) varint++;
  add(parts, '(event)#frame', 1 + varint);
  for (const [path, bytes] of parts) add(out, `${prefix} ${path}`, bytes);
  return out;
}

/** Who decides a history byte: what durable-agent writes, what the worker's options write, what Temporal writes anyway. */
export const BYTE_OWNERS = {
  payloadData: 'payload data (activity inputs and results: content plus durable-agent JSON)',
  summaries: 'activity summaries (user metadata)',
  retryLists: 'retry policy non-retryable error types',
  names: 'activity ids and type names',
  markers: 'patch markers and their search attribute upserts',
  worker: 'worker build id and identity (worker options, SDK defaults)',
  encoding: 'payload encoding metadata (data converter)',
  temporal: 'Temporal fixed (event framing, ids, timestamps, task queues, timeouts, request ids, workflow tasks)',
} as const;
export type ByteOwner = keyof typeof BYTE_OWNERS;

/** The owner of a `<EVENT_TYPE> <path>` key of eventAccount. */
export function ownerOf(key: string): ByteOwner {
  const [type = '', path = ''] = key.split(' ');
  if (type === 'MARKER_RECORDED' || type === 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES') return 'markers';
  if (path.startsWith('userMetadata')) return 'summaries';
  if (path.endsWith('.payloads.data')) return 'payloadData';
  if (path.endsWith('.payloads.metadata')) return 'encoding';
  if (path.endsWith('retryPolicy.nonRetryableErrorTypes')) return 'retryLists';
  if (path === 'attrs.activityId' || path === 'attrs.activityType.name') return 'names';
  if (path.endsWith('workerVersion.buildId') || path === 'attrs.identity') return 'worker';
  return 'temporal';
}

/**
 * UTF-8 bytes of what the conversation's turns add: the model's text, its tool_use inputs (as JSON) and the tool
 * results; `size` measures each piece another way (e.g. deflated).
 */
export function contentBytes(messages: MessageParam[], size: (text: string) => number = (text) => Buffer.byteLength(text)): number {
  let total = 0;
  for (const message of messages) {
    if (typeof message.content === 'string') continue;
    for (const block of message.content) {
      if (block.type === 'text' && message.role === 'assistant') total += size(block.text);
      else if (block.type === 'tool_use') total += size(JSON.stringify(block.input));
      else if (block.type === 'tool_result') total += size(typeof block.content === 'string' ? block.content : JSON.stringify(block.content ?? ''));
    }
  }
  return total;
}

/** Bytes per turn by owner, from an eventAccount map summed over `turns` turns. */
export function perTurnByOwner(byField: Map<string, number>, turns: number): Record<ByteOwner, number> {
  const out = Object.fromEntries(Object.keys(BYTE_OWNERS).map((k) => [k, 0])) as Record<ByteOwner, number>;
  for (const [key, bytes] of byField) out[ownerOf(key)] += bytes / turns;
  return out;
}
