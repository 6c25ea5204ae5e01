// The recordings of context management (the `durable-agent/context-compaction` patch; scripts/record-histories.ts runs
// them): a run whose requests passed their token budget, cut by a cancel after its older tool results were cleared,
// and its continuation (the compaction state rebuilt from seeded steps); and a run whose older turns were summarised
// in a summarisation step of its own.
import type { Agent } from '../src/client/agent.js';
import { cancelRun } from '../src/client/run-control.js';
import { Task } from '../src/client/task.js';
import type { ContextSpec } from '../src/core/types.js';
import { waitFor, type Harness } from '../test/helpers/harness.js';
import { fetchPage, lastPage, pageReader } from '../test/helpers/page-reader.js';

export const contextCompactionTools = [fetchPage];

type Save = (name: string, runId: string, executionRunId: string) => Promise<void>;

const PAGES = 6;
const task = (context: ContextSpec): Task =>
  new Task({ description: `Read the report: fetch pages 1 to ${PAGES} with fetch_page, one at a time.`, tools: [fetchPage], maxTokens: 256, context });

export async function recordContextCompaction(h: Harness, agent: () => Agent, save: Save): Promise<void> {
  h.fake.setResponder(pageReader(PAGES, { page: 5, cut: false }));
  const reader = agent();
  const pending = reader.do(task({ budgetTokens: 2000, keepRecent: 1 }));
  await waitFor(() => h.fake.requests.some((r) => lastPage(r) === 4), 'the slow model call');
  await cancelRun(reader.runId!, { client: h.client });
  const cut = await pending;
  if (cut.status !== 'cancelled' || !cut.stepResults.some((s) => s.context?.clearedToolResults)) throw new Error(`expected a compacted run cut, got ${cut.status}`);
  await save('context-cleared-cancelled', cut.runId, cut.executionRunId);
  const continued = await reader.continueRun({ runId: cut.runId });
  if (continued.status !== 'completed') throw new Error(`continuation ended ${continued.status}`);
  await save('context-cleared-continued', continued.runId, continued.executionRunId);

  h.fake.setResponder(pageReader(PAGES));
  const summarised = await agent().do(task({ budgetTokens: 2000, strategy: 'summarize', keepRecent: 1 }));
  if (summarised.status !== 'completed' || !summarised.stepResults.some((s) => s.name === 'summarize')) throw new Error(`expected a summarised run, got ${summarised.status}`);
  await save('context-summarized', summarised.runId, summarised.executionRunId);
}

/**
 * The recording of the `durable-agent/context-drop-turns` patch: a run whose turns alone, every older result cleared,
 * pass its budget, so clear-tool-results leaves out the oldest of them.
 */
export async function recordContextDropped(h: Harness, agent: () => Agent, save: Save): Promise<void> {
  const pages = 10;
  h.fake.setResponder(pageReader(pages));
  const long = new Task({ description: `Read the report: fetch pages 1 to ${pages} with fetch_page, one at a time.`, tools: [fetchPage], maxTokens: 256, context: { budgetTokens: 1000, keepRecent: 1 } });
  const dropped = await agent().do(long);
  if (dropped.status !== 'completed' || !dropped.stepResults.some((s) => s.context?.droppedMessages)) throw new Error(`expected a run that left turns out, got ${dropped.status}`);
  await save('context-dropped', dropped.runId, dropped.executionRunId);
}
