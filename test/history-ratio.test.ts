// History near its content (issue 17): since the `durable-agent/lean-step-commands` patch a step's command carries
// nothing the activity knows already. No run id, no list of non-retryable error types, a short tool summary, and the
// model call settings (model, max tokens, system prompt, tool names) on an execution's first model call only, and the
// previous turn's tool results as digests the worker rebuilds the message from (test/history-dedup.test.ts). The model
// still gets all of it on every request; the history reader and continuation read the lean shape (saved histories
// test/histories/history-ratio-lean-*.json) as they read the old one. A worker that lacks the settings asks the
// workflow: test/crash-recovery.test.ts kills the worker before a later model call.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { temporal } from '@temporalio/proto';
import { z } from 'zod';
import { tool, Task, RunStatus } from '../src/index.js';
import { STEP_ACTIVITY } from '../src/activities/contract.js';
import { readExecution } from '../src/history/read-execution.js';
import { planContinuation } from '../src/history/continuation.js';
import { decodeExecution, type ExecutionRecord } from '../src/history/decode.js';
import { payloadDecoderOf } from '../src/history/payload-decoder.js';
import { toRunOutput } from '../src/history/projections.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import type { ModelCallInput, ToolCallInput } from '../src/core/types.js';
import { LEAN_SUMMARY_LIMIT } from '../src/workflows/lean-step-commands.js';
import { bundleBuildId, versionedByOptions } from '../src/worker/build-id.js';
import { historyFromFile } from './helpers/history-files.js';
import { startHarness, type Harness } from './helpers/harness.js';
import { withStepModels } from './helpers/saved-records.js';

type SavedLean = 'history-ratio-lean-steps' | 'history-ratio-lean-cancelled' | 'history-ratio-lean-continued';

function savedEvents(name: SavedLean): temporal.api.history.v1.IHistoryEvent[] {
  return historyFromFile(readFileSync(new URL(`./histories/${name}.json`, import.meta.url), 'utf8')).events;
}

function savedRecord(name: SavedLean): Promise<ExecutionRecord> {
  return decodeExecution(savedEvents(name), payloadDecoderOf(), { runId: name });
}

const modelInputs = (record: ExecutionRecord): ModelCallInput[] =>
  record.activities.filter((a) => a.activityType === STEP_ACTIVITY.model).map((a) => a.input as ModelCallInput);

describe('saved lean histories', () => {
  test('decode into the same run output as before: steps, tool inputs, messages, the zero cache tokens', async () => {
    const record = await savedRecord('history-ratio-lean-steps');
    const [first, ...later] = modelInputs(record);
    assert.equal(first!.model, record.input.model, 'the first model call carries the settings');
    assert.ok(later.length > 0 && later.every((input) => input.model === undefined && input.toolNames === undefined), 'later ones do not');
    for (const activity of record.activities) assert.equal((activity.input as { runId?: string }).runId, undefined, `${activity.activityId} carries no run id`);

    const output = toRunOutput(record);
    assert.equal(output.status, RunStatus.completed);
    assert.deepEqual(
      output.stepResults.map((s) => `${s.index} ${s.name} ${JSON.stringify(s.toolInput ?? null)}`),
      ['0 model null', '1 tool:read_page {"page":1,"ms":1}', '2 tool:read_page {"page":2,"ms":2}', '3 model null', '4 tool:read_page {"page":3,"ms":1}', '5 model null'],
    );
    assert.equal(output.output, 'read three pages');
    assert.equal(output.messages.length, 6);
    // This run's prompts were too short to cache: the API reported zero cache tokens, which `cache` alone records.
    for (const activity of record.activities) {
      if (activity.outcome?.kind === 'model') assert.deepEqual(activity.outcome.result.cache, { readInputTokens: 0, creationInputTokens: 0 });
    }
  });

  test('a cancelled lean run continues from exactly the seed the recorded continuation started with', async () => {
    const cancelled = await savedRecord('history-ratio-lean-cancelled');
    const continued = await savedRecord('history-ratio-lean-continued');
    const plan = planContinuation(cancelled, { kind: 'continue' });
    if (plan.kind !== 'continue') throw new Error(`planned ${plan.kind}`);
    // Model steps now name the model that answered them; the recording predates that.
    assert.deepEqual(plan.input.seed, withStepModels(continued.input.seed!, continued.input.model));
    assert.deepEqual(Object.keys(plan.input.seed!.completed), ['step-0-model', 'step-1-tool-read_page-toolu_fake_0_0', 'step-2-model']);
    // The continuation's first model call carries the settings again (a new execution: its worker may know nothing).
    assert.equal(modelInputs(continued)[0]!.model, continued.input.model);
    assert.equal(toRunOutput(continued).status, RunStatus.completed);
  });
});

describe('the build id createWorker reports', () => {
  test("a prebuilt bundle's: 16 hex digits of its sha256; none for sources (the SDK's default) or when the options name a version", async () => {
    assert.equal(await bundleBuildId({ workflowBundle: { code: 'bundle' } }), `durable-agent+${createHash('sha256').update('bundle').digest('hex').slice(0, 16)}`);
    assert.equal(await bundleBuildId({ workflowsPath: '/src/workflows/bundle-entry.ts' }), undefined);
    assert.equal(versionedByOptions({ buildId: 'mine' }), true);
    assert.equal(versionedByOptions({ workerDeploymentOptions: { version: { buildId: 'b', deploymentName: 'd' }, useWorkerVersioning: false } }), true);
    assert.equal(versionedByOptions({ maxCachedWorkflows: 10 }), false);
  });
});

describe('a live run', () => {
  let runIdSeen: string | undefined;
  const note = tool({
    name: 'note_with_a_rather_long_name',
    description: 'Takes a note.',
    input: z.object({ text: z.string() }),
    run: ({ text }, { runId }) => {
      runIdSeen = runId;
      return `noted ${text.length} characters`;
    },
  });
  let h: Harness;
  before(async () => {
    h = await startHarness({ tools: [note] });
  });
  after(async () => {
    await h?.close();
  });

  test('lean commands; the model still gets the system prompt, the tools and the model on every request', async () => {
    const long = 'x'.repeat(200);
    h.fake.setResponder(
      scriptedResponder([
        toolTurn([{ name: 'note_with_a_rather_long_name', input: { text: long } }]),
        toolTurn([{ name: 'note_with_a_rather_long_name', input: { text: 'short' } }]),
        textTurn('noted twice'),
      ]),
    );
    // Long enough for the prompt cache: its tokens are in usage, and the result carries no `cache` repeating them.
    const system = 'You take notes. '.repeat(400);
    const output = await h.agent().do(new Task({ description: 'Take two notes.', system, tools: [note], maxTokens: 777 }));
    assert.equal(output.status, RunStatus.completed, JSON.stringify(output.error));
    assert.equal(runIdSeen, output.runId, 'the tool gets its run id from the activity');

    assert.equal(h.fake.requests.length, 3);
    for (const request of h.fake.requests) {
      const body = request.body as { model: string; max_tokens: number; system?: unknown; tools?: { name: string }[] };
      assert.equal(body.model, 'claude-sonnet-4-6');
      assert.equal(body.max_tokens, 777);
      assert.match(JSON.stringify(body.system), /You take notes\./);
      assert.deepEqual(body.tools?.map((t) => t.name), ['note_with_a_rather_long_name']);
    }

    const record = await readExecution(h.client, output.runId);
    assert.deepEqual(modelInputs(record).map((input) => input.system !== undefined), [true, false, false]);
    for (const activity of record.activities) {
      if (activity.outcome?.kind !== 'model') continue;
      const { usage, cache } = activity.outcome.result;
      assert.equal(cache, undefined, `${activity.activityId}: no cache field next to usage`);
      assert.ok((usage.cacheCreationInputTokens ?? 0) + (usage.cacheReadInputTokens ?? 0) > 0, `${activity.activityId}: cache tokens in usage`);
    }
    assert.ok((output.usage.cacheReadInputTokens ?? 0) > 0, 'the run output sums them');
    const history = await h.client.workflow.getHandle(output.runId, output.executionRunId).fetchHistory();
    const steps = (history.events ?? []).filter((e) => /^step-/.test(e.activityTaskScheduledEventAttributes?.activityId ?? ''));
    assert.equal(steps.length, 5);
    for (const event of steps) {
      const attributes = event.activityTaskScheduledEventAttributes!;
      assert.deepEqual(attributes.retryPolicy?.nonRetryableErrorTypes ?? [], [], `${attributes.activityId} has no retry list`);
      const summary = JSON.parse(Buffer.from(event.userMetadata!.summary!.data!).toString('utf8')) as string;
      assert.ok(summary.length <= LEAN_SUMMARY_LIMIT, `summary "${summary}" is short`);
    }
    // createWorker's short build id, on every event Temporal stamps with it (workflow tasks, activity starts).
    const buildIds = new Set((history.events ?? []).flatMap((e) => {
      const version = e.workflowTaskStartedEventAttributes?.workerVersion ?? e.workflowTaskCompletedEventAttributes?.workerVersion ?? e.activityTaskStartedEventAttributes?.workerVersion;
      return version?.buildId ? [version.buildId] : [];
    }));
    assert.equal(buildIds.size, 1);
    assert.match([...buildIds][0]!, /^durable-agent\+[0-9a-f]{16}$/);
    const tools = record.activities.filter((a) => a.activityType === STEP_ACTIVITY.tool).map((a) => a.input as ToolCallInput);
    assert.deepEqual(tools.map((t) => [t.runId, t.toolName]), [[undefined, 'note_with_a_rather_long_name'], [undefined, 'note_with_a_rather_long_name']]);
  });

  test('failures the activity raises as non-retryable still fail the step at once without the retry list', async () => {
    h.fake.injectFaults({ kind: 'http', status: 400, message: 'not this request' });
    h.fake.setResponder(scriptedResponder([textTurn('never')]));
    const output = await h.agent().do(new Task({ description: 'fail once', tools: [note] }));
    assert.equal(output.status, RunStatus.error);
    assert.match(output.error?.message ?? '', /not this request/);
    assert.equal(output.stepResults[0]!.attempts, 1, 'one attempt');
  });
});
