// The Anthropic API key lives on the worker only: it reaches Anthropic in a header and never enters Temporal history,
// whether the run completes, is cancelled and continued, or fails on the API's answer.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { cancelRun, Task, RunStatus, type RunOutput } from '../src/index.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import { countingTools, ToolCounter } from './helpers/counting-tools.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { historyToFile } from './helpers/history-files.js';
import { historyAsPlaintext } from './helpers/history-plaintext.js';

const OPTION_KEY = `sk-ant-api03-OPTIONKEY-${randomBytes(12).toString('hex')}`;
const ENV_KEY = `sk-ant-api03-ENVKEY-${randomBytes(12).toString('hex')}`;
const SECRETS = [OPTION_KEY, ENV_KEY];

const counter = new ToolCounter();
const tools = countingTools(counter);
const longRunningTask = tools[0]!;

let h: Harness;
const savedEnvKey = process.env.ANTHROPIC_API_KEY;
/** Every run this file started; each one's executions are searched at the end. */
const runs: Array<{ output: RunOutput; executions: number; description: string }> = [];

function assertNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `the API key appears in ${where}`);
  // Fragments too: a key cut by a truncated message or split across fields would still be a leak.
  for (const secret of SECRETS) assert.ok(!text.includes(secret.slice(-16)), `the end of the API key appears in ${where}`);
}

/** What the worker authenticated with: @anthropic-ai/sdk 1.13 sends `Authorization: Bearer`, older ones `x-api-key`. */
function keysSent(): string[] {
  const keyOf = (headers: Record<string, string>): string =>
    headers['x-api-key'] ?? /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1] ?? '(none)';
  return [...new Set(h.fake.requests.map((r) => keyOf(r.headers)))];
}

async function completedRun(): Promise<RunOutput> {
  h.fake.setResponder(scriptedResponder([textTurn('All done.')]));
  const description = 'Say that you are done.';
  const output = await h.agent().do(new Task(description));
  assert.equal(output.status, RunStatus.completed);
  runs.push({ output, executions: 1, description });
  return output;
}

async function cancelledAndContinuedRun(): Promise<RunOutput> {
  counter.reset();
  h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'long_running_task', input: { seconds: 1 } }]), textTurn('Finished waiting.')]));
  const agent = h.agent();
  const description = 'Call long_running_task with 1 seconds.';
  const pending = agent.do(new Task({ description, tools: [longRunningTask] }));
  await waitFor(() => counter.started.get('long_running_task:1') === 1, 'the tool to start');
  await cancelRun(agent.runId!, { client: h.client });
  const cancelled = await pending;
  assert.equal(cancelled.status, RunStatus.cancelled);
  const continued = await agent.continueRun({ runId: cancelled.runId });
  assert.equal(continued.status, RunStatus.completed);
  runs.push({ output: continued, executions: 2, description });
  return continued;
}

async function erroredRun(): Promise<RunOutput> {
  h.fake.setResponder(scriptedResponder([textTurn('never sent')]));
  h.fake.injectFaults({ kind: 'http', status: 400 });
  const description = 'Trigger a bad request.';
  const output = await h.agent().do(new Task(description));
  assert.equal(output.status, RunStatus.error);
  assert.ok(output.error, 'the run records why it failed');
  runs.push({ output, executions: 1, description });
  return output;
}

before(async () => {
  // The worker's Anthropic client reads the environment when it makes its first call.
  process.env.ANTHROPIC_API_KEY = ENV_KEY;
  h = await startHarness({ tools, noWorker: true });
});

after(async () => {
  if (savedEnvKey === undefined) delete process.env.ANTHROPIC_API_KEY;
  else process.env.ANTHROPIC_API_KEY = savedEnvKey;
  await h?.close();
});

describe('the API key set by createWorker({ anthropic: { apiKey } })', () => {
  before(async () => {
    await h.startWorker({ anthropic: { baseURL: h.fake.url, apiKey: OPTION_KEY } });
  });
  after(async () => {
    await h.stopWorker();
  });

  test('completed, cancelled + continued, and failed runs', async () => {
    h.fake.reset();
    await completedRun();
    await cancelledAndContinuedRun();
    const failed = await erroredRun();
    assert.equal(failed.error?.name, 'AnthropicBadRequestError');
    assert.ok(h.fake.requests.some((r) => r.fault?.kind === 'http'), 'the 400 was really served');
    // Not vacuous: the key did travel, in the header Anthropic reads.
    assert.deepEqual(keysSent(), [OPTION_KEY]);
  });
});

describe('the API key from ANTHROPIC_API_KEY', () => {
  before(async () => {
    await h.startWorker({ anthropic: { baseURL: h.fake.url } });
  });
  after(async () => {
    await h.stopWorker();
  });

  test('completed, cancelled + continued, and failed runs', async () => {
    h.fake.reset();
    await completedRun();
    await cancelledAndContinuedRun();
    await erroredRun();
    assert.deepEqual(keysSent(), [ENV_KEY]);
  });
});

describe('Temporal history', () => {
  test('no execution of any run holds the key, in any field', async () => {
    assert.equal(runs.length, 6);
    let searched = 0;
    for (const { output, executions, description } of runs) {
      assertNoSecret(JSON.stringify(output), `the RunOutput of ${output.runId}`);
      const listed: string[] = [];
      // Visibility is eventually consistent; the listing is what proves no execution is missed.
      await waitFor(async () => {
        listed.length = 0;
        for await (const wf of h.client.workflow.list({ query: `WorkflowId = '${output.runId}'` })) listed.push(wf.runId);
        return listed.length === executions;
      }, `${executions} executions of ${output.runId} to be listed`);
      assert.ok(listed.includes(output.executionRunId));
      for (const executionRunId of listed) {
        const history = await h.client.workflow.getHandle(output.runId, executionRunId).fetchHistory();
        const plaintext = historyAsPlaintext(history);
        // The search sees decoded payloads (no codec here): the task text is readable in it.
        assert.ok(plaintext.includes(description), 'the task text is readable in the searched text');
        assertNoSecret(plaintext, `the history of ${output.runId}/${executionRunId}`);
        assertNoSecret(historyToFile(history), `the raw history of ${output.runId}/${executionRunId}`);
        searched += 1;
      }
    }
    assert.equal(searched, 8);
  });
});
