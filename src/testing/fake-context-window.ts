// The model's context window as the fakes enforce it: a request whose prompt passes it is refused with the 400 the
// real API answers, so a test of context management passes only if the run kept its requests under the window.
// Tokens are the fakes' own count (estimateTokens: about four characters a token, the count they report as usage).

/**
 * Context windows a fake enforces: one number for every model, or windows by the model id the request names (models
 * not listed keep the fake's default for them, the real model's window).
 */
export type FakeContextWindows = number | Readonly<Record<string, number>>;

/** The window of `model`: the option's, else the fake's default for it. */
export function contextWindowOf(model: string, windows: FakeContextWindows | undefined, fallback: (model: string) => number): number {
  if (typeof windows === 'number') return windows;
  return windows?.[model] ?? fallback(model);
}
