// The CLI's flags for a run's limits (RunLimits): `continue --max-output-tokens 5000` and friends.
import type { RunLimits } from '../core/types.js';
import { UsageError, wholeNumber } from './args.js';

const FLAGS = {
  'timeout-ms': 'timeoutMs',
  'max-input-tokens': 'maxInputTokens',
  'max-output-tokens': 'maxOutputTokens',
  // Not --max-steps: that is `run`'s hard bound of the task (MaxStepsReachedError), this a resumable stop.
  'step-budget': 'maxSteps',
  'max-wall-time-ms': 'maxWallTimeMs',
  'max-cost-usd': 'maxCostUsd',
} as const satisfies Record<string, keyof RunLimits>;

type LimitFlag = keyof typeof FLAGS;

const HELP: Record<LimitFlag, string> = {
  'timeout-ms': 'limit: ms of workflow time one execution may take (stops at once, continuable)',
  'max-input-tokens': 'limit: input tokens of the whole run (a budget: stops after the current step, continuable)',
  'max-output-tokens': 'limit: output tokens of the whole run (e.g. raised by continue after a budget stop)',
  'step-budget': 'limit: steps of the whole run, a resumable stop (unlike run --max-steps, an error)',
  'max-wall-time-ms': 'limit: ms of workflow time of the whole run, its executions together',
  'max-cost-usd': 'limit: US dollars the whole run may spend on model calls (cuts the call that passes it, continuable)',
};

/** A positive amount of US dollars (`0.5`, `2`). */
function dollars(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} takes an amount of US dollars above 0 (e.g. 0.5), got "${value}"`);
  return n;
}

/** The limit flags as command options (src/cli/command.ts): `run` and `continue` take them. */
export const LIMIT_FLAGS = Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: 'string', value: flag === 'max-cost-usd' ? 'USD' : 'N', help: HELP[flag as LimitFlag] }])) as Record<
  LimitFlag,
  { type: 'string'; value: string; help: string }
>;

/** `{ limits }` when any limit flag was given, else nothing; a value that is not a whole number above 0 (an amount above 0 for --max-cost-usd) is a UsageError. */
export function limitsFrom(values: Partial<Record<LimitFlag, string | undefined>>): { limits?: RunLimits } {
  const limits: RunLimits = {};
  for (const [flag, field] of Object.entries(FLAGS) as Array<[LimitFlag, keyof RunLimits]>) {
    const value = field === 'maxCostUsd' ? dollars(`--${flag}`, values[flag]) : wholeNumber(`--${flag}`, values[flag]);
    if (value !== undefined) limits[field] = value;
  }
  return Object.keys(limits).length ? { limits } : {};
}
