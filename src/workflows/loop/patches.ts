// The patch registry: every Temporal patch the loop has, in one table. A change to the commands the loop issues goes
// behind `patched(id)` so runs recorded before it replay unchanged; this table says what each branch changed, which
// saved histories (test/histories) carry its marker and so replay the new branch, and when the old branch can go.
// Lifecycle (samples-typescript patching-api): patched → deprecatePatch (old branch removed) → the call removed.
// test/patches.test.ts holds the table to the saved histories. Bundle-safe: plain data, no imports.

/** One patch of the loop. */
export interface Patch {
  /** The id given to `patched()`; a run that took the new branch records it in a MarkerRecorded event. */
  readonly id: string;
  /** What the new branch changed in the commands the workflow issues. */
  readonly changed: string;
  /** Where the branch is, under src/workflows. */
  readonly where: string;
  /** The commit that added it. */
  readonly since: string;
  /** The saved histories (paths under test/histories) that carry its marker: their replay exercises the new branch. */
  readonly histories: readonly string[];
  /** `patched`: both branches live. `deprecated`: `deprecatePatch(id)`, the old branch gone. */
  readonly stage: 'patched' | 'deprecated';
  /** When it can move to the next stage. */
  readonly deprecateWhen: string;
}

/** Runs recorded before a patch are replayed by its old branch: it can go once none is open and none is kept to replay. */
const WHEN = (since: string): string =>
  `no run started by a worker older than ${since} is still open, and the saved histories without this marker that take ` +
  'the old branch are re-recorded (replay of them fails once the old branch is gone)';

/** The registry: one entry per patch, by the name the code uses. */
export const PATCHES = {
  maxStepsBoundsToolCalls: {
    id: 'durable-agent/max-steps-bounds-tool-calls',
    changed: 'the maxSteps check before a turn\'s tool calls: a turn whose calls would pass the limit runs none of them',
    where: 'loop/stop-and-limits.ts',
    since: 'cde2544',
    histories: ['max-steps.json'],
    stage: 'patched',
    deprecateWhen: WHEN('cde2544'),
  },
  toolsResolvedOnWorker: {
    id: 'durable-agent/tools-resolved-on-worker',
    changed: 'the run\'s tools resolved on the worker (resolveTools activity) before its first model call',
    where: 'loop/tool-resolution.ts',
    since: 'c7cc051',
    histories: [
      'checkpoint-cancelled.json',
      'checkpoint-continued.json',
      'context-cleared-cancelled.json',
      'context-cleared-continued.json',
      'context-dropped.json',
      'context-summarized.json',
      'continued-as-new-first.json',
      'continued-as-new-middle.json',
      'gate-policy-answered.json',
      'gate-policy-paused.json',
      'handler-names-confirmed.json',
      'history-dedup-tool-results.json',
      'history-ratio-lean-cancelled.json',
      'history-ratio-lean-continued.json',
      'history-ratio-lean-steps.json',
      'session-memory.json',
      'stop-after-step.json',
      'stop-budget.json',
      'stop-deadline.json',
      'stop-redirected.json',
      'structured-continued.json',
      'sub-run-approval.json',
      'sub-run-approval.step-1-tool-treasurer-toolu_fake_0_0.json',
      'sub-run-model-attribute.json',
      'temporal-tools-activity.json',
      'temporal-tools-agent-cancelled.json',
      'temporal-tools-agent-continued.json',
      'temporal-tools-sub-run-continued.json',
      'tool-mismatch.json',
      'tools-resolved.json',
    ],
    stage: 'patched',
    deprecateWhen: WHEN('c7cc051'),
  },
  statusSetInUpdateHandler: {
    id: 'durable-agent/status-set-in-update-handler',
    changed: 'the status set back to running (search attribute upsert) in the update handler that answers the last waiting call',
    where: 'loop/human-gates.ts',
    since: 'c683192',
    histories: [
      'gate-policy-answered.json',
      'handler-names-confirmed.json',
      'sub-run-approval.step-1-tool-treasurer-toolu_fake_0_0.json',
      'tools-resolved.json',
    ],
    stage: 'patched',
    deprecateWhen: WHEN('c683192'),
  },
  toolCheckpoints: {
    id: 'durable-agent/tool-checkpoints',
    changed: 'a tool call a cancel cut gets its last progress (the seed\'s checkpoint) when it runs again',
    where: 'loop/tool-step.ts',
    since: '294ec55',
    histories: ['checkpoint-continued.json'],
    stage: 'patched',
    deprecateWhen: WHEN('294ec55'),
  },
  temporalTools: {
    id: 'durable-agent/temporal-tools',
    changed: 'an activityTool\'s activity or an agentTool\'s child run scheduled in place of callTool',
    where: 'loop/tool-step.ts',
    since: '291b3cd',
    histories: [
      'sub-run-approval.json',
      'sub-run-model-attribute.json',
      'temporal-tools-activity.json',
      'temporal-tools-agent-cancelled.json',
      'temporal-tools-agent-continued.json',
    ],
    stage: 'patched',
    deprecateWhen: WHEN('291b3cd'),
  },
  structuredOutputRepair: {
    id: 'durable-agent/structured-output-repair',
    changed: 'the follow-up turn that asks the model to fix an answer that failed the task\'s output schema',
    where: 'loop/run.ts',
    since: '10a7925',
    histories: ['structured-continued.json', 'structured-invalid.json', 'structured-repaired.json'],
    stage: 'patched',
    deprecateWhen: WHEN('10a7925'),
  },
  toolResultsByReference: {
    id: 'durable-agent/tool-results-by-reference',
    changed: 'model calls refer to tool results their steps recorded instead of carrying them (recorded-results.ts)',
    where: 'loop/model-step.ts',
    since: '6041ec0',
    histories: [
      'context-cleared-cancelled.json',
      'context-cleared-continued.json',
      'context-dropped.json',
      'context-summarized.json',
      'gate-policy-answered.json',
      'gate-policy-paused.json',
      'history-dedup-tool-results.json',
      'history-ratio-lean-cancelled.json',
      'history-ratio-lean-continued.json',
      'history-ratio-lean-steps.json',
      'sub-run-approval.step-1-tool-treasurer-toolu_fake_0_0.json',
    ],
    stage: 'patched',
    deprecateWhen: WHEN('6041ec0'),
  },
  leanStepCommands: {
    id: 'durable-agent/lean-step-commands',
    changed: 'a step\'s ScheduleActivity command carries nothing its activity knows already (lean-step-commands.ts)',
    where: 'loop/model-step.ts, loop/tool-step.ts',
    since: 'f988822',
    histories: [
      'context-cleared-cancelled.json',
      'context-cleared-continued.json',
      'context-dropped.json',
      'context-summarized.json',
      'continued-as-new-first.json',
      'continued-as-new-middle.json',
      'gate-policy-answered.json',
      'gate-policy-paused.json',
      'history-ratio-lean-cancelled.json',
      'history-ratio-lean-continued.json',
      'history-ratio-lean-steps.json',
      'stop-cost-continued.json',
      'stop-cost.json',
      'stop-guardrail.json',
      'sub-run-approval.json',
      'sub-run-approval.step-1-tool-treasurer-toolu_fake_0_0.json',
      'sub-run-model-attribute.json',
    ],
    stage: 'patched',
    deprecateWhen: WHEN('f988822'),
  },
  stopAndSteer: {
    id: 'durable-agent/stop-and-steer',
    changed: 'the stop mechanism: the loop\'s steps in a scope of their own, the time-limit timer, the stop memo',
    where: 'run-stop.ts',
    since: 'd815f87',
    histories: [
      'context-cleared-cancelled.json',
      'context-cleared-continued.json',
      'context-dropped.json',
      'context-summarized.json',
      'continued-as-new-first.json',
      'continued-as-new-middle.json',
      'gate-policy-answered.json',
      'gate-policy-paused.json',
      'history-ratio-lean-cancelled.json',
      'history-ratio-lean-continued.json',
      'history-ratio-lean-steps.json',
      'stop-after-step.json',
      'stop-budget.json',
      'stop-cost-continued.json',
      'stop-cost.json',
      'stop-deadline.json',
      'stop-guardrail.json',
      'stop-redirected.json',
      'sub-run-approval.json',
      'sub-run-approval.step-1-tool-treasurer-toolu_fake_0_0.json',
      'sub-run-model-attribute.json',
    ],
    stage: 'patched',
    deprecateWhen: WHEN('d815f87'),
  },
  continueAsNew: {
    id: 'durable-agent/continue-as-new',
    changed: 'the run continues as new at a step boundary when Temporal suggests it or past the task\'s continueAsNewEvery steps',
    where: 'loop/continue-as-new.ts',
    since: '01d1a3e',
    histories: ['continued-as-new-first.json', 'continued-as-new-middle.json'],
    stage: 'patched',
    deprecateWhen: WHEN('01d1a3e'),
  },
  contextCompaction: {
    id: 'durable-agent/context-compaction',
    changed: 'model calls over the context budget carry how to compact the transcript; the summarize strategy\'s summarisation step',
    where: 'loop/model-step.ts, loop/context-step.ts',
    since: 'cdb6df8',
    histories: [
      'context-cleared-cancelled.json',
      'context-cleared-continued.json',
      'context-dropped.json',
      'context-summarized.json',
    ],
    stage: 'patched',
    deprecateWhen: WHEN('cdb6df8'),
  },
  contextDropTurns: {
    id: 'durable-agent/context-drop-turns',
    changed: 'clear-tool-results leaves out the oldest turns when a request passes the budget with every tool result cleared',
    where: 'context-window.ts (ContextWindow.plan), loop/context-step.ts',
    since: '94460e7',
    histories: ['context-dropped.json'],
    stage: 'patched',
    deprecateWhen: WHEN('94460e7'),
  },
  stepStops: {
    id: 'durable-agent/step-stops',
    changed: 'a step that failed with a guardrail\'s block or was cut by the money budget stops the run (stop memo, RunStoppedError) instead of failing it',
    where: 'loop/step-stops.ts',
    since: '24cfb7b',
    histories: ['stop-cost.json', 'stop-guardrail.json'],
    stage: 'patched',
    deprecateWhen: WHEN('24cfb7b'),
  },
  gatePolicies: {
    id: 'durable-agent/gate-policies',
    changed: 'a decideGate activity before the human gate of a tool whose gate a policy decides (`human: { kind, when }`)',
    where: 'loop/gate-policy.ts',
    since: 'a375a53',
    histories: [
      'gate-policy-answered.json',
      'gate-policy-paused.json',
      'sub-run-approval.step-1-tool-treasurer-toolu_fake_0_0.json',
    ],
    stage: 'patched',
    deprecateWhen: WHEN('a375a53'),
  },
  subRunApprovals: {
    id: 'durable-agent/sub-run-approvals',
    changed: 'a paused sub-run signals the run that called it what it waits for (subRunRequirements), and again once answered',
    where: 'loop/sub-run-approvals.ts',
    since: '79b27d9',
    histories: ['sub-run-approval.step-1-tool-treasurer-toolu_fake_0_0.json'],
    stage: 'patched',
    deprecateWhen: WHEN('79b27d9'),
  },
  subRunModelAttribute: {
    id: 'durable-agent/sub-run-model-attribute',
    changed: 'a child run (agentTool sub-run, startAgentRun) started by a run that carries DurableAgentModel carries it too',
    where: 'sub-run.ts',
    since: '3252e9b',
    histories: ['sub-run-model-attribute.json'],
    stage: 'patched',
    deprecateWhen: WHEN('3252e9b'),
  },
} as const satisfies Record<string, Patch>;

/** The registry as a list, in the order above. */
export const PATCH_TABLE: readonly Patch[] = Object.values(PATCHES);
