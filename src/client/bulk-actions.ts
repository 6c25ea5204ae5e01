// Bulk actions: cancel, or continue, every run a filter selects (runaway runs that loop on a broken tool: stop them
// all, fix the tool, continue them all). The runs are read a page at a time from visibility (run-list.ts) and each is
// acted on through the one operation that acts on one run (cancelRun, agent.startContinueRun), a few at a time; a run
// that cannot take the action (it closed meanwhile, it was continued already) is reported, not fatal.
import type { RunLimits, StopMode } from '../core/types.js';
import type { Agent } from './agent.js';
import { getClient, type ConnectionOptions } from './connection.js';
import { listRuns, type RunFilter } from './run-list.js';
import { cancelRun } from './run-control.js';

/** What a bulk action did: the runs it acted on, and the ones it could not act on with why. */
export interface BulkResult {
  /** Run ids the action was accepted for (a continue: the continuation started). */
  done: string[];
  /** Run ids it could not act on, with the error's name and message. */
  skipped: { runId: string; error: string; message: string }[];
}

/** Options of both bulk actions, with the connection the runs are listed through (`{ client }` or settings). */
export interface BulkOptions extends ConnectionOptions {
  /** How many runs are acted on at once. Default 16. */
  concurrency?: number;
  /** At most this many runs (a guard against a filter wider than meant). Default 10,000. */
  limit?: number;
}

const PAGE = 500;

/** The distinct run ids `filter` selects, newest first (a run's executions count once), at most `limit`. */
async function selectedRunIds(filter: RunFilter, limit: number, connection: ConnectionOptions): Promise<string[]> {
  const ids = new Set<string>();
  let pageToken: string | undefined;
  do {
    const page = await listRuns(filter, { ...connection, pageSize: PAGE, ...(pageToken ? { pageToken } : {}) });
    for (const run of page.runs) {
      ids.add(run.runId);
      if (ids.size >= limit) return [...ids];
    }
    pageToken = page.nextPageToken;
  } while (pageToken);
  return [...ids];
}

/** Runs `act` on each id, `concurrency` at a time, and sorts what happened into done and skipped. */
async function forEachRun(runIds: string[], concurrency: number, act: (runId: string) => Promise<unknown>): Promise<BulkResult> {
  const result: BulkResult = { done: [], skipped: [] };
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < runIds.length) {
      const runId = runIds[next++]!;
      try {
        await act(runId);
        result.done.push(runId);
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        result.skipped.push({ runId, error: error.name, message: error.message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, runIds.length)) }, lane));
  return result;
}

/**
 * Cancels every open run `filter` selects (cancelRun with `mode` and `reason` for each; the reason is recorded in each
 * run's history). Resolves once Temporal accepted every request.
 */
export async function bulkCancel(filter: RunFilter, options: BulkOptions & { mode?: StopMode; reason?: string } = {}): Promise<BulkResult> {
  const client = await getClient(options);
  const runIds = await selectedRunIds({ ...filter, openOnly: true }, options.limit ?? 10_000, { client });
  const how = { client, ...(options.mode ? { mode: options.mode } : {}), ...(options.reason !== undefined ? { reason: options.reason } : {}) };
  return forEachRun(runIds, options.concurrency ?? 16, (runId) => cancelRun(runId, how));
}

/**
 * Continues every run `filter` selects from where it stopped (agent.startContinueRun for each, with the optional
 * message, model and raised limits; the runs are listed through `options`' connection, continued through the
 * agent's). A run whose latest execution cannot be continued (it runs, completed, or is
 * paused) is skipped with the typed error that says why. Resolves once every continuation has started.
 */
export async function bulkContinue(
  agent: Agent,
  filter: RunFilter,
  options: BulkOptions & { message?: string; model?: string; limits?: RunLimits } = {},
): Promise<BulkResult> {
  const runIds = await selectedRunIds(filter, options.limit ?? 10_000, options);
  const { message, model, limits } = options;
  const steer = { ...(message !== undefined ? { message } : {}), ...(model !== undefined ? { model } : {}), ...(limits !== undefined ? { limits } : {}) };
  return forEachRun(runIds, options.concurrency ?? 16, (runId) => agent.startContinueRun({ runId, ...steer }));
}
