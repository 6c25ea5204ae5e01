// The price table: what a model's tokens cost in US dollars, per million tokens of each kind (input at the base price,
// output, prompt-cache reads and writes), with where each price was read and when. The model activity prices every
// call with it (Usage.costUsd) and cuts a call whose streamed cost passes the run's money budget (RunLimits.maxCostUsd).
// A worker adds or replaces entries with createWorker({ prices }); a model missing here has no cost (and a run with a
// money budget fails its call with ModelPriceUnknownError rather than spend without a count).
import type { Usage } from '../core/types.js';
import { roundUsd } from '../core/usd.js';

/** What one model's tokens cost, in US dollars per million tokens, and where that was read. */
export interface ModelPrice {
  /** Input tokens at the base price (Usage.inputTokens). */
  inputPerMTok: number;
  outputPerMTok: number;
  /** Prompt-cache reads (Usage.cacheReadInputTokens). Default: the input price (no discount known). */
  cacheReadPerMTok?: number;
  /** Prompt-cache writes (Usage.cacheCreationInputTokens), 5-minute entries. Default: the input price. */
  cacheWritePerMTok?: number;
  /** Where the price was read (a URL), for whoever checks it. */
  source?: string;
  /** When it was read there (YYYY-MM-DD). */
  checked?: string;
}

/** Prices by model id as runs record them: `claude-…` for Anthropic's API, `<provider>/<model>` for the others. */
export type PriceTable = Record<string, ModelPrice>;

// Each entry names the page its price was read from. Input and output prices are the pages' own; where a page gives no
// cache prices, they are Anthropic's documented multipliers of the input price (5-minute writes 1.25x, reads 0.1x).
const CLAUDE_MODELS = 'https://platform.claude.com/docs/en/models';
const CHECKED = '2026-12-07';

/**
 * The built-in prices: Anthropic's published list prices of its current models (standard tier, 5-minute cache writes),
 * read on the date each entry gives. Prices change: override or add entries with createWorker({ prices }).
 */
export const DEFAULT_PRICES: PriceTable = {
  'claude-sonnet-4-6': { inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75, source: `${CLAUDE_MODELS}/sonnet-4-6/overview`, checked: CHECKED },
  'claude-sonnet-5': { inputPerMTok: 2, outputPerMTok: 10, cacheReadPerMTok: 0.2, cacheWritePerMTok: 2.5, source: `${CLAUDE_MODELS}/sonnet-5/overview`, checked: CHECKED },
  'claude-sonnet-5-5': { inputPerMTok: 2, outputPerMTok: 10, cacheReadPerMTok: 0.2, cacheWritePerMTok: 2.5, source: `${CLAUDE_MODELS}/sonnet-5-5/overview`, checked: CHECKED },
  'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5, cacheReadPerMTok: 0.1, cacheWritePerMTok: 1.25, source: `${CLAUDE_MODELS}/sonnet-5/overview (comparison table)`, checked: CHECKED },
};

/**
 * The price of a model: its own entry, else the longest entry its id extends with a dated suffix
 * (`claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`); undefined when the table has none.
 */
export function priceOf(prices: PriceTable, model: string): ModelPrice | undefined {
  const exact = prices[model];
  if (exact) return exact;
  const keys = Object.keys(prices).filter((key) => model.startsWith(`${key}-`) && /^\d{8}$/.test(model.slice(key.length + 1)));
  const longest = keys.sort((a, b) => b.length - a.length)[0];
  return longest === undefined ? undefined : prices[longest];
}

/** What `usage` costs at `price`, in US dollars (to 1e-10). */
export function costOf(price: ModelPrice, usage: Usage): number {
  const perToken = (perMTok: number) => perMTok / 1_000_000;
  return roundUsd(
    usage.inputTokens * perToken(price.inputPerMTok) +
    usage.outputTokens * perToken(price.outputPerMTok) +
    (usage.cacheReadInputTokens ?? 0) * perToken(price.cacheReadPerMTok ?? price.inputPerMTok) +
    (usage.cacheCreationInputTokens ?? 0) * perToken(price.cacheWritePerMTok ?? price.inputPerMTok),
  );
}
