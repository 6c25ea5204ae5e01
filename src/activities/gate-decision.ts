// The `decideGate` activity: a human gate decided by policy (`human: { kind, when }`) is decided here, on the worker
// that owns the tool's code, once per call before it runs. Its result is recorded in the run's history, so the loop's
// replay and every reader of the run (requirements, status, show, the stream) see the same decision.
import type { GateDecisionInput } from '../core/types.js';
import type { ToolRegistry } from '../tools/tool-registry.js';

/** Whether the call waits for a human, and why not when the policy could not decide. */
export interface GateDecision {
  required: boolean;
  /** Set when the policy threw: the gate applies, and this says why. */
  problem?: string;
}

export function createGateDecision(registry: ToolRegistry) {
  return async function decideGate({ toolName, toolUseId, input, runId, sessionId, userId }: GateDecisionInput): Promise<GateDecision> {
    const gate = registry.require(toolName).human;
    const when = gate && 'when' in gate ? gate.when : undefined;
    if (!when) return { required: gate !== undefined };
    const parsed = registry.require(toolName).input.safeParse(input);
    try {
      const decided = await when.call(gate, parsed.success ? parsed.data : input, {
        runId,
        toolUseId,
        ...(sessionId !== undefined ? { sessionId } : {}),
        ...(userId !== undefined ? { userId } : {}),
      });
      return { required: decided !== false };
    } catch (err) {
      // A policy that cannot decide asks the human rather than let the call through.
      return { required: true, problem: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    }
  };
}
