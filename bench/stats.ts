// Small numeric helpers for the benchmark: percentiles, least-squares fits and formatting.

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  max: number;
  min: number;
  mean: number;
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(samples: number[], p: number): number {
  if (!samples.length) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarise(samples: number[]): Summary {
  const n = samples.length;
  return {
    n,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    max: n ? Math.max(...samples) : Number.NaN,
    min: n ? Math.min(...samples) : Number.NaN,
    mean: n ? samples.reduce((a, b) => a + b, 0) / n : Number.NaN,
  };
}

export function median(samples: number[]): number {
  return percentile(samples, 50);
}

/** Solves the normal equations of a least-squares polynomial fit of the given degree; coefficients low → high. */
export function polyfit(xs: number[], ys: number[], degree: number): number[] {
  const m = degree + 1;
  const a: number[][] = Array.from({ length: m }, () => new Array<number>(m + 1).fill(0));
  for (let k = 0; k < xs.length; k++) {
    const x = xs[k]!;
    const y = ys[k]!;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) a[i]![j]! += x ** (i + j);
      a[i]![m]! += y * x ** i;
    }
  }
  // Gauss–Jordan elimination with partial pivoting.
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    for (let j = col; j <= m; j++) a[col]![j]! /= p;
    for (let r = 0; r < m; r++) {
      if (r === col) continue;
      const f = a[r]![col]!;
      for (let j = col; j <= m; j++) a[r]![j]! -= f * a[col]![j]!;
    }
  }
  return a.map((row) => row[m]!);
}

/** Coefficient of determination of a fit. */
export function rSquared(xs: number[], ys: number[], coefficients: number[]): number {
  const mean = ys.reduce((s, y) => s + y, 0) / ys.length;
  let ssRes = 0;
  let ssTot = 0;
  xs.forEach((x, k) => {
    const fit = coefficients.reduce((s, c, i) => s + c * x ** i, 0);
    ssRes += (ys[k]! - fit) ** 2;
    ssTot += (ys[k]! - mean) ** 2;
  });
  return ssTot === 0 ? 1 : 1 - ssRes / ssTot;
}

export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 2 : 0)} ms`;
}

export function bytes(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(1)} MiB`;
  if (value >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${Math.round(value)} B`;
}

export const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;
