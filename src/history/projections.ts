// What users read of a run, projected from its ExecutionRecords (src/history/decode.ts): each step's StepResult and
// the run's RunOutput — what do() returns, what `durable-agent show` prints, what streaming ends with. Pure.
import { RunStatus, STEP_ACTIVITY, type MessageParam, type ModelCallInput, type Requirement, type RunOutput, type StepOutcome, type StepResult, type ToolCallInput, type ToolCallResult, type ToolPolicy, type Usage } from '../core/types.js';
import { stepContextOf } from '../workflows/context-window.js';
import { replayConversation, textOf, type ToolStepPlan } from '../workflows/conversation.js';
import { mapToolResults } from '../workflows/recorded-results.js';
import { runWarnings } from '../workflows/run-warnings.js';
import { requirementOf } from '../workflows/requirements.js';
import { stopOfCancel } from '../workflows/stop-signal.js';
import type { ActivityRecord, ExecutionRecord } from './decode.js';
import { addUsage, NO_USAGE } from '../core/usage.js';

export { addUsage, NO_USAGE };

/** 1 for the run's first execution, 2 for its first continuation, ... */
export function executionNumber(record: ExecutionRecord): number {
  return (record.input.seed?.executions ?? 0) + 1;
}

/**
 * A model call's usage: all of it when it completed, what it had reported when a cancel cut it. Prompt-cache tokens
 * come from the usage itself or, in calls recorded before usage carried them, from the result's `cache`.
 */
function activityUsage(activity: ActivityRecord): Usage | undefined {
  if (activity.outcome?.kind === 'model') {
    const { usage, cache } = activity.outcome.result;
    if (!cache || usage.cacheReadInputTokens !== undefined || usage.cacheCreationInputTokens !== undefined) return usage;
    return addUsage(usage, { inputTokens: 0, outputTokens: 0, cacheReadInputTokens: cache.readInputTokens, cacheCreationInputTokens: cache.creationInputTokens });
  }
  // A cut call whose provider had not reported usage yet: unknown, so none (not a made-up zero).
  return activity.progress?.usageReported === false ? undefined : activity.progress?.usage;
}

/** The model that answered a model step, or that a cut one asked (a fallback's), as recorded. */
function stepModel(activity: ActivityRecord): string | undefined {
  if (activity.outcome?.kind === 'model') return activity.outcome.result.model || undefined;
  return activity.progress?.model;
}

export function stepResultOf(activity: ActivityRecord, execution: number): StepResult {
  const isModel = activity.activityType === STEP_ACTIVITY.model;
  const toolInput = activity.input as ToolCallInput;
  const context = isModel ? (activity.input as ModelCallInput).context : undefined;
  const usage = activityUsage(activity);
  const model = isModel ? stepModel(activity) : undefined;
  const output =
    activity.outcome?.kind === 'model'
      ? textOf(activity.outcome.result.content)
      : activity.outcome?.kind === 'tool'
        ? activity.outcome.result.content
        : activity.progress?.partialText || undefined;
  const started = activity.startedAt ?? activity.scheduledAt;
  const guardrails = activity.outcome?.result.guardrails;
  return {
    index: activity.input.stepIndex,
    name: isModel ? (context?.summarize ? 'summarize' : 'model') : `tool:${toolInput.toolName}`,
    status: activity.status,
    activityId: activity.activityId,
    execution,
    attempts: activity.attempts,
    ...(started ? { startedAt: started } : {}),
    ...(activity.endedAt ? { endedAt: activity.endedAt } : {}),
    ...(started && activity.endedAt ? { durationMs: Date.parse(activity.endedAt) - Date.parse(started) } : {}),
    ...(usage ? { usage } : {}),
    ...(model ? { model } : {}),
    ...(context ? { context: stepContextOf(context) } : {}),
    ...(isModel ? {} : { toolUseId: toolInput.toolUseId, toolInput: toolInput.input }),
    ...(activity.subRunId ? { subRunId: activity.subRunId } : {}),
    ...(output !== undefined ? { output } : {}),
    ...(activity.outcome?.kind === 'tool' && activity.outcome.result.isError ? { error: activity.outcome.result.content } : {}),
    ...(activity.error ? { error: activity.error } : {}),
    ...(guardrails?.length ? { guardrails } : {}),
  };
}

/**
 * The tool results an execution holds, by activity id: what its tool steps recorded and what its seed carried (a
 * continuation's input). A snapshot refers to each by the execution that holds it (continue-as-new.ts).
 */
export function toolResultsOf(record: ExecutionRecord): Map<string, ToolCallResult> {
  return new Map(Object.entries(completedOutcomes(record)).flatMap(([activityId, outcome]) => (outcome.kind === 'tool' ? [[activityId, outcome.result] as const] : [])));
}

/** Every completed step of the run so far: the earlier executions' (from the seed) and this one's. */
export function completedOutcomes(record: ExecutionRecord): Record<string, StepOutcome> {
  const completed: Record<string, StepOutcome> = { ...(record.input.seed?.completed ?? {}) };
  for (const activity of record.activities) if (activity.outcome) completed[activity.activityId] = activity.outcome;
  return completed;
}

/**
 * Sub-runs (agentTool calls) started so far whose completion the run has not recorded, by step activity id: a
 * continuation continues each of them rather than starting it afresh.
 */
export function unfinishedSubRuns(record: ExecutionRecord): { subRuns?: Record<string, string> } {
  const subRuns: Record<string, string> = { ...record.input.seed?.subRuns };
  for (const activity of record.activities) if (activity.subRunId) subRuns[activity.activityId] = activity.subRunId;
  const completed = completedOutcomes(record);
  for (const activityId of Object.keys(subRuns)) if (completed[activityId]) delete subRuns[activityId];
  return Object.keys(subRuns).length ? { subRuns } : {};
}

/** Tool calls of an open execution that wait for a human: planned, needing one, and not yet scheduled. */
function pendingRequirements(record: ExecutionRecord, openToolSteps: ToolStepPlan[]): Requirement[] {
  if (record.state !== 'running') return [];
  const scheduled = new Set(record.activities.map((a) => a.activityId));
  // The worker's gates where the run resolved its tools there (a plain client may name a tool by name alone).
  const policies = new Map<string, ToolPolicy>((record.resolvedTools ?? record.input.task.tools).map((t) => [t.name, t]));
  return openToolSteps.flatMap((plan) => {
    const policy = policies.get(plan.toolName);
    const kind = policy?.requires;
    if (!kind || scheduled.has(plan.activityId)) return [];
    // A gate decided by policy waits only once the worker decided that this call needs the human.
    if (policy.conditional && record.gateDecisions?.[plan.activityId] !== true) return [];
    return [requirementOf(plan, kind)];
  }).concat(subRunsWaiting(record));
}

/** What the execution's sub-runs reported they wait for, while their steps run (answered through this run). */
function subRunsWaiting(record: ExecutionRecord): Requirement[] {
  return Object.entries(record.subRunRequirements ?? {}).flatMap(([runId, requirements]) =>
    record.activities.some((a) => a.subRunId === runId && a.status === 'running') ? requirements : [],
  );
}

function statusOf(record: ExecutionRecord, requirements: Requirement[]): RunStatus {
  switch (record.state) {
    case 'running':
      return requirements.length ? RunStatus.paused : RunStatus.running;
    case 'continued_as_new':
      // The run went on in a newer execution.
      return RunStatus.running;
    case 'completed':
      return RunStatus.completed;
    case 'cancelled':
      return RunStatus.cancelled;
    case 'failed':
      // A run that stopped itself (time limit, budget) is stopped like a cancelled one, and continues the same way.
      return record.stop ? RunStatus.cancelled : RunStatus.error;
    default:
      return RunStatus.error;
  }
}

/** The steps of a closed execution's run as of its close: projected once per record (a chain's are read again and again). */
const stepsOfClosed = new WeakMap<ExecutionRecord, StepResult[]>();

/**
 * The steps before the snapshot an execution started from (it continued as new, or continues such a run): those of the
 * run as of the execution that took the snapshot, from the chain the reader linked to the record (`earlier`).
 */
function stepsBeforeSnapshot(record: ExecutionRecord): StepResult[] {
  const snapshot = record.input.seed?.snapshot;
  if (!snapshot) return [];
  const chain = record.earlier ?? [];
  const at = chain.findIndex((r) => r.executionRunId === snapshot.from);
  if (at < 0) throw new Error(`Run ${record.runId}: execution ${record.executionRunId} continues from ${snapshot.from}, which was not read with it`);
  const from = chain[at]!;
  let steps = stepsOfClosed.get(from);
  if (!steps) {
    steps = toRunOutput(from.earlier || at === 0 ? from : { ...from, earlier: chain.slice(0, at) }).stepResults;
    if (from.state !== 'running') stepsOfClosed.set(from, steps);
  }
  return steps;
}

/**
 * The transcript with the tool results its snapshot refers to (ConversationSnapshot.results) put back from the earlier
 * executions' records; a result not found stays left out.
 */
function withSnapshotResults(record: ExecutionRecord, messages: MessageParam[]): MessageParam[] {
  const results = record.input.seed?.snapshot?.results;
  if (!results) return messages;
  const recorded = new Map<string, ToolCallResult>();
  for (const earlier of record.earlier ?? []) {
    for (const [activityId, result] of toolResultsOf(earlier)) recorded.set(`${earlier.executionRunId}/${activityId}`, result);
  }
  return mapToolResults(messages, (block) => {
    const ref = results[block.tool_use_id];
    const result = ref && !('content' in block) ? recorded.get(`${ref.execution}/${ref.activityId}`) : undefined;
    if (!result) return block;
    const { type, tool_use_id, ...rest } = block;
    return { type, tool_use_id, content: result.content, ...rest };
  });
}

/**
 * The run as of this execution (the latest of its chain): earlier executions' steps and usage come from its seed, and
 * from the executions before its snapshot when it started from one (the reader links them: read-execution.ts).
 */
export function toRunOutput(record: ExecutionRecord): RunOutput {
  return projectRun(record, true);
}

/**
 * The run as of this execution without the steps before its snapshot (those of the executions before a continue-as-new):
 * what a continuation's seed needs, read without the earlier executions. The same as toRunOutput for a run that never
 * continued as new.
 */
export function runSinceSnapshot(record: ExecutionRecord): RunOutput {
  return projectRun(record, false);
}

function projectRun(record: ExecutionRecord, withEarlierSteps: boolean): RunOutput {
  const execution = executionNumber(record);
  const seed = record.input.seed;
  const before = withEarlierSteps ? stepsBeforeSnapshot(record) : [];
  const stepResults = [...before, ...(seed?.previousSteps ?? []), ...record.activities.map((a) => stepResultOf(a, execution))];
  const usage = record.activities.reduce((sum, a) => addUsage(sum, activityUsage(a)), seed?.usage ?? NO_USAGE);
  const warnings = runWarnings(stepResults, seed?.snapshot);
  const completed = completedOutcomes(record);
  const { conversation, openToolSteps } = replayConversation(record.input.task, (id) => completed[id], seed?.redirects, seed?.snapshot);
  const requirements = pendingRequirements(record, openToolSteps);
  const status = statusOf(record, requirements);
  const stop = record.stop ?? (record.state === 'cancelled' ? stopOfCancel(record.stopRequest) : undefined);
  return {
    runId: record.runId,
    executionRunId: record.executionRunId,
    status,
    isCancelled: status === RunStatus.cancelled,
    isCompleted: status === RunStatus.completed,
    isError: status === RunStatus.error,
    isPaused: status === RunStatus.paused,
    output: record.result ? ('structuredOutput' in record.result ? record.result.structuredOutput : record.result.output) : null,
    stepResults,
    messages: withSnapshotResults(record, conversation.messages),
    usage,
    ...(record.failure ? { error: record.failure } : {}),
    ...(stop ? { stop } : {}),
    executions: execution,
    requirements,
    ...(record.input.forkedFrom ? { forkedFrom: record.input.forkedFrom } : {}),
    ...(warnings.length ? { warnings } : {}),
  };
}
