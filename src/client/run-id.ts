// What Temporal accepts as a workflow id, checked before any request: a bad id gets a typed error that says what is
// wrong, not a gRPC INVALID_ARGUMENT (or a misleading "pass { runId }").
import { InvalidRunIdError } from './errors.js';

/** The server's default `limit.maxIDLength`: ids longer than this (in UTF-8 bytes) are refused. */
export const MAX_RUN_ID_BYTES = 1000;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function checkRunId(runId: unknown): string {
  if (typeof runId !== 'string') throw new InvalidRunIdError(runId, `a run id is a string, got ${runId === null ? 'null' : typeof runId}`);
  if (runId.trim() === '') throw new InvalidRunIdError(runId, 'it is empty');
  const bytes = Buffer.byteLength(runId);
  if (bytes > MAX_RUN_ID_BYTES) throw new InvalidRunIdError(runId, `it is ${bytes} bytes long; Temporal takes at most ${MAX_RUN_ID_BYTES}`);
  if (LONE_SURROGATE.test(runId)) throw new InvalidRunIdError(runId, 'it holds a lone UTF-16 surrogate, which is not valid text');
  return runId;
}
