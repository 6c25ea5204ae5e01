// Records the histories test/replay.test.ts replays (and test/history-*.test.ts decodes): a completed run, a cancelled
// one, its continuation, a failed one, one with parallel tool calls, one paused for a human (saved while paused and once
// confirmed), a fork, one stopped by maxSteps, one whose model call a cancel cut mid-stream, one whose tools were
// resolved on the worker and one refused for a tool mismatch, structured-output runs (repaired, still invalid, continued),
// on the CLI dev server with the fake model.
// `--only name,...` records just those (a name ending in `*` records every history whose name starts with the rest) (keep the others: they were recorded by earlier versions of the loop).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Agent } from '../src/client/agent.js';
import { cancelRun } from '../src/client/run-control.js';
import { Task } from '../src/client/task.js';
import { sleep, tool } from '../src/tools/tool-definition.js';
import { createOpenAI } from '@ai-sdk/openai';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/fake-anthropic/index.js';
import { FakeOpenAIServer } from '../src/testing/fake-openai/index.js';
import { startHarness, waitFor } from '../test/helpers/harness.js';
import { ROOT } from '../test/helpers/servers.js';
import { historyToFile } from '../test/helpers/history-files.js';
import { recordTemporalTools, temporalTools } from './record-temporal-tools.js';
import { historyRatioTools, recordHistoryRatio } from './record-history-ratio.js';
import { contextCompactionTools, recordContextCompaction, recordContextDropped } from './record-context-compaction.js';
import { recordStepStops, STEP_STOP_HISTORIES } from './record-step-stops.js';
import { recordTrust, trustTools } from './record-trust.js';

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

const confirm = tool({
  name: 'confirm_wait',
  description: 'Waits, once a human agrees.',
  input: z.object({ ms: z.number() }),
  human: { kind: 'confirmation' },
  run: async ({ ms }, { signal }) => {
    await sleep(ms, signal);
    return `waited ${ms} after approval`;
  },
});

// Counts in steps it reports (`heartbeat`); run again after a cut, it resumes from its checkpoint.
let counted = 0;
let countMs = 50;
const count = tool({
  name: 'count',
  description: 'Counts up to a number, resuming from its checkpoint.',
  input: z.object({ to: z.number().int() }),
  run: async ({ to }, { signal, heartbeat, checkpoint }) => {
    const from = (checkpoint as { n?: number } | undefined)?.n ?? 0;
    for (let n = from; n < to; n++) {
      await sleep(countMs, signal);
      counted = n + 1;
      heartbeat({ n: n + 1 });
    }
    return `counted to ${to}, from ${from}`;
  },
});

const only = process.argv.includes('--only') ? new Set(process.argv[process.argv.indexOf('--only') + 1]?.split(',')) : undefined;
const wanted = (name: string): boolean => !only || only.has(name) || [...only].some((o) => o.endsWith('*') && name.startsWith(o.slice(0, -1)));
const h = await startHarness({ tools: [wait, confirm, count, ...temporalTools, ...historyRatioTools, ...contextCompactionTools, ...trustTools] });
const save = async (name: string, runId: string, executionRunId: string): Promise<void> => {
  if (!wanted(name)) return;
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

  h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'confirm_wait', input: { ms: 5 } }]), textTurn('approved and waited')]));
  const human = agent();
  const paused = await human.do(new Task({ description: 'wait after approval', tools: [confirm] }));
  if (paused.status !== 'paused') throw new Error(`expected a paused run, got ${paused.status}`);
  await save('paused', paused.runId, paused.executionRunId);
  const confirmed = await human.answerRun({ runId: paused.runId, answers: [{ id: paused.requirements[0]!.id, approve: true }] });
  await save('human-confirmed', confirmed.runId, confirmed.executionRunId);

  h.fake.setResponder(scriptedResponder([textTurn('unused'), textTurn('forked ending')]));
  const fork = await agent().forkRun({ runId: completed.runId, fromStep: 2 });
  if (fork.status !== 'completed') throw new Error(`fork ended ${fork.status}`);
  await save('forked', fork.runId, fork.executionRunId);

  // A model that always calls a tool, stopped by maxSteps before a turn's tool call would pass it (a patch marker).
  h.fake.setResponder(() => toolTurn([{ name: 'wait', input: { ms: 1 } }]));
  const bounded = await agent().do(new Task({ description: 'wait forever', tools: [wait], maxSteps: 3 }));
  if (bounded.error?.name !== 'MaxStepsReachedError') throw new Error(`expected MaxStepsReachedError, got ${bounded.status}`);
  await save('max-steps', bounded.runId, bounded.executionRunId);

  // Tools resolved on the worker before the first model call (a patch marker and a resolveTools activity): a run the
  // worker's policy pauses for a human, and one refused because its client saw another version of a tool.
  h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'confirm_wait', input: { ms: 1 } }]), textTurn('resolved and waited')]));
  const resolving = agent();
  const gate = await resolving.do(new Task({ description: 'wait after approval, tools resolved', tools: [wait, confirm] }));
  if (gate.status !== 'paused') throw new Error(`expected a paused run, got ${gate.status}`);
  const resolved = await resolving.answerRun({ runId: gate.runId, answers: [{ id: gate.requirements[0]!.id, approve: true }] });
  await save('tools-resolved', resolved.runId, resolved.executionRunId);
  const otherWait = tool({ name: 'wait', description: 'Waits (another version).', input: z.object({ ms: z.number() }), run: () => 'never' });
  const mismatch = await agent().do(new Task({ description: 'wait, with another version of the tool', tools: [otherWait] }));
  if (mismatch.error?.name !== 'ToolMismatchError') throw new Error(`expected ToolMismatchError, got ${mismatch.status}`);
  await save('tool-mismatch', mismatch.runId, mismatch.executionRunId);

  // An answer sent under the prefixed update name (durableAgent.resolveRequirement); human-confirmed and tools-resolved
  // hold the bare name 'resolveRequirement' of before, which the loop still answers.
  h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'confirm_wait', input: { ms: 1 } }]), textTurn('answered by the prefixed name')]));
  const prefixed = agent();
  const asking = await prefixed.do(new Task({ description: 'wait after approval, prefixed handler names', tools: [confirm] }));
  if (asking.status !== 'paused') throw new Error(`expected a paused run, got ${asking.status}`);
  const answered = await prefixed.answerRun({ runId: asking.runId, answers: [{ id: asking.requirements[0]!.id, approve: true }] });
  await save('handler-names-confirmed', answered.runId, answered.executionRunId);

  // A model call cut by a cancel while it streams: its partial text and usage are in the cancel's details.
  h.fake.setResponder(scriptedResponder([textTurn(`A long answer: ${'word '.repeat(300)}`, { chunkDelayMs: 40 })]));
  const cutter = agent();
  const cutPending = cutter.do(new Task('answer at length'));
  await waitFor(() => cutter.runId !== undefined, 'run start');
  await sleep(1500);
  await cancelRun(cutter.runId!, { client: h.client });
  const cut = await cutPending;
  if (cut.status !== 'cancelled' || !cut.usage.inputTokens || !cut.stepResults[0]?.output) {
    throw new Error(`expected a model call cut with partial text and usage, got ${JSON.stringify(cut.stepResults)}`);
  }
  await save('cut-model', cut.runId, cut.executionRunId);

  // A tool cut by a cancel after reporting progress (the cancel's details carry it), and the continuation that hands it
  // back as the re-run call's checkpoint (a patch marker and a `checkpoint` in the call's input).
  h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'count', input: { to: 100 } }]), textTurn('counted')]));
  const counter = agent();
  const countPending = counter.do(new Task({ description: 'count to 100', tools: [count] }));
  await waitFor(() => counted >= 3, 'the count to report progress');
  await cancelRun(counter.runId!, { client: h.client });
  const countCut = await countPending;
  await save('checkpoint-cancelled', countCut.runId, countCut.executionRunId);
  countMs = 0;
  const resumed = await counter.continueRun({ runId: countCut.runId });
  const resumedResult = resumed.stepResults.at(-2)?.output ?? '';
  if (resumed.status !== 'completed' || !/from [1-9]/.test(resumedResult)) throw new Error(`expected a resumed count, got ${resumedResult}`);
  await save('checkpoint-continued', resumed.runId, resumed.executionRunId);
  // A run that remembers its session: its input carries the earlier run's conversation (TaskSpec.memory).
  h.fake.setResponder(scriptedResponder([textTurn('noted: heron'), toolTurn([{ name: 'wait', input: { ms: 3 } }]), textTurn('the code word is heron')]));
  const sessionAgent = (): Agent => h.agent({ newRunId: () => `replay-${Date.now()}`, sessionId: `replay-session-${Date.now()}`, searchAttributes: true });
  const remembering = sessionAgent();
  await remembering.do(new Task('the code word is heron'));
  const recalled = await remembering.do(new Task({ description: 'wait, then say the code word', tools: [wait], memory: true }));
  if (recalled.messages.length !== 6) throw new Error(`expected the remembered run and this one, got ${recalled.messages.length} messages`);
  await save('session-memory', recalled.runId, recalled.executionRunId);
  await recordStops();
  await recordStructured();
  // Model calls that refer to the tool results their steps recorded instead of carrying them (a patch marker).
  h.fake.setResponder(
    scriptedResponder([toolTurn([{ name: 'wait', input: { ms: 1 } }, { name: 'wait', input: { ms: 2 } }]), toolTurn([{ name: 'wait', input: { ms: 3 } }]), textTurn('waited three times')]),
  );
  const dedup = await agent().do(new Task({ description: 'wait three times', tools: [wait] }));
  if (dedup.status !== 'completed') throw new Error(`expected a completed run, got ${dedup.status}`);
  await save('history-dedup-tool-results', dedup.runId, dedup.executionRunId);

  h.fake.injectFaults({ kind: 'http', status: 400, message: 'bad request for the record' });
  h.fake.setResponder(scriptedResponder([textTurn('never')]));
  const errored = await agent().do(new Task('fail on the first model call'));
  await save('errored', errored.runId, errored.executionRunId);

  await recordTemporalTools(h, agent, save);
  await recordHistoryRatio(h, agent, save);
  if (wanted('context-cleared-cancelled') || wanted('context-cleared-continued') || wanted('context-summarized')) await recordContextCompaction(h, agent, save);
  if (wanted('context-dropped')) await recordContextDropped(h, agent, save);
  await recordTrust(h, agent, save);
  if (wanted('providers-fallback-cancelled') || wanted('providers-continued-openai')) await recordProviders();
  // Last: it restarts the worker with guardrails.
  if (STEP_STOP_HISTORIES.some(wanted)) await recordStepStops(h, agent, save);
  if (wanted('continued-as-new-first') || wanted('continued-as-new-middle')) await recordContinuedAsNew();
} finally {
  await h.close();
}

/**
 * Stop and steer (its patch marker, the `stop` signal, the stop memo, the time-limit timer): a run cancelled after its
 * running step with a reason; one cut by its time limit; one stopped by its output-token budget before a parallel turn,
 * and its continuation with a raised budget and a user message (the turn's calls answered as interrupted).
 */
async function recordStops(): Promise<void> {
  factor = 1;
  h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'wait', input: { ms: 800 } }]), textTurn('after the step')]));
  const polite = agent();
  const before = started;
  const pending = polite.do(new Task({ description: 'wait, then stop after the step', tools: [wait] }));
  await waitFor(() => started > before, 'tool start');
  await cancelRun(polite.runId!, { client: h.client, mode: 'afterStep', reason: 'recorded stop' });
  const afterStep = await pending;
  if (afterStep.stop?.mode !== 'afterStep' || afterStep.stepResults[1]?.status !== 'completed') throw new Error(`expected an after-step stop, got ${JSON.stringify(afterStep.stop)}`);
  await save('stop-after-step', afterStep.runId, afterStep.executionRunId);

  h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'wait', input: { ms: 60_000 } }]), textTurn('never')]));
  const late = await agent().do(new Task({ description: 'wait past the time limit', tools: [wait], limits: { timeoutMs: 1500 } }));
  if (late.stop?.reason !== 'timeout') throw new Error(`expected a timeout stop, got ${JSON.stringify(late.stop)}`);
  await save('stop-deadline', late.runId, late.executionRunId);

  const usage = { input_tokens: 30, output_tokens: 100 };
  h.fake.setResponder(
    scriptedResponder([toolTurn([{ name: 'wait', input: { ms: 5 } }, { name: 'wait', input: { ms: 7 } }], { usage }), textTurn('redirected', { usage })]),
  );
  const budgeted = agent();
  const spent = await budgeted.do(new Task({ description: 'wait twice, on a budget', tools: [wait] }), { limits: { maxOutputTokens: 50 } });
  if (spent.stop?.limit !== 'outputTokens') throw new Error(`expected a budget stop, got ${JSON.stringify(spent.stop)}`);
  await save('stop-budget', spent.runId, spent.executionRunId);
  const redirected = await budgeted.continueRun({ runId: spent.runId, message: 'Skip the waits.', limits: { maxOutputTokens: 1000 } });
  if (redirected.status !== 'completed') throw new Error(`redirect ended ${redirected.status}`);
  await save('stop-redirected', redirected.runId, redirected.executionRunId);
}

/**
 * Other providers and fallbacks: a run on openai/ whose first model step falls back to anthropic/ after two 503s (its
 * model steps' retry policy sized for both models), cancelled in a tool call, then continued on openai/ (an AI SDK
 * answer in history).
 */
async function recordProviders(): Promise<void> {
  const openaiFake = await FakeOpenAIServer.start();
  const openai = createOpenAI({ baseURL: openaiFake.baseURL, apiKey: 'test-key' });
  await h.stopWorker();
  await h.startWorker({ models: { openai: (id) => openai.chat(id) } });
  try {
    factor = 1;
    openaiFake.injectFaults({ kind: 'http', status: 503 }, { kind: 'http', status: 503 });
    h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'wait', input: { ms: 60_000 } }]), textTurn('unused')]));
    openaiFake.setResponder(scriptedResponder([textTurn('unused'), textTurn('waited, on openai')]));
    const fallbackAgent = new Agent('openai/gpt-5', {
      client: h.client,
      taskQueue: h.taskQueue,
      newRunId: () => `replay-${Date.now()}`,
      fallbacks: ['anthropic/claude-sonnet-4-6'],
      attemptsPerModel: 2,
    });
    const before = started;
    const pending = fallbackAgent.do(new Task({ description: 'wait, on openai with a fallback', tools: [wait] }));
    await waitFor(() => started > before, 'tool start', 60_000);
    await cancelRun(fallbackAgent.runId!, { client: h.client });
    const cancelled = await pending;
    if (cancelled.stepResults[0]?.model !== 'claude-sonnet-4-6') throw new Error(`expected the fallback to answer step 0, got ${JSON.stringify(cancelled.stepResults[0])}`);
    await save('providers-fallback-cancelled', cancelled.runId, cancelled.executionRunId);
    factor = 0;
    const continued = await fallbackAgent.continueRun({ runId: cancelled.runId, model: 'openai/gpt-5' });
    if (continued.status !== 'completed' || !continued.stepResults.at(-1)?.model?.startsWith('openai/')) throw new Error(`continuation ended ${continued.status}`);
    await save('providers-continued-openai', continued.runId, continued.executionRunId);
  } finally {
    await openaiFake.close();
  }
}

/**
 * Structured output (a patch marker and the repair turn): an answer repaired once, one still invalid after its repair
 * (OutputValidationError), and a run cancelled in a tool call whose continuation repairs its answer. The system prompt
 * is long enough to cache, so their model calls record prompt-cache usage.
 */
async function recordStructured(): Promise<void> {
  const output = z.object({ city: z.string(), celsius: z.number().int().max(60) });
  const system = `Report the weather. ${'Use the units asked for. '.repeat(200)}`;
  const bad = textTurn(JSON.stringify({ city: 'Oslo', celsius: 400 }));
  const good = textTurn(JSON.stringify({ city: 'Oslo', celsius: 4 }));
  h.fake.setResponder(scriptedResponder([bad, good]));
  const repaired = await agent().do(new Task({ description: 'weather in Oslo', system, output }));
  if (repaired.status !== 'completed' || !repaired.usage.cacheReadInputTokens) throw new Error(`expected a repaired, cached run, got ${JSON.stringify(repaired)}`);
  await save('structured-repaired', repaired.runId, repaired.executionRunId);

  h.fake.setResponder(scriptedResponder([bad, bad]));
  const invalid = await agent().do(new Task({ description: 'weather in Oslo, wrong twice', system, output, outputRepairs: 1 }));
  if (invalid.error?.name !== 'OutputValidationError') throw new Error(`expected OutputValidationError, got ${invalid.status}`);
  await save('structured-invalid', invalid.runId, invalid.executionRunId);

  factor = 1;
  h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'wait', input: { ms: 60_000 } }]), bad, good]));
  const a = agent();
  const before = started;
  const task = new Task({ description: 'wait, then the weather in Oslo', system, output, tools: [wait] });
  const pending = a.do(task);
  await waitFor(() => started > before, 'tool start');
  await cancelRun(a.runId!, { client: h.client });
  if ((await pending).status !== 'cancelled') throw new Error('expected the run to be cancelled in its tool call');
  factor = 0;
  const continued = await a.continueRun({ task });
  if (continued.output?.celsius !== 4) throw new Error(`continuation ended ${continued.status}`);
  await save('structured-continued', continued.runId, continued.executionRunId);
}

/** A run that continues as new twice (every 2 steps): its first execution, and the middle one that started from a snapshot. */
async function recordContinuedAsNew(): Promise<void> {
  factor = 1;
  h.fake.setResponder(
    scriptedResponder([toolTurn([{ name: 'wait', input: { ms: 1 } }]), toolTurn([{ name: 'wait', input: { ms: 2 } }]), textTurn('waited twice, in three executions')]),
  );
  const output = await agent().do(new Task({ description: 'wait twice, continuing as new', tools: [wait], continueAsNewEvery: 2 }));
  if (output.status !== 'completed' || output.executions !== 3) throw new Error(`expected 3 executions, completed; got ${output.executions}, ${output.status}`);
  const executions = [...new Set(output.stepResults.map((s) => s.execution))];
  if (executions.length !== 3) throw new Error(`steps in ${executions.length} executions`);
  const first = await h.client.workflow.getHandle(output.runId).describe();
  let id: string | undefined = first.runId;
  const chain: string[] = [];
  // Latest back to the first, through the seeds.
  while (id) {
    chain.unshift(id);
    const history: { events?: Array<{ workflowExecutionStartedEventAttributes?: { continuedExecutionRunId?: string | null } | null }> | null } =
      await h.client.workflow.getHandle(output.runId, id).fetchHistory();
    id = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  await save('continued-as-new-first', output.runId, chain[0]!);
  await save('continued-as-new-middle', output.runId, chain[1]!);
}
