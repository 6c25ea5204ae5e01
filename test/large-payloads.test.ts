// Runs that carry large tool results, on the dev server. A history bigger than one gRPC message (4 MB) is read in
// pages; past that size Temporal suggests continuing as new and the run does, so it can still be continued; a
// continuation whose seed would not fit in one Temporal payload is refused with a typed error, not a bare gRPC failure.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { z } from 'zod';
import { sleep, tool, RunTooLargeToContinueError, cancelRun, getRunOutput, Task, RunStatus } from '../src/index.js';
import proto from '@temporalio/proto';
import { fetchEvents } from '../src/history/history-pages.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';

const RESULT_BYTES = 900_000;
let started = 0;
const bulky = tool({
  name: 'bulky',
  description: 'Returns a large document; part 9 takes a minute.',
  input: z.object({ part: z.number() }),
  run: async ({ part }, { signal }) => {
    started++;
    if (part === 9) await sleep(60_000, signal);
    return String(part).repeat(RESULT_BYTES);
  },
});

let h: Harness;
before(async () => {
  // Documents far past any model's context window (900 KB a result): the fake is given a window that takes them, and
  // the runs send them whole (context strategy 'off'), so what is measured is the history, not context management.
  h = await startHarness({ tools: [bulky], fake: { contextWindow: 100_000_000 } });
});
after(async () => {
  await h?.close();
});

test('a history over 4 MB is read in pages; past it the run continues as new, and the continuation after a cancel works', async () => {
  started = 0;
  h.fake.setResponder(
    scriptedResponder([...[1, 2, 3, 4, 5, 9].map((part) => toolTurn([{ name: 'bulky', input: { part } }])), textTurn('read it all')]),
  );
  const agent = h.agent();
  const pending = agent.do(new Task({ description: 'Read parts 1 to 5 and 9, one at a time.', tools: [bulky], context: { strategy: 'off' } }));
  // Each result is stored once (the model calls refer to it), so five of them make a history over 4 MB, where Temporal
  // suggests continuing as new: the run does, and part 9 runs in the second execution.
  await waitFor(() => started === 6, 'the sixth part to start', 60_000);
  await cancelRun(agent.runId!, { client: h.client });
  const cancelled = await pending;

  assert.equal(cancelled.status, RunStatus.cancelled);
  assert.equal(cancelled.executions, 2);
  assert.deepEqual(
    cancelled.stepResults.map((s) => `${s.name}:${s.status}:${s.output?.length ?? 0}`),
    [...[1, 2, 3, 4, 5].flatMap(() => ['model:completed:0', `tool:bulky:completed:${RESULT_BYTES}`]), 'model:completed:0', 'tool:bulky:cancelled:0'],
  );
  const first = [];
  for await (const wf of h.client.workflow.list({ query: `WorkflowId = '${cancelled.runId}'` })) {
    if (wf.status.name === 'CONTINUED_AS_NEW') first.push(wf.runId);
  }
  assert.equal(first.length, 1, 'one execution continued as new');
  const events = await fetchEvents(h.client, cancelled.runId, first[0]);
  const bytes = events.reduce((n, e) => n + proto.temporal.api.history.v1.HistoryEvent.encode(e).finish().length, 0);
  assert.ok(bytes > 4 * 1024 * 1024, `the first execution's history (${bytes} bytes) is larger than a default gRPC message`);

  // The continuation carries the results by reference (the snapshot): it fits, and runs part 9 once more.
  const done = await agent.continueRun({ runId: cancelled.runId });
  assert.equal(done.status, RunStatus.completed);
  assert.equal(done.output, 'read it all');
  assert.equal(started, 7);
});

test('continuing a run whose seed exceeds 2 MB fails with RunTooLargeToContinueError', async () => {
  started = 0;
  h.fake.setResponder(scriptedResponder([...[1, 2, 3, 9].map((part) => toolTurn([{ name: 'bulky', input: { part } }])), textTurn('read it all')]));
  const agent = h.agent();
  const pending = agent.do(new Task({ description: 'Read parts 1 to 3 and 9, one at a time.', tools: [bulky], context: { strategy: 'off' } }));
  // Three results in one execution (under the size where Temporal suggests continuing as new): a continuation would
  // have to carry them all.
  await waitFor(() => started === 4, 'the fourth part to start', 60_000);
  await cancelRun(agent.runId!, { client: h.client });
  const cancelled = await pending;
  assert.equal(cancelled.executions, 1);

  await assert.rejects(agent.continueRun({ runId: cancelled.runId }), (err: unknown) => {
    assert.ok(err instanceof RunTooLargeToContinueError);
    assert.equal(err.runId, cancelled.runId);
    assert.ok(err.bytes > 2 * RESULT_BYTES, `${err.bytes} bytes`);
    assert.match(err.message, /cannot be continued: the results of its completed steps come to \d+ bytes/);
    return true;
  });
  // Nothing was started: the run is still the cancelled execution.
  assert.equal((await getRunOutput(cancelled.runId, { client: h.client })).executionRunId, cancelled.executionRunId);
});
