// The recordings of tools that are Temporal (scripts/record-histories.ts runs them): a run whose tool is the user's
// activity (retried once, and one that fails for good), and a run whose tool is an agent (a sub-run child workflow),
// cancelled while the inner agent's tool runs and then continued (the sub-run's continuation planned by an activity),
// and one whose search attributes (DurableAgentModel among them) its sub-run inherits.
import { ApplicationFailure } from '@temporalio/activity';
import { z } from 'zod';
import type { Agent } from '../src/client/agent.js';
import { activityTool } from '../src/tools/activity-tool.js';
import { sleep, tool } from '../src/tools/tool-definition.js';
import { agentTool } from '../src/tools/agent-tool.js';
import { cancelRun } from '../src/client/run-control.js';
import { Task } from '../src/client/task.js';
import { scriptedByTask, textTurn, toolTurn, type FakeTurn } from '../src/testing/fake-anthropic/index.js';
import { waitFor, type Harness } from '../test/helpers/harness.js';

let attempts = 0;
async function reserveSeat({ seat }: { seat: string }): Promise<string> {
  if (++attempts % 2 === 1) throw ApplicationFailure.retryable('seat map busy', 'SeatMapBusy');
  return `reserved ${seat}`;
}
async function cancelSeat(): Promise<string> {
  throw ApplicationFailure.nonRetryable('cancellations are closed', 'CancellationsClosed');
}

let researchMs = 60_000;
let researchStarted = 0;
const research = tool({
  name: 'research',
  description: 'Researches a topic.',
  input: z.object({ topic: z.string() }),
  run: async ({ topic }, { signal }) => {
    researchStarted++;
    await sleep(researchMs, signal);
    return `findings on ${topic}`;
  },
});

const reserve = activityTool({
  name: 'reserve_seat',
  description: 'Reserves a seat.',
  input: z.object({ seat: z.string() }),
  activity: reserveSeat,
  options: { startToCloseTimeout: '10 seconds', retry: { initialInterval: '50 ms', maximumAttempts: 3 } },
});
const cancelSeatTool = activityTool({
  name: 'cancel_seat',
  description: 'Cancels a seat.',
  input: z.object({ seat: z.string() }),
  activity: cancelSeat,
  options: { startToCloseTimeout: '10 seconds', retry: { maximumAttempts: 2 } },
});
const researcher = agentTool({ name: 'researcher', description: 'Researches with its own tools.', task: { tools: [research] } });

export const temporalTools = [reserve, cancelSeatTool, researcher];

const OUTER = 'Ask the researcher about seals.';
const INNER = 'Research seals.';
const scripts: Record<string, FakeTurn[]> = {
  'Reserve 12A and cancel 3C.': [
    toolTurn([{ name: 'reserve_seat', input: { seat: '12A' } }, { name: 'cancel_seat', input: { seat: '3C' } }]),
    textTurn('12A reserved; 3C could not be cancelled.'),
  ],
  [OUTER]: [toolTurn([{ name: 'researcher', input: { task: INNER } }]), textTurn('Seals sleep in water.')],
  [INNER]: [toolTurn([{ name: 'research', input: { topic: 'seals' } }]), textTurn('inner: seals sleep in water')],
};

type Save = (name: string, runId: string, executionRunId: string) => Promise<void>;

export async function recordTemporalTools(h: Harness, agent: () => Agent, save: Save): Promise<void> {
  h.fake.setResponder(scriptedByTask(scripts));
  const activity = await agent().do(new Task({ description: 'Reserve 12A and cancel 3C.', tools: [reserve, cancelSeatTool] }));
  if (activity.status !== 'completed') throw new Error(`activity-tool run ended ${activity.status}`);
  await save('temporal-tools-activity', activity.runId, activity.executionRunId);

  // Replay runs a saved history under its file's name as workflow id, and a sub-run's id derives from its parent's:
  // the outer run is named after the file of its first execution (its continuation takes the id from its seed).
  const outer = h.agent({ newRunId: () => 'temporal-tools-agent-cancelled' });
  const before = researchStarted;
  const pending = outer.do(new Task({ description: OUTER, tools: [researcher] }));
  await waitFor(() => researchStarted > before, 'the inner agent to run research');
  await cancelRun(outer.runId!, { client: h.client });
  const cancelled = await pending;
  if (cancelled.status !== 'cancelled') throw new Error(`expected the outer run cancelled, got ${cancelled.status}`);
  await save('temporal-tools-agent-cancelled', cancelled.runId, cancelled.executionRunId);
  researchMs = 0;
  const continued = await outer.continueRun({ runId: cancelled.runId });
  if (continued.status !== 'completed') throw new Error(`outer continuation ended ${continued.status}`);
  await save('temporal-tools-agent-continued', continued.runId, continued.executionRunId);
  const subRunId = continued.stepResults.at(-2)?.subRunId;
  if (!subRunId) throw new Error('the continued outer run has no sub-run step');
  const inner = await h.client.workflow.getHandle(subRunId).describe();
  await save('temporal-tools-sub-run-continued', subRunId, inner.runId);

  // A run that carries DurableAgentModel (search attributes on): its sub-run carries it too (a patch marker).
  const tagged = h.agent({ newRunId: () => 'sub-run-model-attribute', searchAttributes: true });
  const withModel = await tagged.do(new Task({ description: OUTER, tools: [researcher] }));
  if (withModel.status !== 'completed') throw new Error(`the outer run with search attributes ended ${withModel.status}`);
  await save('sub-run-model-attribute', withModel.runId, withModel.executionRunId);
}
