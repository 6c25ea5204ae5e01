// Records the histories test/replay.test.ts replays: a completed run, a cancelled one, its continuation, a failed one
// and one with parallel tool calls, on the CLI dev server with the fake model.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Agent } from '../src/client/agent.js';
import { cancelRun } from '../src/client/run-control.js';
import { Task } from '../src/client/task.js';
import { sleep, tool } from '../src/activities/tool-definition.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/fake-anthropic/index.js';
import { startHarness, waitFor } from '../test/helpers/harness.js';
import { ROOT } from '../test/helpers/servers.js';
import { historyToFile } from '../test/helpers/history-files.js';

let started = 0;
// Lets the continuation's re-run of the cut tool finish at once.
let factor = 1;
const wait = tool({
  name: 'wait',
  description: 'Waits.',
  input: z.object({ ms: z.number() }),
  run: async ({ ms }, { signal }) => {
    started++;
    await sleep(ms * factor, signal);
    return `waited ${ms}`;
  },
});

const h = await startHarness({ tools: [wait] });
const save = async (name: string, runId: string, executionRunId: string): Promise<void> => {
  const history = await h.client.workflow.getHandle(runId, executionRunId).fetchHistory();
  writeFileSync(join(ROOT, 'test', 'histories', `${name}.json`), historyToFile(history));
  console.log(`saved ${name} (${history.events?.length ?? 0} events)`);
};
const agent = (): Agent => h.agent({ newRunId: () => `replay-${Date.now()}` });

try {
  h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'wait', input: { ms: 10 } }]), textTurn('done waiting')]));
  const completed = await agent().do(new Task({ description: 'wait once', tools: [wait] }));
  await save('completed', completed.runId, completed.executionRunId);

  h.fake.setResponder(
    scriptedResponder([toolTurn([{ name: 'wait', input: { ms: 5 } }, { name: 'wait', input: { ms: 7 } }]), textTurn('both waited')]),
  );
  const parallel = await agent().do(new Task({ description: 'wait twice in parallel', tools: [wait] }));
  await save('parallel-tools', parallel.runId, parallel.executionRunId);

  h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'wait', input: { ms: 60_000 } }]), textTurn('finally')]));
  const a = agent();
  const before = started;
  const pending = a.do(new Task({ description: 'wait a minute', tools: [wait] }));
  await waitFor(() => started > before, 'tool start');
  await cancelRun(a.runId!, { client: h.client });
  const cancelled = await pending;
  await save('cancelled', cancelled.runId, cancelled.executionRunId);

  factor = 0;
  const continued = await a.continueRun({ runId: cancelled.runId });
  if (continued.status !== 'completed') throw new Error(`continuation ended ${continued.status}`);
  await save('continued', continued.runId, continued.executionRunId);

  h.fake.injectFaults({ kind: 'http', status: 400, message: 'bad request for the record' });
  h.fake.setResponder(scriptedResponder([textTurn('never')]));
  const errored = await agent().do(new Task('fail on the first model call'));
  await save('errored', errored.runId, errored.executionRunId);
} finally {
  await h.close();
}
