// A built-in guardrail: blocks text that matches any of a list of patterns (words or regular expressions), by default
// in the model's answers. A block stops the run with reason `guardrail`, continuable once the policy changes.
import type { Guardrail, GuardrailStage, GuardrailVerdict } from './guardrail.js';

/** Options of outputBlocklist(). */
export interface OutputBlocklistOptions {
  /** Words or phrases (matched case-insensitively, as whole words) and regular expressions. */
  patterns: Array<string | RegExp>;
  /** Default `blocklist`. */
  name?: string;
  /** Default: `modelOutput` (the model's answers). */
  stages?: GuardrailStage[];
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A guardrail that blocks a text matching any of `patterns`: `createWorker({ guardrails: [outputBlocklist({ patterns:
 * ['internal-only', /sk-[A-Za-z0-9]{20,}/] })] })`. The block's reason names the pattern, not the text.
 */
export function outputBlocklist(options: OutputBlocklistOptions): Guardrail {
  if (!options.patterns.length) throw new TypeError('outputBlocklist needs at least one pattern.');
  const patterns = options.patterns.map((p) => ({
    label: typeof p === 'string' ? JSON.stringify(p) : String(p),
    regex: typeof p === 'string' ? new RegExp(`(?<![\\w])${escape(p)}(?![\\w])`, 'i') : new RegExp(p.source, p.flags.replace('g', '')),
  }));
  return {
    name: options.name ?? 'blocklist',
    stages: options.stages ?? ['modelOutput'],
    check(text): GuardrailVerdict {
      const hit = patterns.find((p) => p.regex.test(text));
      return hit ? { action: 'block', reason: `matched ${hit.label}` } : { action: 'allow' };
    },
  };
}
