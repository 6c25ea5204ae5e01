// What Temporal accepts as a workflow id (a run id, a sub-run id, a fork's id), as one pure rule: the client checks the
// ids it is given, workflow code (durable-agent/workflow, the loop's agentTool calls) the ids it derives, so a bad id is
// a typed error where it is made instead of a start the server refuses (a workflow task that then fails forever).
import { utf8Bytes } from './payload-size.js';

/** The server's default `limit.maxIDLength`: ids longer than this (in UTF-8 bytes) are refused. */
export const MAX_RUN_ID_BYTES = 1000;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why Temporal would refuse `id` as a workflow id, or undefined when it takes it. */
export function workflowIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return `a run id is a string, got ${id === null ? 'null' : typeof id}`;
  if (id.trim() === '') return 'it is empty';
  const bytes = utf8Bytes(id);
  if (bytes > MAX_RUN_ID_BYTES) return `it is ${bytes} bytes long; Temporal takes at most ${MAX_RUN_ID_BYTES}`;
  if (LONE_SURROGATE.test(id)) return 'it holds a lone UTF-16 surrogate, which is not valid text';
  return undefined;
}

/** `id` as a short JSON string for a message (the first 40 characters of a long one). */
export function shownId(id: unknown): string {
  return typeof id === 'string' ? JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id) : String(id);
}
