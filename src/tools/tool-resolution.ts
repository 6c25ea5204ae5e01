// The `resolveTools` activity: before a run's first model call, the worker answers with its own policy and fingerprint
// of each tool the run names, and refuses a run whose client saw another version of a tool than this worker has.
import { ApplicationFailure } from '@temporalio/activity';
import { FailureTypes, type ResolvedTool, type ToolPolicy, type ToolRef } from '../core/types.js';
import { fingerprintDifferences, temporalToolSpec, toolFingerprint, toolPolicy } from './tool-fingerprint.js';
import type { ToolRegistry } from './tool-registry.js';

export interface ResolveToolsInput {
  tools: ToolRef[];
}

const POLICY_FIELDS = ['timeoutMs', 'maxAttempts', 'heartbeatTimeoutMs', 'requires', 'idempotent'] as const satisfies ReadonlyArray<keyof ToolPolicy>;

/** Why the run's view of one tool and the worker's disagree, or undefined when they agree. */
function mismatchOf(ref: ToolRef, worker: ResolvedTool): string | undefined {
  if (ref.fingerprint !== undefined) {
    if (ref.fingerprint === worker.fingerprint) return undefined;
    const parts = fingerprintDifferences(ref.fingerprint, worker.fingerprint);
    return (
      `tool "${ref.name}": the client's version (fingerprint ${ref.fingerprint}) is not the worker's ` +
      `(fingerprint ${worker.fingerprint}); they differ in: ${parts.join(', ')}`
    );
  }
  // No fingerprint (a run started by a plain Temporal client, or before fingerprints): what it does say must agree.
  const differing = POLICY_FIELDS.filter((field) => ref[field] !== undefined && ref[field] !== worker[field]);
  if (!differing.length) return undefined;
  const show = (p: ToolPolicy): string => differing.map((f) => `${f} ${JSON.stringify(p[f]) ?? 'unset'}`).join(', ');
  return `tool "${ref.name}": the run gives ${show(ref)} but the worker's tool (fingerprint ${worker.fingerprint}) has ${show(worker)}`;
}

export function createToolResolution(registry: ToolRegistry) {
  return async function resolveTools({ tools }: ResolveToolsInput): Promise<ResolvedTool[]> {
    const missing = tools.filter((ref) => !registry.get(ref.name)).map((ref) => ref.name);
    if (missing.length) throw registry.notRegistered(missing);
    const resolved = tools.map((ref): ResolvedTool => {
      const t = registry.require(ref.name);
      return { name: t.name, fingerprint: toolFingerprint(t), ...toolPolicy(t), ...temporalToolSpec(t) };
    });
    const mismatches = tools.flatMap((ref, i) => mismatchOf(ref, resolved[i]!) ?? []);
    if (mismatches.length) {
      throw ApplicationFailure.create({
        type: FailureTypes.toolMismatch,
        nonRetryable: true,
        message:
          `The run's tools differ from this worker's, so it stopped before its first model call: ${mismatches.join('; ')}. ` +
          'Run the same version of each tool on the client (Task({ tools })) and on the worker (createWorker({ tools })).',
        details: [{ mismatches }],
      });
    }
    return resolved;
  };
}
