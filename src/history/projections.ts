// What users read of a run, projected from its ExecutionRecords (src/history/decode.ts): each step's StepResult and
// the run's RunOutput — what do() returns, what `durable-agent show` prints, what streaming ends with. Pure.
import { RunStatus, STEP_ACTIVITY, type Requirement, type RunOutput, type StepOutcome, type StepResult, type ToolCallInput, type ToolPolicy, type Usage } from '../core/types.js';
import { replayConversation, textOf, type ToolStepPlan } from '../workflows/conversation.js';
import { requirementOf } from '../workflows/requirements.js';
import { stopOfCancel } from '../workflows/stop-signal.js';
import type { ActivityRecord, ExecutionRecord } from './decode.js';

/** 1 for the run's first execution, 2 for its first continuation, ... */
export function executionNumber(record: ExecutionRecord): number {
  return (record.input.seed?.executions ?? 0) + 1;
}

export const NO_USAGE: Usage = { inputTokens: 0, outputTokens: 0 };

export function addUsage(a: Usage, b: Usage | undefined): Usage {
  if (!b) return a;
  const cacheRead = (a.cacheReadInputTokens ?? 0) + (b.cacheReadInputTokens ?? 0);
  const cacheCreation = (a.cacheCreationInputTokens ?? 0) + (b.cacheCreationInputTokens ?? 0);
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    ...(cacheRead ? { cacheReadInputTokens: cacheRead } : {}),
    ...(cacheCreation ? { cacheCreationInputTokens: cacheCreation } : {}),
  };
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
  const usage = activityUsage(activity);
  const model = isModel ? stepModel(activity) : undefined;
  const output =
    activity.outcome?.kind === 'model'
      ? textOf(activity.outcome.result.content)
      : activity.outcome?.kind === 'tool'
        ? activity.outcome.result.content
        : activity.progress?.partialText || undefined;
  const started = activity.startedAt ?? activity.scheduledAt;
  return {
    index: activity.input.stepIndex,
    name: isModel ? 'model' : `tool:${toolInput.toolName}`,
    status: activity.status,
    activityId: activity.activityId,
    execution,
    attempts: activity.attempts,
    ...(started ? { startedAt: started } : {}),
    ...(activity.endedAt ? { endedAt: activity.endedAt } : {}),
    ...(started && activity.endedAt ? { durationMs: Date.parse(activity.endedAt) - Date.parse(started) } : {}),
    ...(usage ? { usage } : {}),
    ...(model ? { model } : {}),
    ...(isModel ? {} : { toolUseId: toolInput.toolUseId, toolInput: toolInput.input }),
    ...(activity.subRunId ? { subRunId: activity.subRunId } : {}),
    ...(output !== undefined ? { output } : {}),
    ...(activity.outcome?.kind === 'tool' && activity.outcome.result.isError ? { error: activity.outcome.result.content } : {}),
    ...(activity.error ? { error: activity.error } : {}),
  };
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

/** The run as of this execution (the latest of its chain): earlier executions' steps and usage come from its seed. */
export function toRunOutput(record: ExecutionRecord): RunOutput {
  const execution = executionNumber(record);
  const seed = record.input.seed;
  const stepResults = [...(seed?.previousSteps ?? []), ...record.activities.map((a) => stepResultOf(a, execution))];
  const usage = record.activities.reduce((sum, a) => addUsage(sum, activityUsage(a)), seed?.usage ?? NO_USAGE);
  const completed = completedOutcomes(record);
  const { conversation, openToolSteps } = replayConversation(record.input.task, (id) => completed[id], seed?.redirects);
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
    messages: conversation.messages,
    usage,
    ...(record.failure ? { error: record.failure } : {}),
    ...(stop ? { stop } : {}),
    executions: execution,
    requirements,
    ...(record.input.forkedFrom ? { forkedFrom: record.input.forkedFrom } : {}),
  };
}
