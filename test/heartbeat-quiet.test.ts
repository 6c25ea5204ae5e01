// Heartbeats that scale: a tool step heartbeats slowly while nobody asked to cancel its run, yet a cancel still
// reaches it at once, because the run's workflow tells its worker (a sink) and the worker then heartbeats the run's
// steps, which is what carries Temporal's cancel to them. Here the quiet interval is two minutes: a cancel that
// waited for the next quiet heartbeat would not arrive within the test's bound.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { z } from 'zod';
import { sleep, tool, cancelRun, Task, RunStatus } from '../src/index.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';

let started = 0;
let aborted = 0;
const long = tool({
  name: 'long',
  description: 'Works for ten minutes.',
  input: z.object({}),
  run: async (_input, { signal }) => {
    started++;
    signal.addEventListener('abort', () => aborted++, { once: true });
    await sleep(600_000, signal);
    return 'done';
  },
});

let h: Harness;
before(async () => {
  h = await startHarness({ tools: [long], worker: { quietHeartbeatIntervalMs: 120_000 } });
});
after(async () => {
  await h?.close();
});

test('a tool step that heartbeats every two minutes is still reached by a cancel within seconds', async () => {
  h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'long', input: {} }]), textTurn('never')]));
  const agent = h.agent();
  // A heartbeat timeout of ten minutes: the quiet interval is then the two minutes asked for.
  const pending = agent.do(new Task({ description: 'Work long.', tools: [long], timeouts: { heartbeatTimeoutMs: 600_000 } }));
  await waitFor(() => started === 1, 'the tool to start');
  // Past the worker's first (fast-interval) chances: only a heartbeat the cancel hurries can reach the tool now.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await cancelRun(agent.runId!, { client: h.client });
  await waitFor(() => aborted === 1, "the tool's abort signal", 20_000);
  const output = await pending;
  assert.equal(output.status, RunStatus.cancelled);
  assert.deepEqual(output.stepResults.map((s) => `${s.name}:${s.status}`), ['model:completed', 'tool:long:cancelled']);
});
