// Anthropic's prompt cache, modelled so tests can see it: a request's prefix (tools → system → messages, block by
// block) is hashed up to each `cache_control` breakpoint. A breakpoint whose prefix (or one of the 20 block boundaries
// before it, the API's lookback) was written within its TTL by a request for the same model is a read; every
// breakpoint past the longest read whose prefix reaches the model's minimum cacheable length is written. Usage follows
// the API: cache_read_input_tokens for what was read, cache_creation_input_tokens for what was written after it, and
// input_tokens for the rest. Entries live 5 minutes (or 1 hour with ttl '1h'), refreshed by each read.
import { createHash } from 'node:crypto';
import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages';
import type { FakePromptCacheOptions, FakeUsage } from './types.js';

export const MAX_CACHE_BREAKPOINTS = 4;
/** How many block boundaries before a breakpoint the API checks for an earlier cache entry. */
export const CACHE_LOOKBACK_BLOCKS = 20;
const TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;

/** Minimum cacheable prompt length by model (Anthropic's prompt-caching documentation). */
export function minCacheableTokens(model: string): number {
  if (/opus-4-5|haiku-4-5/.test(model)) return 4096;
  if (/haiku/.test(model)) return 2048;
  return 1024;
}

interface Block {
  cache_control?: { type?: unknown; ttl?: unknown } | null;
  [key: string]: unknown;
}

interface Position {
  hash: string;
  /** Characters of the prefix ending at this block: its share of the prompt's tokens. */
  chars: number;
  ttlMs?: number;
}

function blocksOf(body: Partial<MessageCreateParams>): Block[] {
  const blocks: Block[] = [...((body.tools ?? []) as unknown as Block[])];
  if (typeof body.system === 'string') blocks.push({ type: 'text', text: body.system });
  else if (Array.isArray(body.system)) blocks.push(...(body.system as unknown as Block[]));
  for (const message of body.messages ?? []) {
    if (typeof message.content === 'string') blocks.push({ role: message.role, type: 'text', text: message.content });
    else for (const [i, block] of (message.content as unknown as Block[]).entries()) blocks.push(i === 0 ? { role: message.role, ...block } : block);
  }
  return blocks;
}

/** The block as the API reads it: JSON whose key order means nothing, and no cache_control marker. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) =>
    key === 'cache_control' ? undefined : v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** The request's blocks with the hash and token count of the prefix ending at each, and its breakpoints' TTLs. */
function positionsOf(body: Partial<MessageCreateParams>): Position[] {
  let hash = createHash('sha256').update(String(body.model)).digest('hex');
  let chars = 0;
  return blocksOf(body).map((block) => {
    const json = canonicalJson(block);
    hash = createHash('sha256').update(hash).update(json).digest('hex');
    chars += json.length;
    const ttl = block.cache_control ? (block.cache_control.ttl === '1h' ? TTL_MS['1h'] : TTL_MS['5m']) : undefined;
    return { hash, chars, ...(ttl !== undefined ? { ttlMs: ttl } : {}) };
  });
}

/** Why the API would refuse the request's cache_control markers, or undefined. */
export function cacheControlProblem(body: Partial<MessageCreateParams>): string | undefined {
  const marked = blocksOf(body).filter((b) => b.cache_control);
  if (marked.length > MAX_CACHE_BREAKPOINTS) return `A maximum of ${MAX_CACHE_BREAKPOINTS} blocks with cache_control may be provided. Found ${marked.length}.`;
  for (const block of marked) {
    if (block.cache_control?.type !== 'ephemeral') return "cache_control.type: Input should be 'ephemeral'";
    const ttl = block.cache_control.ttl;
    if (ttl !== undefined && ttl !== '5m' && ttl !== '1h') return "cache_control.ttl: Input should be '5m' or '1h'";
    if (block.type === 'text' && !block.text) return 'cache_control cannot be set for empty text blocks';
    if (block.type === 'thinking' || block.type === 'redacted_thinking') return 'cache_control cannot be set on thinking blocks';
  }
  return undefined;
}

/** The request as the tokenizer sees it: cache_control markers cost nothing. */
export function withoutCacheControls<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'cache_control' ? undefined : v))) as T;
}

/**
 * Anthropic's prompt cache as the fake models it: prefix hashes up to each cache breakpoint, minimum cacheable length
 * by model, TTLs refreshed by reads.
 */
export class FakePromptCache {
  /** `<prefix hash>` (the model is hashed in) → when the entry expires, and its TTL (a read refreshes it). */
  private readonly entries = new Map<string, { expiresAt: number; ttlMs: number }>();
  private readonly now: () => number;

  constructor(private readonly options: FakePromptCacheOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  /** Splits `usage.input_tokens` (the whole prompt) into uncached, read and written tokens, and updates the cache. */
  account(body: Partial<MessageCreateParams>, usage: FakeUsage): FakeUsage {
    const total = usage.input_tokens;
    const all = positionsOf(body);
    const allChars = all[all.length - 1]?.chars ?? 0;
    // The prompt's tokens (the caller's count) shared out over its blocks: a prefix costs its share of the characters.
    const positions = all.map((p) => ({ ...p, tokens: Math.min(total, Math.ceil((total * p.chars) / Math.max(1, allChars))) }));
    const breakpoints = positions.map((p, i) => ({ ...p, index: i })).filter((p) => p.ttlMs !== undefined);
    if (!breakpoints.length) return usage;
    const now = this.now();
    const live = (hash: string): boolean => (this.entries.get(hash)?.expiresAt ?? 0) > now;
    let hit = -1;
    for (const bp of breakpoints) {
      for (let i = bp.index; i >= Math.max(0, bp.index - CACHE_LOOKBACK_BLOCKS) && i > hit; i--) {
        if (live(positions[i]!.hash)) hit = i;
      }
    }
    const read = hit >= 0 ? positions[hit]!.tokens : 0;
    const hitEntry = hit >= 0 ? this.entries.get(positions[hit]!.hash) : undefined;
    if (hitEntry) hitEntry.expiresAt = now + hitEntry.ttlMs;
    const min = this.options.minTokens ?? minCacheableTokens(String(body.model));
    let written = read;
    for (const bp of breakpoints) {
      if (bp.index <= hit || bp.tokens < min) continue;
      this.entries.set(bp.hash, { expiresAt: now + bp.ttlMs!, ttlMs: bp.ttlMs! });
      written = Math.max(written, bp.tokens);
    }
    return {
      ...usage,
      input_tokens: total - written,
      cache_read_input_tokens: read,
      cache_creation_input_tokens: written - read,
    };
  }

  /** Empties the cache. */
  clear(): void {
    this.entries.clear();
  }
}
