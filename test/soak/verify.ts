// The soak's verdict, from three independent records: the histories Temporal kept (every execution of every run and
// fork), the fake model's request log and the tools' side-effect log (a line per tool start and completion, written
// by the worker process before it reports anything). What must hold:
// - every run (and fork) ended completed with its planned answer, and nothing is left running on the task queue;
// - every step is completed exactly once in its run's history, across cancels and continues (a fork re-runs its own);
// - every model request is accounted for by an attempt recorded in history: a completed model turn is never
//   requested again;
// - a tool that ran to completion more often than history records (at-least-once) is explained by a recorded worker
//   death after it ran, a timeout or failure that made Temporal retry it, or a cancel that cut its activity.
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { fetchEvents } from '../../src/history/history-pages.js';
import type { RecordedRequest } from '../../src/testing/fake-anthropic/index.js';
import { STEP_ACTIVITY } from '../../src/core/types.js';
import type { SideEffect } from '../helpers/worker-process.js';
import type { RunRecord } from './driver.js';
import type { WorkerDeath } from './faults.js';
import { planOf } from './plan.js';

const { temporal } = proto;
const EventType = temporal.api.enums.v1.EventType;

export interface ActivityInstance {
  workflowId: string;
  executionRunId: string;
  activityId: string;
  kind: 'model' | 'tool';
  stepIndex: number;
  attempts: number;
  completed: boolean;
  canceled: boolean;
  /** Why Temporal retried it last ('timeout', a failure type, ...), when it took more than one attempt. */
  retryCause?: string;
}

export interface Verdict {
  violations: string[];
  runsCompleted: number;
  forksCompleted: number;
  stillRunning: number;
  modelRequests: number;
  modelRequestsRepeated: number;
  toolCompletions: number;
  /** Side-effect log: tool executions started, and those cut before their side effect (a cancel, a worker death). */
  toolStarts: number;
  toolCut: number;
  duplicateExecutions: number;
  duplicatesExplained: { workerDeath: number; retry: number; cancel: number };
  retryCauses: Record<string, number>;
}

/** The Temporal run ids of a workflow id's executions, from visibility (which may lag: waits, bounded, for `expected`). */
export async function executionsOf(client: Client, workflowId: string, expected: number): Promise<string[]> {
  let ids: string[] = [];
  for (let attempt = 0; attempt < 30; attempt++) {
    ids = [];
    for await (const execution of client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) ids.push(execution.runId);
    if (ids.length >= expected) return ids;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return ids;
}

function causeOf(failure: proto.temporal.api.failure.v1.IFailure | null | undefined): string | undefined {
  if (!failure) return undefined;
  if (failure.timeoutFailureInfo) return 'timeout';
  if (failure.applicationFailureInfo?.type) return failure.applicationFailureInfo.type;
  if (failure.canceledFailureInfo) return 'canceled';
  return failure.message ?? 'failure';
}

export async function activityInstances(client: Client, workflowId: string, executionRunId: string): Promise<ActivityInstance[]> {
  const events = await fetchEvents(client, workflowId, executionRunId);
  const byScheduled = new Map<string, ActivityInstance>();
  for (const e of events) {
    const id = String(e.eventId);
    if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      // Steps only: resolving the run's tools (once per execution) and checking a human's input are not steps.
      const type = e.activityTaskScheduledEventAttributes?.activityType?.name;
      if (type !== STEP_ACTIVITY.model && type !== STEP_ACTIVITY.tool) continue;
      const activityId = e.activityTaskScheduledEventAttributes?.activityId ?? '';
      const stepIndex = Number(/^step-(\d+)-/.exec(activityId)?.[1] ?? -1);
      byScheduled.set(id, {
        workflowId,
        executionRunId,
        activityId,
        kind: /^step-\d+-model$/.test(activityId) ? 'model' : 'tool',
        stepIndex,
        attempts: 0,
        completed: false,
        canceled: false,
      });
      continue;
    }
    const started = e.activityTaskStartedEventAttributes;
    if (started) {
      const a = byScheduled.get(String(started.scheduledEventId));
      if (a) {
        a.attempts = Math.max(a.attempts, started.attempt ?? 1);
        if ((started.attempt ?? 1) > 1) a.retryCause = causeOf(started.lastFailure) ?? 'unknown';
      }
      continue;
    }
    const completed = e.activityTaskCompletedEventAttributes;
    if (completed) {
      const a = byScheduled.get(String(completed.scheduledEventId));
      if (a) a.completed = true;
      continue;
    }
    const canceled = e.activityTaskCanceledEventAttributes;
    if (canceled) {
      const a = byScheduled.get(String(canceled.scheduledEventId));
      if (a) a.canceled = true;
    }
  }
  return [...byScheduled.values()];
}

export interface VerifyInput {
  client: Client;
  taskQueue: string;
  runs: RunRecord[];
  requests: RecordedRequest[];
  sideEffects: SideEffect[];
  deaths: WorkerDeath[];
}

export async function verify(input: VerifyInput): Promise<Verdict> {
  const { client, runs, requests, sideEffects, deaths } = input;
  const violations: string[] = [];
  const verdict: Verdict = {
    violations,
    runsCompleted: 0,
    forksCompleted: 0,
    stillRunning: 0,
    modelRequests: requests.length,
    modelRequestsRepeated: 0,
    toolCompletions: 0,
    toolStarts: sideEffects.filter((e) => e.event === 'start').length,
    toolCut: sideEffects.filter((e) => e.event === 'start').length - sideEffects.filter((e) => e.event === 'complete').length,
    duplicateExecutions: 0,
    duplicatesExplained: { workerDeath: 0, retry: 0, cancel: 0 },
    retryCauses: {},
  };

  for (const r of requests) if (r.invalid) violations.push(`the fake refused a request as the real API would: ${r.invalid}`);
  const requestsByTurn = new Map<string, number>();
  for (const r of requests) {
    const tag = planOf(r.body.messages?.[0]?.content)?.tag;
    const key = `${tag}#${r.turn}`;
    requestsByTurn.set(key, (requestsByTurn.get(key) ?? 0) + 1);
  }
  const completesByKey = new Map<string, SideEffect[]>();
  for (const s of sideEffects) {
    if (s.event !== 'complete') continue;
    completesByKey.set(s.key, [...(completesByKey.get(s.key) ?? []), s]);
  }

  for (const run of runs) {
    const tag = run.plan.tag;
    if (run.outcome !== 'completed') {
      violations.push(`run ${run.runId} (${tag}) did not reach its expected end: ${run.outcome}: ${run.detail}`);
      continue;
    }
    verdict.runsCompleted++;
    if (run.forkRunId) verdict.forksCompleted++;
    const family: ActivityInstance[] = [];
    for (const workflowId of [run.runId, ...(run.forkRunId ? [run.forkRunId] : [])]) {
      const expected = run.executions[workflowId] ?? 1;
      const executions = await executionsOf(client, workflowId, expected);
      if (executions.length !== expected) violations.push(`${workflowId}: visibility lists ${executions.length} executions, its history reader ${expected}`);
      const own: ActivityInstance[] = [];
      for (const executionRunId of executions) own.push(...(await activityInstances(client, workflowId, executionRunId)));
      family.push(...own);
      // Exactly once in the run's history: every step it scheduled completed once, across all its executions.
      const completions = new Map<string, number>();
      for (const a of own) completions.set(a.activityId, (completions.get(a.activityId) ?? 0) + (a.completed ? 1 : 0));
      for (const [activityId, n] of completions) {
        if (n !== 1) violations.push(`${workflowId}: step ${activityId} completed ${n} times in history (executions: ${executions.length})`);
      }
      if (workflowId === run.runId) {
        const tools = [...completions.keys()].filter((id) => !/-model$/.test(id)).length;
        const planned = run.plan.turns.reduce((n, uses) => n + uses.length, 0);
        if (tools !== planned) violations.push(`${workflowId}: ${tools} tool steps in history, ${planned} planned`);
      }
    }
    for (const a of family) if (a.retryCause) verdict.retryCauses[a.retryCause] = (verdict.retryCauses[a.retryCause] ?? 0) + 1;

    // Model requests: each one is an attempt history recorded (turn t = the t-th model step of the run).
    const modelSteps = [...new Set(family.filter((a) => a.kind === 'model').map((a) => a.stepIndex))].sort((x, y) => x - y);
    modelSteps.forEach((stepIndex, turn) => {
      const instances = family.filter((a) => a.kind === 'model' && a.stepIndex === stepIndex);
      const attempts = instances.reduce((n, a) => n + a.attempts, 0);
      const completions = instances.filter((a) => a.completed).length;
      const requested = requestsByTurn.get(`${tag}#${turn}`) ?? 0;
      if (requested > attempts) {
        violations.push(`${run.runId}: model turn ${turn} was requested ${requested} times, history records ${attempts} attempts (${completions} completed): a turn was requested again`);
      }
      verdict.modelRequestsRepeated += Math.max(0, requested - completions);
    });

    // Tool executions: side-effect completions beyond history's completions must each have a recorded cause.
    const toolIds = [...new Set(family.filter((a) => a.kind === 'tool').map((a) => a.activityId))];
    for (const activityId of toolIds) {
      const use = /toolu_fake_(\d+)_(\d+)$/.exec(activityId);
      if (!use) continue;
      const key = `${tag}.${use[1]}.${use[2]}`;
      const instances = family.filter((a) => a.activityId === activityId);
      const recorded = instances.filter((a) => a.completed).length;
      const lines = completesByKey.get(key) ?? [];
      verdict.toolCompletions += recorded;
      if (lines.length < recorded) violations.push(`${key}: history records ${recorded} completions, the tool completed ${lines.length} times`);
      const extra = lines.length - recorded;
      if (extra <= 0) continue;
      verdict.duplicateExecutions += extra;
      const byDeath = lines.filter((l) => deaths.some((d) => d.pid === l.pid && d.at >= (l.at ?? 0))).length;
      const byRetry = instances.reduce((n, a) => n + Math.max(0, a.attempts - 1), 0);
      const byCancel = instances.filter((a) => a.canceled).length;
      let left = extra;
      const take = (n: number): number => {
        const used = Math.min(left, n);
        left -= used;
        return used;
      };
      verdict.duplicatesExplained.workerDeath += take(byDeath);
      verdict.duplicatesExplained.retry += take(byRetry);
      verdict.duplicatesExplained.cancel += take(byCancel);
      if (left > 0) violations.push(`${key}: ran to completion ${lines.length} times, history records ${recorded}; ${left} unexplained`);
    }
  }

  // Nothing left running once the faults stopped.
  const open = await input.client.workflow.count(`TaskQueue = "${input.taskQueue}" AND ExecutionStatus = "Running"`);
  verdict.stillRunning = open.count;
  if (open.count > 0) violations.push(`${open.count} executions still running on ${input.taskQueue} after the soak`);
  return verdict;
}
