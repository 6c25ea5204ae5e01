// Runaway runs, the operator's recipe as a script: runs hang in a broken tool; one filtered bulk cancel stops them all
// (with a reason each run records), the tool is fixed, one bulk continue finishes them — the model steps they
// completed are not asked again. Then a fork with an edit: one run replayed from its last step as if its tool had
// answered something else. The console's Bulk buttons and Fork form do the same (docs/guides/console.md).
// Run: TEMPORAL_ADDRESS=localhost:7233 npx tsx examples/runaway-runs/main.ts   (search attributes: `durable-agent dev`)
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { Agent, Task, bulkCancel, bulkContinue, closeConnections, countRuns, getRunOutput, sleep, tool, type RunOutput } from 'durable-agent';
import { textTurn, toolTurn } from 'durable-agent/testing';
import { startExample, stepLines, whenStepRuns, type ExampleOptions } from '../shared/setup.js';

/** The search API "is down" while `broken`: the tool hangs (until a cancel aborts it). */
const searchApi = { broken: true };

const search = tool({
  name: 'search',
  description: 'Searches the catalogue.',
  input: z.object({ query: z.string() }),
  run: async ({ query }, { signal }) => {
    while (searchApi.broken) await sleep(100, signal);
    return `3 results for "${query}"`;
  },
});

const RUNS = 3;

/** Polls until `check` holds (visibility is eventually consistent: a run's new status shows a moment later). */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export async function runawayRuns(options: ExampleOptions = {}): Promise<{ stopped: RunOutput[]; finished: RunOutput[]; fork: RunOutput }> {
  const example = await startExample('runaway-runs', {
    ...options,
    tools: [search],
    // Offline, every run calls search once, then answers.
    anthropic: [toolTurn([{ name: 'search', input: { query: 'red shoes' } }]), textTurn('Here are the red shoes.')],
  });
  const { connection, print } = example;
  searchApi.broken = true;
  try {
    const sessionId = `batch-${randomUUID().slice(0, 8)}`;
    const agent = new Agent('anthropic/claude-sonnet-4-6', { ...connection, sessionId, searchAttributes: true });
    const handles = [];
    for (let i = 0; i < RUNS; i++) handles.push(await agent.start(new Task({ description: 'Find red shoes.', tools: [search] })));
    const batch = { sessionId, status: 'running' };
    for (const h of handles) await whenStepRuns(h.runId, 'tool:search', connection, 0);
    await until('visibility to list them', async () => (await countRuns(batch, connection)) === RUNS);

    // 1. One filtered bulk cancel, with the preview an operator reads first.
    print(`${await countRuns(batch, connection)} runs of ${sessionId} are running; cancelling them`);
    const cancelled = await bulkCancel(batch, { ...connection, reason: 'search API down, INC-42' });
    print(`cancel requested for ${cancelled.done.length}, skipped ${cancelled.skipped.length}`);
    const stopped = await Promise.all(handles.map((h) => h.result()));
    for (const run of stopped) print(`${run.runId}: ${run.status} (${run.stop?.message ?? ''})`);

    // 2. The tool is fixed; one bulk continue of the cancelled runs.
    searchApi.broken = false;
    const stoppedBatch = { sessionId, status: 'cancelled' };
    await until('visibility to show them cancelled', async () => (await countRuns(stoppedBatch, connection)) === RUNS);
    const continued = await bulkContinue(agent, stoppedBatch, connection);
    print(`continued ${continued.done.length}`);
    await until('the runs to complete', async () => (await countRuns({ sessionId, status: 'completed' }, connection)) === RUNS);
    const finished = await Promise.all(handles.map((h) => getRunOutput(h.runId, connection)));
    print(...stepLines(finished[0]!.stepResults));

    // 3. A fork with an edit: replay the answer as if search had found nothing.
    const fork = await agent.forkRun({ runId: finished[0]!.runId, fromStep: 2, edit: { step: 1, toolResult: 'no results' } });
    print(`fork ${fork.runId}: ${fork.status}; step 1 edited: ${String(fork.stepResults[1]?.edited)}`);
    return { stopped, finished, fork };
  } finally {
    searchApi.broken = false;
    await example.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runawayRuns();
  await closeConnections();
}
