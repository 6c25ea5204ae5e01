// A task's `memory` option: the bounds of what a run remembers of its session. The client assembles the memory
// (src/client/session-memory.ts); the task checks the bound when it is made.

/** Default bound on a run's memory: about 50k tokens at ~4 bytes a token, far under a model's context and a payload. */
export const DEFAULT_MEMORY_MAX_BYTES = 200_000;

/** The largest memory budget: half a Temporal payload, leaving room for the task and the run's first turn. */
export const MAX_MEMORY_BYTES = 1_000_000;

/** Task `memory`: `true` for the defaults, or the bound and the runs to add to what visibility lists. */
export interface MemoryOptions {
  /** The budget of the remembered messages, as UTF-8 JSON bytes (≈ 4 bytes a token). Default 200 000, at most 1 000 000. */
  maxBytes?: number;
  /**
   * Runs of the session the caller knows of, remembered even if Temporal's visibility list does not show them yet
   * (the list is eventually consistent: a run started a moment ago by another process may be missing from it).
   * Runs of other sessions are ignored.
   */
  include?: string[];
}

/** The `memory` option checked: `false` when absent; a `maxBytes` out of bounds is a TypeError. */
export function checkMemory(memory: boolean | MemoryOptions | undefined): boolean | MemoryOptions {
  if (memory === undefined || typeof memory === 'boolean') return memory ?? false;
  const { maxBytes } = memory;
  if (maxBytes !== undefined && (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_MEMORY_BYTES)) {
    throw new TypeError(`Task memory.maxBytes must be a whole number of bytes from 1 to ${MAX_MEMORY_BYTES} (it travels in the run's input), got ${String(maxBytes)}.`);
  }
  return memory;
}
