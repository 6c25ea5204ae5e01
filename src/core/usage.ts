// Token usage sums: the one way usage adds up, in the loop (a run that continues as new carries its sum) and in the
// history reader (RunOutput.usage). Bundle-safe.
import type { Usage } from './types.js';
import { roundUsd } from './usd.js';

export const NO_USAGE: Usage = { inputTokens: 0, outputTokens: 0 };

/** `a` plus `b`, prompt-cache tokens and cost included (each left out while both have none). */
export function addUsage(a: Usage, b: Usage | undefined): Usage {
  if (!b) return a;
  const cacheRead = (a.cacheReadInputTokens ?? 0) + (b.cacheReadInputTokens ?? 0);
  const cacheCreation = (a.cacheCreationInputTokens ?? 0) + (b.cacheCreationInputTokens ?? 0);
  // A cost is kept once either side has one (a model without a price adds none).
  const priced = a.costUsd !== undefined || b.costUsd !== undefined;
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    ...(cacheRead ? { cacheReadInputTokens: cacheRead } : {}),
    ...(cacheCreation ? { cacheCreationInputTokens: cacheCreation } : {}),
    ...(priced ? { costUsd: roundUsd((a.costUsd ?? 0) + (b.costUsd ?? 0)) } : {}),
  };
}
