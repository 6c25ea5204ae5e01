// A built-in guardrail: redacts email addresses, phone numbers and payment card numbers from text before it leaves for
// the model (user messages, the system prompt, tool results), replacing each with a marker (`[email]`, `[phone]`,
// `[card]`). Card numbers must pass the Luhn check; phone numbers must look like one (a `+` country code, a
// parenthesised area code, or the 3-3-4 grouping), so dates, amounts and ids stay. Deterministic and idempotent.
import type { Guardrail, GuardrailStage, GuardrailVerdict } from './guardrail.js';

/** Options of piiRedaction(). */
export interface PiiRedactionOptions {
  /** Default `pii`. */
  name?: string;
  /** Default: `modelInput` and `toolOutput` (what leaves for the model, and tool results as they are recorded). */
  stages?: GuardrailStage[];
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const PHONE = /(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)|\d{1,4})(?:[ .-]?\d{2,4}){2,3}|\(\d{3}\) ?\d{3}[ .-]\d{4}|(?<!\d)\d{3}[.-]\d{3}[.-]\d{4})(?!\d)/g;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Redacts emails, phone numbers and card numbers in `text`; counts what it replaced. */
export function redactPii(text: string): { text: string; emails: number; phones: number; cards: number } {
  let cards = 0;
  let emails = 0;
  let phones = 0;
  let out = text.replace(CARD, (match) => {
    const digits = match.replace(/\D/g, '');
    if (digits.length < 13 || !luhn(digits)) return match;
    cards++;
    return '[card]';
  });
  out = out.replace(EMAIL, () => {
    emails++;
    return '[email]';
  });
  out = out.replace(PHONE, () => {
    phones++;
    return '[phone]';
  });
  return { text: out, emails, phones, cards };
}

/**
 * A guardrail that redacts email addresses, phone numbers and payment card numbers (Luhn-checked) before text leaves
 * for the model, and from tool results. `createWorker({ guardrails: [piiRedaction()] })`.
 */
export function piiRedaction(options: PiiRedactionOptions = {}): Guardrail {
  return {
    name: options.name ?? 'pii',
    stages: options.stages ?? ['modelInput', 'toolOutput'],
    check(text): GuardrailVerdict {
      const found = redactPii(text);
      const counts = [
        found.emails ? plural(found.emails, 'email address', 'email addresses') : '',
        found.phones ? plural(found.phones, 'phone number', 'phone numbers') : '',
        found.cards ? plural(found.cards, 'card number', 'card numbers') : '',
      ].filter(Boolean);
      return counts.length ? { action: 'rewrite', text: found.text, detail: `redacted ${counts.join(', ')}` } : { action: 'allow' };
    },
  };
}
