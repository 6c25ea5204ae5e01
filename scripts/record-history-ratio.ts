// The recordings of lean step commands (the `durable-agent/lean-step-commands` patch; scripts/record-histories.ts runs
// them): a run with a parallel turn and a single one, whose model calls and tool calls carry no run id and no retry
// lists; and a run cancelled while its tool runs, then continued, so continuation is pinned on the lean shape too.
import { z } from 'zod';
import type { Agent } from '../src/client/agent.js';
import { sleep, tool } from '../src/tools/tool-definition.js';
import { cancelRun } from '../src/client/run-control.js';
import { Task } from '../src/client/task.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/fake-anthropic/index.js';
import { waitFor, type Harness } from '../test/helpers/harness.js';

let pagesStarted = 0;
let pageMsFactor = 1;
const readPage = tool({
  name: 'read_page',
  description: 'Reads a page of a book.',
  input: z.object({ page: z.number().int(), ms: z.number() }),
  run: async ({ page, ms }, { signal }) => {
    pagesStarted++;
    await sleep(ms * pageMsFactor, signal);
    return `page ${page}: ${'it was a dark and stormy night; '.repeat(8)}`;
  },
});

export const historyRatioTools = [readPage];

type Save = (name: string, runId: string, executionRunId: string) => Promise<void>;

export async function recordHistoryRatio(h: Harness, agent: () => Agent, save: Save): Promise<void> {
  h.fake.setResponder(
    scriptedResponder([
      toolTurn([{ name: 'read_page', input: { page: 1, ms: 1 } }, { name: 'read_page', input: { page: 2, ms: 2 } }], { text: 'Reading two pages.' }),
      toolTurn([{ name: 'read_page', input: { page: 3, ms: 1 } }]),
      textTurn('read three pages'),
    ]),
  );
  const lean = await agent().do(new Task({ description: 'read three pages', tools: [readPage] }));
  if (lean.status !== 'completed') throw new Error(`expected a completed run, got ${lean.status}`);
  await save('history-ratio-lean-steps', lean.runId, lean.executionRunId);

  h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'read_page', input: { page: 1, ms: 1 } }]), toolTurn([{ name: 'read_page', input: { page: 2, ms: 60_000 } }]), textTurn('read on')]));
  const a = agent();
  const before = pagesStarted;
  const pending = a.do(new Task({ description: 'read two pages slowly', tools: [readPage] }));
  await waitFor(() => pagesStarted > before + 1, 'second page start');
  await cancelRun(a.runId!, { client: h.client });
  const cancelled = await pending;
  if (cancelled.status !== 'cancelled') throw new Error(`expected a cancelled run, got ${cancelled.status}`);
  await save('history-ratio-lean-cancelled', cancelled.runId, cancelled.executionRunId);
  pageMsFactor = 0;
  const continued = await a.continueRun({ runId: cancelled.runId });
  pageMsFactor = 1;
  if (continued.status !== 'completed') throw new Error(`continuation ended ${continued.status}`);
  await save('history-ratio-lean-continued', continued.runId, continued.executionRunId);
}
