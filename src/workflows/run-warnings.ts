// Limits a run approaches and cannot pass, read off what it recorded, each with what to change: a tool result near
// Temporal's payload limit (a larger one fails the run), a request that compaction could not bring under its context
// budget, a conversation snapshot (what a continue-as-new carries) near the payload limit. Pure and bundle-safe: the
// history reader (projections.ts) adds them to the RunOutput, which `show` prints; the loop to the Web UI's details.

import { jsonPayloadBytes, MAX_PAYLOAD_BYTES } from '../core/payload-size.js';
import type { ConversationSnapshot, RunWarning, StepResult } from '../core/types.js';

/** A payload past this share of the limit is worth a warning: the next one may be larger. */
const NEAR = 0.5;

export function runWarnings(steps: StepResult[], snapshot: ConversationSnapshot | undefined): RunWarning[] {
  const warnings: RunWarning[] = [];
  const limit = MAX_PAYLOAD_BYTES;
  let largest: { step: StepResult; bytes: number } | undefined;
  for (const step of steps) {
    // A character is at most 3 bytes of UTF-8 JSON (6 escaped): most results are ruled out without measuring them.
    if (!step.name.startsWith('tool:') || step.status !== 'completed' || step.output === undefined || step.output.length * 6 < NEAR * limit) continue;
    const bytes = jsonPayloadBytes(step.output);
    if (bytes > (largest?.bytes ?? NEAR * limit)) largest = { step, bytes };
  }
  if (largest) {
    warnings.push({
      kind: 'tool-result-size',
      stepIndex: largest.step.index,
      message:
        `Step ${largest.step.index} (${largest.step.name}) returned ${largest.bytes} bytes, over half of the ${limit}-byte payload budget ` +
        'under Temporal\'s 2 MB limit: a result over it fails the run (PayloadTooLargeError). Have the tool return less, or store ' +
        'large output elsewhere and return a reference to it.',
    });
  }
  const over = steps.filter((s) => s.context && s.context.estimatedTokens > s.context.budgetTokens).at(-1);
  if (over?.context) {
    warnings.push({
      kind: 'context-budget',
      stepIndex: over.index,
      message:
        `Step ${over.index}'s request was about ${over.context.estimatedTokens} tokens after compaction, over its budget of ` +
        `${over.context.budgetTokens}: compaction could not meet it (the turns it keeps whole are too large), and the model may ` +
        'refuse a request past its window. Raise Task context.budgetTokens (within the model\'s window), lower context.keepRecent, ' +
        'or use context.strategy "summarize".',
    });
  }
  const snapshotBytes = snapshot ? snapshotBytesOf(snapshot) : 0;
  if (snapshotBytes > NEAR * limit) {
    warnings.push({
      kind: 'snapshot-size',
      message:
        `The conversation the run carries when it continues as new is ${snapshotBytes} bytes, over half of the ${limit}-byte ` +
        'payload budget (tool results travel by reference; the model\'s own messages do not): past it the run can no longer ' +
        'continue as new and runs on until Temporal\'s history limits stop it. Have the model answer more briefly, or split ' +
        'the work into runs of their own (agentTool sub-runs).',
    });
  }
  return warnings;
}

/** A snapshot never changes: measured once (the loop asks at every step). */
const snapshotSizes = new WeakMap<ConversationSnapshot, number>();

function snapshotBytesOf(snapshot: ConversationSnapshot): number {
  let bytes = snapshotSizes.get(snapshot);
  if (bytes === undefined) snapshotSizes.set(snapshot, (bytes = jsonPayloadBytes(snapshot)));
  return bytes;
}
