// What a version of a tool is, as a short string the client and the worker each compute from their own copy: the run
// carries the client's, the worker compares it with its own before the run's first model call (resolveTools).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ResolvedTool, ToolPolicy } from '../core/types.js';
import type { Tool } from './tool-definition.js';

/** The parts a fingerprint covers, in its order: each is one 8-hex segment, so a mismatch says which parts differ. */
export const FINGERPRINT_PARTS = ['description', 'input schema', 'policy (timeoutMs, maxAttempts, heartbeatTimeoutMs)', 'human gate'] as const;

/** JSON with object keys sorted, so equal schemas give equal text whatever order their keys were built in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function digest(name: string, part: unknown): string {
  return createHash('sha256').update(canonicalJson([name, part])).digest('hex').slice(0, 8);
}

/** The tool's human gate as a run names it: which human acts, and whether a policy (`when`) decides per call. */
export function toolGate(t: Tool): Pick<ToolPolicy, 'requires' | 'conditional'> {
  if (!t.human) return {};
  return { requires: t.human.kind, ...('when' in t.human && t.human.when ? { conditional: true as const } : {}) };
}

/** The policy the worker runs the tool with; the workflow takes it from the worker's answer (ResolvedTool). */
export function toolPolicy(t: Tool): ToolPolicy {
  return {
    ...(t.timeoutMs !== undefined ? { timeoutMs: t.timeoutMs } : {}),
    ...(t.maxAttempts !== undefined ? { maxAttempts: t.maxAttempts } : {}),
    ...(t.heartbeatTimeoutMs !== undefined ? { heartbeatTimeoutMs: t.heartbeatTimeoutMs } : {}),
    ...toolGate(t),
    ...(t.idempotent === false ? { idempotent: false as const } : {}),
  };
}

/** What the loop needs to schedule an activityTool or agentTool itself; nothing for a plain tool. */
export function temporalToolSpec(t: Tool): Pick<ResolvedTool, 'activity' | 'agent'> {
  return { ...(t.activity ? { activity: t.activity } : {}), ...(t.agent ? { agent: t.agent } : {}) };
}

/** e.g. `3f9a1c2b.7d4e0a11.c0ffee00.5b6a7c8d`: description, input schema, policy, human gate (with its schema). */
export function toolFingerprint(t: Tool): string {
  const human = t.human
    ? {
        kind: t.human.kind,
        ...(t.human.kind === 'userInput' ? { schema: z.toJSONSchema(t.human.schema, { target: 'draft-7', unrepresentable: 'any' }) } : {}),
        // A gate decided by policy (its function's code is the worker's own, like run's).
        ...('when' in t.human && t.human.when ? { when: true } : {}),
      }
    : null;
  return [
    digest(t.name, t.description),
    digest(t.name, t.inputSchema),
    // An activityTool's or agentTool's spec is policy too, and a heartbeat timeout of the tool's own (absent on plain
    // tools without one, so their fingerprints are unchanged).
    digest(t.name, {
      timeoutMs: t.timeoutMs ?? null,
      maxAttempts: t.maxAttempts ?? null,
      ...(t.heartbeatTimeoutMs !== undefined ? { heartbeatTimeoutMs: t.heartbeatTimeoutMs } : {}),
      ...(t.idempotent === false ? { idempotent: false } : {}),
      ...temporalToolSpec(t),
    }),
    digest(t.name, human),
  ].join('.');
}

/** Which parts two fingerprints of one tool differ in (all of them when either is not a fingerprint of this shape). */
export function fingerprintDifferences(a: string, b: string): string[] {
  const as = a.split('.');
  const bs = b.split('.');
  if (as.length !== FINGERPRINT_PARTS.length || bs.length !== FINGERPRINT_PARTS.length) return [...FINGERPRINT_PARTS];
  return FINGERPRINT_PARTS.filter((_, i) => as[i] !== bs[i]);
}
