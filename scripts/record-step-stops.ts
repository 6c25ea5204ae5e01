// Records the histories of steps that stop their run (the step-stops patch): a run whose model answer a guardrail
// blocked (stop `guardrail`), and a run whose model call its money budget cut mid-stream (stop `budget`, `costUsd`),
// then that run continued with a raised budget. Used by scripts/record-histories.ts.
import type { Agent } from '../src/client/agent.js';
import { Task } from '../src/client/task.js';
import { outputBlocklist } from '../src/guardrails/output-blocklist.js';
import { piiRedaction } from '../src/guardrails/pii-redaction.js';
import { scriptedResponder, textTurn } from '../src/testing/fake-anthropic/index.js';
import type { Harness } from '../test/helpers/harness.js';

export const STEP_STOP_HISTORIES = ['stop-guardrail', 'stop-cost', 'stop-cost-continued'];

export async function recordStepStops(h: Harness, agent: () => Agent, save: (name: string, runId: string, executionRunId: string) => Promise<void>): Promise<void> {
  await h.stopWorker();
  await h.startWorker({ guardrails: [piiRedaction(), outputBlocklist({ patterns: ['heron'] })] });

  h.fake.setResponder(scriptedResponder([textTurn('The code word is heron.')]));
  const blocked = await agent().do(new Task('say the code word (mail me at jane@example.com)'));
  if (blocked.stop?.reason !== 'guardrail') throw new Error(`expected a guardrail stop, got ${JSON.stringify(blocked.stop ?? blocked.error)}`);
  await save('stop-guardrail', blocked.runId, blocked.executionRunId);

  const answer = 'A long answer, streamed slowly. '.repeat(60);
  h.fake.setResponder(scriptedResponder([textTurn(answer, { usage: { input_tokens: 500, output_tokens: 480 }, chunkDelayMs: 2 })]));
  const budgeted = agent();
  const cut = await budgeted.do(new Task('answer at length'), { limits: { maxCostUsd: 0.004 } });
  if (cut.stop?.limit !== 'costUsd') throw new Error(`expected a money-budget stop, got ${JSON.stringify(cut.stop ?? cut.error)}`);
  await save('stop-cost', cut.runId, cut.executionRunId);
  const continued = await budgeted.continueRun({ runId: cut.runId, limits: { maxCostUsd: 0.05 } });
  if (continued.status !== 'completed') throw new Error(`continuation ended ${continued.status}`);
  await save('stop-cost-continued', continued.runId, continued.executionRunId);
}
