// A tool call's idempotency key: one per call of a run, the same on every attempt, every execution and every
// continuation of that run (it derives from the run id and the model's tool_use id, both fixed once the model asked for
// the call), so a service that honours idempotency keys applies a repeated call once. Passed on by the tool itself:
// `idempotencyHeaders(ctx)` on outbound HTTP, and MCP tools send it in the call's `_meta`.
import { createHash } from 'node:crypto';
import type { ToolContext } from './tool-definition.js';

/** The idempotency key of the call `toolUseId` of run `runId`: 32 hex digits, stable across retries and executions. */
export function idempotencyKeyOf(runId: string, toolUseId: string): string {
  return createHash('sha256').update(`durable-agent\n${runId}\n${toolUseId}`).digest('hex').slice(0, 32);
}

/**
 * The call's idempotency key as an HTTP header, to spread into an outbound request's headers:
 * `fetch(url, { method: 'POST', headers: { ...idempotencyHeaders(ctx), 'content-type': 'application/json' }, ... })`.
 * Services that honour `Idempotency-Key` (Stripe, Adyen, many payment and messaging APIs) then apply a call that runs
 * again after a crash, a retry or a continuation only once.
 */
export function idempotencyHeaders(context: Pick<ToolContext, 'idempotencyKey'>): { 'Idempotency-Key': string } {
  return { 'Idempotency-Key': context.idempotencyKey };
}
