// How long a provider asks us to wait before trying again: `retry-after-ms` (milliseconds), else `retry-after`
// (seconds or an HTTP date). Both model-error classifiers honour it through the failure's nextRetryDelay.

/** `header(name)` reads one response header; undefined when the provider sent neither. */
export function retryAfterMs(header: (name: string) => string | null | undefined): number | undefined {
  const ms = header('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Number(ms);
  const value = header('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}
