// History near its content: a tool result is stored once, as its tool step's result. The next model call refers to
// it (activity id and digest) instead of carrying it again, and the worker fills it back in, so the model still gets
// the whole conversation. (A worker that lacks the result asks the workflow: test/crash-recovery.test.ts kills the
// worker between a tool step and the model call that refers to it.)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { z } from 'zod';
import { tool, Task, RunStatus } from '../src/index.js';
import { STEP_ACTIVITY } from '../src/activities/contract.js';
import { readExecution } from '../src/history/read-execution.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import type { ModelCallInput } from '../src/core/types.js';
import { digestOf } from '../src/workflows/recorded-results.js';
import { startHarness, type Harness } from './helpers/harness.js';
import { withoutCacheControls } from '../src/testing/fake-anthropic/prompt-cache.js';

const MARK = 'a-result-worth-storing-once';
const fetchPage = tool({
  name: 'fetch_page',
  description: 'Returns a page.',
  input: z.object({ n: z.number() }),
  run: ({ n }) => `${MARK} #${n}: ${'lorem ipsum '.repeat(50)}`,
});

let h: Harness;
before(async () => {
  h = await startHarness({ tools: [fetchPage] });
});
after(async () => {
  await h?.close();
});

/** How often `text` occurs in the history's payloads (each payload's bytes read as UTF-8). */
function occurrences(value: unknown, text: string): number {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8').split(text).length - 1;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + occurrences(v, text), 0);
  if (value && typeof value === 'object') return Object.values(value).reduce((n: number, v) => n + occurrences(v, text), 0);
  return 0;
}

test('each tool result is stored once; the model call refers to it and the model still gets the whole conversation', async () => {
  h.fake.setResponder(
    scriptedResponder([
      toolTurn([{ name: 'fetch_page', input: { n: 1 } }, { name: 'fetch_page', input: { n: 2 } }]),
      toolTurn([{ name: 'fetch_page', input: { n: 3 } }]),
      textTurn('read three pages'),
    ]),
  );
  const output = await h.agent().do(new Task({ description: 'Read three pages.', tools: [fetchPage] }));
  assert.equal(output.status, RunStatus.completed, JSON.stringify(output.error));

  const record = await readExecution(h.client, output.runId);
  const inputs = record.activities.filter((a) => a.activityType === STEP_ACTIVITY.model).map((a) => (a.input as ModelCallInput).transcript);
  assert.equal(inputs[0]!.recordedResults, undefined, 'the first call has no tool result to refer to');
  // Lean commands (durable-agent/lean-step-commands) leave the whole message of tool results out and refer to the results
  // by digest, in the order of the tool calls; runs of before referred to each block (recordedResults: activity id, digest).
  const toolSteps = [record.activities[1]!, record.activities[2]!];
  assert.deepEqual(inputs[1]!.toolResults, toolSteps.map((a) => digestOf(a.outcome?.kind === 'tool' ? a.outcome.result.content : undefined)));
  assert.equal(inputs[1]!.recordedResults, undefined);
  for (const message of [...inputs[1]!.messages, ...inputs[2]!.messages]) {
    for (const block of typeof message.content === 'string' ? [] : message.content) {
      if (block.type === 'tool_result') assert.equal(block.content, undefined, 'the model call carries no tool result content');
    }
  }

  // The model got every tool result in full, in the order of the conversation.
  assert.equal(h.fake.requests.length, 3);
  assert.deepEqual(withoutCacheControls(h.fake.requests[1]!.body.messages), output.messages.slice(0, 3));
  assert.deepEqual(withoutCacheControls(h.fake.requests[2]!.body.messages), output.messages.slice(0, 5));

  const history = await h.client.workflow.getHandle(output.runId, output.executionRunId).fetchHistory();
  for (const n of [1, 2, 3]) assert.equal(occurrences(history, `${MARK} #${n}`), 1, `tool result ${n} is stored once`);
});
