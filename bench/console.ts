// Console paging at 10,000 runs: the runs list the operator console shows, read one page at a time through Temporal
// visibility and its page tokens (countRuns / listRuns, src/client/run-list.ts), and through the console's own HTTP
// API (GET /api/runs). The runs are made cheaply: 10,000 `agentRun` workflows started, as an Agent starts them (same
// input, memo and DurableAgent* search attributes), on a task queue no worker polls, so they stay open and never run
// a step. They are terminated at the end, so the section leaves nothing open.
import { WorkflowNotFoundError } from '@temporalio/client';
import { countRuns, listRuns, type RunFilter, type RunListPage } from '../src/client/run-list.js';
import { Task } from '../src/client/task.js';
import { WORKFLOW_TYPE, type RunInput } from '../src/core/types.js';
import { startConsoleServer } from '../src/server/console/server.js';
import { runStartOptions } from '../src/workflows/run-start-options.js';
import { now, waitUntil, type BenchContext, type Row, type SectionResult } from './context.js';
import { ms, summarise } from './stats.js';

/** Rows per page as the console asks for them (src/server/console/console-script.ts). */
const PAGE_SIZE = 50;
/** Starts (and terminates) in flight at once. */
const BATCH = 200;
const SESSIONS = 10;
const USERS = 4;
/** Each timed single page is read this many times; the median is reported. */
const REPEATS = 5;
const PAGE_GOAL_MS = 1000;
const MODEL = 'anthropic/claude-sonnet-4-6';

/** Runs `each` over `items`, `BATCH` at a time. */
async function inBatches<T>(items: T[], each: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += BATCH) await Promise.all(items.slice(i, i + BATCH).map(each));
}

/** The median time of `REPEATS` calls of `read`, and what the last call returned. */
async function timed<T>(read: () => Promise<T>): Promise<{ p50: number; max: number; value: T }> {
  const samples: number[] = [];
  let value: T | undefined;
  for (let i = 0; i < REPEATS; i++) {
    const t0 = now();
    value = await read();
    samples.push(now() - t0);
  }
  const s = summarise(samples);
  return { p50: s.p50, max: s.max, value: value! };
}

export async function consoleSection(ctx: BenchContext): Promise<SectionResult> {
  const total = ctx.quick ? 1000 : 10_000;
  const taskQueue = `console-bench-${process.pid}`;
  const prefix = `console-bench-${process.pid}-`;
  const ids = Array.from({ length: total }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);
  let result: SectionResult;
  try {
    result = await measure(ctx, total, ids, prefix, taskQueue);
  } finally {
    const t1 = now();
    await inBatches(ids, (id) =>
      ctx.client.workflow
        .getHandle(id)
        .terminate('console bench done')
        .catch((err: unknown) => {
          // Never started (a start failed) or already closed.
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }),
    );
    ctx.log(`console: terminated ${total} runs in ${ms(now() - t1)}`);
  }
  // Visibility records the terminations a moment after they return.
  const open = async (): Promise<number> => countRuns({ runIdPrefix: prefix, openOnly: true }, { client: ctx.client });
  let left = await open();
  for (const settledBy = Date.now() + 60_000; left > 0 && Date.now() < settledBy; left = await open()) await new Promise((r) => setTimeout(r, 200));
  result.rows.push({ section: 'console', metric: 'runs left open after the section', goal: '0', measured: String(left), pass: left === 0 });
  return result;
}

async function measure(ctx: BenchContext, total: number, ids: string[], prefix: string, taskQueue: string): Promise<SectionResult> {
  const sessionOf = (i: number): string => `bench-session-${i % SESSIONS}`;
  // Only this section's runs: other sections' runs on the same server would change the counts.
  const mine: RunFilter = { runIdPrefix: prefix };
  const options = { client: ctx.client, pageSize: PAGE_SIZE };
  const t0 = now();
  await inBatches(
    ids.map((id, i) => ({ id, i })),
    ({ id, i }) => {
      const input: RunInput = {
        task: new Task({ description: `Console paging run ${i}.` }).toSpec(),
        model: MODEL,
        sessionId: sessionOf(i),
        userId: `bench-user-${i % USERS}`,
        searchAttributes: true,
      };
      return ctx.client.workflow.start(WORKFLOW_TYPE, { taskQueue, workflowId: id, args: [input], ...runStartOptions(input) });
    },
  );
  const startMs = now() - t0;
  ctx.log(`console: started ${total} runs in ${ms(startMs)}`);
  const server = await startConsoleServer({ client: ctx.client });
  try {
    // Visibility is written after the start returns: wait until it has them all.
    await waitUntil(async () => (await countRuns(mine, { client: ctx.client })) >= total, `visibility to show the ${total} runs`, 120_000, 200);
    const visibleMs = now() - t0;

    const count = await timed(() => countRuns(mine, { client: ctx.client }));
    const first = await timed(() => listRuns(mine, options));

    // The whole walk, page token to page token, to the end.
    const seen = new Set<string>();
    let returned = 0;
    const pageMs: number[] = [];
    const tokens: string[] = [];
    const sizes: number[] = [];
    let page: RunListPage | undefined;
    const walk0 = now();
    do {
      const token = page?.nextPageToken;
      const p0 = now();
      page = await listRuns(mine, { ...options, ...(token ? { pageToken: token } : {}) });
      pageMs.push(now() - p0);
      tokens.push(token ?? '');
      for (const run of page.runs) seen.add(run.runId);
      returned += page.runs.length;
      sizes.push(page.runs.length);
    } while (page.nextPageToken);
    const walkMs = now() - walk0;
    // A full last page still carries a token, and the page it leads to is empty: the last page is the last with rows.
    const pages = sizes.filter((n) => n > 0).length;
    const empty = sizes.length - pages;
    const lastToken = tokens[pages - 1]!;
    const middleToken = tokens[Math.floor(pages / 2)]!;
    const everyOnce = seen.size === total && returned === total && ids.every((id) => seen.has(id));
    const walkPages = summarise(pageMs);
    // The last page again, from its token alone, as a reader that jumped there would read it.
    const last = await timed(() => listRuns(mine, { ...options, pageToken: lastToken }));

    const session = sessionOf(0);
    const inSession = Math.ceil(total / SESSIONS);
    const sessionCount = await timed(() => countRuns({ ...mine, sessionId: session }, { client: ctx.client }));
    const sessionFirst = await timed(() => listRuns({ ...mine, sessionId: session }, options));
    const sessionFirstRight = sessionFirst.value.runs.length === PAGE_SIZE && sessionFirst.value.runs.every((r) => r.sessionId === session);

    // The console's HTTP API: the list's first page and the page the walk reached half way, by its token.
    const api = (token?: string): Promise<{ runs: unknown[]; nextPageToken?: string }> =>
      fetch(`${server.url}/api/runs?q=${encodeURIComponent(prefix)}&pageSize=${PAGE_SIZE}${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`).then(async (res) => {
        if (!res.ok) throw new Error(`console: GET /api/runs answered ${res.status}: ${await res.text()}`);
        return (await res.json()) as { runs: unknown[]; nextPageToken?: string };
      });
    const httpFirst = await timed(() => api());
    const httpMiddle = await timed(() => api(middleToken));
    const httpLast = await timed(() => api(lastToken));
    const httpRight = httpFirst.value.runs.length === PAGE_SIZE && httpMiddle.value.runs.length === PAGE_SIZE && httpLast.value.runs.length > 0;

    const lastGoal = Math.min(PAGE_GOAL_MS, 2 * first.p50);
    const rows: Row[] = [
      { section: 'console', metric: `${total} runs started (${BATCH} at a time, no worker) → all visible`, measured: `started in ${ms(startMs)}, visible after ${ms(visibleMs)}` },
      { section: 'console', metric: `countRuns over ${total} runs`, goal: `p50 ≤ ${ms(PAGE_GOAL_MS)}`, measured: `p50 ${ms(count.p50)} · max ${ms(count.max)} (n=${REPEATS}); count ${count.value}`, pass: count.p50 <= PAGE_GOAL_MS && count.value === total },
      { section: 'console', metric: `listRuns first page (${PAGE_SIZE} rows)`, goal: `p50 ≤ ${ms(PAGE_GOAL_MS)}`, measured: `p50 ${ms(first.p50)} · max ${ms(first.max)} (n=${REPEATS})`, pass: first.p50 <= PAGE_GOAL_MS && first.value.runs.length === PAGE_SIZE },
      {
        section: 'console',
        metric: `listRuns last page (page ${pages}) from its token`,
        goal: `p50 ≤ ${ms(PAGE_GOAL_MS)} and ≤ 2× first page`,
        measured: `p50 ${ms(last.p50)} · max ${ms(last.max)} (n=${REPEATS}); ${(last.p50 / first.p50).toFixed(2)}× first`,
        pass: last.p50 <= lastGoal && last.value.runs.length > 0,
      },
      {
        section: 'console',
        metric: `walk of all ${pages} pages by page token${empty ? ` (+${empty} empty one after a full last page)` : ''}`,
        measured: `${ms(walkMs)} in all; a page p50 ${ms(walkPages.p50)} · p95 ${ms(walkPages.p95)} · max ${ms(walkPages.max)}; the last ${ms(pageMs[pages - 1]!)}`,
      },
      { section: 'console', metric: 'the walk returned every run exactly once', goal: `${total} distinct of ${total}`, measured: `${seen.size} distinct of ${returned} returned`, pass: everyOnce },
      {
        section: 'console',
        metric: `one session (${inSession} runs): countRuns · first page`,
        goal: `p50 ≤ ${ms(PAGE_GOAL_MS)} each`,
        measured: `count p50 ${ms(sessionCount.p50)} (${sessionCount.value}) · first page p50 ${ms(sessionFirst.p50)}`,
        pass: sessionCount.p50 <= PAGE_GOAL_MS && sessionFirst.p50 <= PAGE_GOAL_MS && sessionCount.value === inSession && sessionFirstRight,
      },
      {
        section: 'console',
        metric: `console HTTP GET /api/runs: first · middle (page ${Math.floor(pages / 2) + 1}) · last page`,
        goal: `p50 ≤ ${ms(PAGE_GOAL_MS)} each`,
        measured: `${ms(httpFirst.p50)} · ${ms(httpMiddle.p50)} · ${ms(httpLast.p50)} (p50, n=${REPEATS})`,
        pass: Math.max(httpFirst.p50, httpMiddle.p50, httpLast.p50) <= PAGE_GOAL_MS && httpRight,
      },
    ];
    return {
      rows,
      data: {
        total,
        pageSize: PAGE_SIZE,
        pages,
        emptyPages: empty,
        startMs,
        visibleMs,
        count,
        first: { p50: first.p50, max: first.max },
        last: { p50: last.p50, max: last.max },
        walkMs,
        walkPages,
        pageMs,
        distinct: seen.size,
        returned,
        session: { runs: inSession, count: sessionCount.value, countP50: sessionCount.p50, firstPageP50: sessionFirst.p50 },
        http: { first: httpFirst.p50, middle: httpMiddle.p50, last: httpLast.p50 },
      },
    };
  } finally {
    await server.close();
  }
}
