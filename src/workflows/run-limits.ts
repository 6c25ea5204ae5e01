// A run's limits (RunLimits) as the loop checks them: which budget the run has used up before it starts a new step,
// and how long this execution may still run. Pure: the loop (run-stop.ts) acts on the answers.
import type { BudgetLimit, RunLimits, RunStop, Usage } from '../core/types.js';

export interface Spent {
  usage: Usage;
  /** Steps planned so far (the next step's index). */
  steps: number;
}

function hours(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function budgetStop(limit: BudgetLimit, message: string): RunStop {
  return { reason: 'budget', mode: 'afterStep', limit, message };
}

/**
 * The budget a run has used up, checked before it starts new steps: `nextSteps` is how many it is about to start
 * (1 for a model turn, the count of a turn's tool calls). Undefined while it may go on.
 */
export function budgetExceeded(limits: RunLimits | undefined, spent: Spent, nextSteps: number): RunStop | undefined {
  if (!limits) return undefined;
  const { maxInputTokens, maxOutputTokens, maxSteps, maxCostUsd } = limits;
  if (maxInputTokens !== undefined && spent.usage.inputTokens >= maxInputTokens) {
    return budgetStop('inputTokens', `its budget of ${maxInputTokens} input tokens is used up (${spent.usage.inputTokens})`);
  }
  if (maxOutputTokens !== undefined && spent.usage.outputTokens >= maxOutputTokens) {
    return budgetStop('outputTokens', `its budget of ${maxOutputTokens} output tokens is used up (${spent.usage.outputTokens})`);
  }
  if (maxCostUsd !== undefined && (spent.usage.costUsd ?? 0) >= maxCostUsd) {
    return budgetStop('costUsd', `its budget of $${maxCostUsd} is used up ($${(spent.usage.costUsd ?? 0).toFixed(6)})`);
  }
  if (maxSteps !== undefined && spent.steps + nextSteps > maxSteps) {
    return budgetStop('steps', `its budget of ${maxSteps} steps would be passed by the next ${nextSteps === 1 ? 'step' : `${nextSteps} steps`}`);
  }
  return undefined;
}

/** When this execution must stop (ms of workflow time from its start), and why; undefined without a time limit. */
export function timeLimit(limits: RunLimits | undefined, elapsedBefore: number): { afterMs: number; stop: RunStop } | undefined {
  const candidates: Array<{ afterMs: number; stop: RunStop }> = [];
  if (limits?.timeoutMs !== undefined) {
    candidates.push({
      afterMs: limits.timeoutMs,
      stop: { reason: 'timeout', mode: 'now', message: `its time limit of ${hours(limits.timeoutMs)} passed` },
    });
  }
  if (limits?.maxWallTimeMs !== undefined) {
    candidates.push({
      afterMs: Math.max(0, limits.maxWallTimeMs - elapsedBefore),
      stop: { ...budgetStop('wallTime', `its budget of ${hours(limits.maxWallTimeMs)} of run time is used up`), mode: 'now' },
    });
  }
  return candidates.sort((a, b) => a.afterMs - b.afterMs)[0];
}

const LIMIT_FIELDS = ['timeoutMs', 'maxInputTokens', 'maxOutputTokens', 'maxSteps', 'maxWallTimeMs', 'maxCostUsd'] as const;

/** Refuses limits that are not whole positive numbers, or for maxCostUsd positive ones (client side, before a run starts). */
export function checkLimits(limits: RunLimits | undefined): RunLimits | undefined {
  if (limits === undefined) return undefined;
  const unknown = Object.keys(limits).filter((k) => !(LIMIT_FIELDS as readonly string[]).includes(k));
  if (unknown.length) throw new TypeError(`Run limits have no ${unknown.join(', ')} (they take ${LIMIT_FIELDS.join(', ')}).`);
  for (const field of LIMIT_FIELDS) {
    const value = limits[field];
    if (value === undefined) continue;
    if (field === 'maxCostUsd') {
      if (!Number.isFinite(value) || value <= 0) throw new TypeError(`Run limit maxCostUsd must be a positive number of US dollars, got ${String(value)}.`);
    } else if (!Number.isInteger(value) || value < 1) {
      throw new TypeError(`Run limit ${field} must be a positive integer, got ${String(value)}.`);
    }
  }
  return limits;
}
