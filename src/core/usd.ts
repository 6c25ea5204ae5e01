// Amounts of US dollars as runs record and sum them: rounded to 1e-10 USD at each step, so a sum is the same whichever
// order its parts are added in (a run's cost summed over its steps, or over its executions' seeds). Bundle-safe.

/** `usd` rounded to a ten-billionth of a dollar. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}
