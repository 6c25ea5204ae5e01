// A model call's prompt-cache tokens as its result records them. Results carry them in `usage` (present when
// nonzero); `cache` only says the API reported them when both are zero (earlier results always had it, repeating usage).
import type { ModelCallResult, Usage } from '../core/types.js';

type CacheTokens = NonNullable<ModelCallResult['cache']>;

/** The `cache` field a result needs next to `usage`: only when the API reported cache tokens and usage shows none. */
export function cacheField(usage: Usage, reported: boolean): Pick<ModelCallResult, 'cache'> {
  const inUsage = usage.cacheReadInputTokens !== undefined || usage.cacheCreationInputTokens !== undefined;
  return reported && !inUsage ? { cache: { readInputTokens: 0, creationInputTokens: 0 } } : {};
}

/** The prompt-cache tokens the API reported for the call, from either shape; undefined when it reported none. */
export function cacheTokensOf(result: Pick<ModelCallResult, 'usage' | 'cache'>): CacheTokens | undefined {
  if (result.cache) return result.cache;
  const { cacheReadInputTokens: read, cacheCreationInputTokens: creation } = result.usage;
  return read === undefined && creation === undefined ? undefined : { readInputTokens: read ?? 0, creationInputTokens: creation ?? 0 };
}
