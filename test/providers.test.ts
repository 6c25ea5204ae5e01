// Every guarantee on every provider family, against the real SDKs over HTTP: `openai/` through @ai-sdk/openai against
// the strict OpenAI fake, `bedrock/` through @anthropic-ai/bedrock-sdk against the fake's Bedrock endpoint. The seed
// scenarios (cancel in the model stream and in the tool; continue by run id, by task, from another OS process),
// continuing a run on another provider both ways, fallback models, and bad input.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { AnthropicBedrock } from '@anthropic-ai/bedrock-sdk';
import { z } from 'zod';
import { createOpenAI } from '@ai-sdk/openai';
import { Agent, cancelRun, Task, InvalidModelIdError, RunStatus, type RunOutput } from '../src/index.js';
import { FakeOpenAIServer, scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import { DurableAgentPlugin } from '../src/worker/index.js';

/** A script of turns: it reads only the request's turn, so it drives either fake. */
type FakeResponder = ReturnType<typeof scriptedResponder>;
import { crashTools } from './fixtures/crash-tools.js';
import { cliEnv, finished, killCliProcesses, startCli } from './helpers/cli-process.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import type { SideEffect } from './helpers/worker-process.js';

const effects: SideEffect[] = [];
const { unitsTool } = crashTools((event, tool, key, attempt) => effects.push({ event, tool, key, attempt, pid: process.pid, at: Date.now() }));
const UNITS = 8;
const UNIT_MS = 250;
const CUT_AFTER = 2;

let h: Harness;
let openaiFake: FakeOpenAIServer;

before(async () => {
  delete process.env.OPENAI_API_KEY;
  openaiFake = await FakeOpenAIServer.start();
  h = await startHarness({ tools: [unitsTool], noWorker: true });
  const openai = createOpenAI({ baseURL: `${openaiFake.url}/v1`, apiKey: 'test-key' });
  // A provider with no key anywhere (createOpenAI falls back to OPENAI_API_KEY, unset here).
  const keyless = createOpenAI({ baseURL: `${openaiFake.url}/v1` });
  await h.startWorker({
    models: {
      openai: (id) => openai.chat(id),
      keyless: (id) => keyless.chat(id),
      bedrock: new AnthropicBedrock({ baseURL: h.fake.url, awsRegion: 'us-east-1', awsAccessKey: 'x', awsSecretKey: 'y', maxRetries: 0 }),
    },
  });
});
after(async () => {
  killCliProcesses();
  await h?.close();
  await openaiFake?.close();
});
beforeEach(() => {
  effects.length = 0;
  h.fake.reset();
  openaiFake.reset();
});

/** One provider under test: its model id and the fake that serves it. */
interface Provider {
  name: string;
  model: string;
  setResponder(responder: FakeResponder): void;
  /** The conversation turn each request asked for, in order. */
  turns(): number[];
  aborted(): number;
  /** Requests the strict fake refused as the real API would. */
  refused(): string[];
}

const openaiProvider: Provider = {
  name: 'openai',
  model: 'openai/gpt-5',
  setResponder: (r) => openaiFake.setResponder(r),
  turns: () => openaiFake.requests.map((r) => r.turn),
  aborted: () => openaiFake.requests.filter((r) => r.aborted).length,
  refused: () => openaiFake.requests.flatMap((r) => (r.invalid ? [r.invalid] : [])),
};
const bedrockProvider: Provider = {
  name: 'bedrock',
  model: 'bedrock/anthropic.claude-sonnet-4-6-v1:0',
  setResponder: (r) => h.fake.setResponder(r),
  turns: () => h.fake.requests.map((r) => r.turn),
  aborted: () => h.fake.requests.filter((r) => r.aborted).length,
  refused: () => h.fake.requests.flatMap((r) => (r.invalid ? [r.invalid] : [])),
};
const anthropicProvider: Provider = { ...bedrockProvider, name: 'anthropic', model: 'anthropic/claude-sonnet-4-6' };

const unitsCompleted = (key: string): number => effects.filter((e) => e.event === 'complete' && e.key.startsWith(`${key}#`)).length;
const starts = (key: string): string[] => effects.filter((e) => e.event === 'start' && e.key.startsWith(`${key}@`)).map((e) => e.key);

function unitsScript(key: string, chunkDelayMs = 0): FakeResponder {
  return scriptedResponder([
    toolTurn([{ name: 'units_tool', input: { key, units: UNITS, unitMs: UNIT_MS } }]),
    { text: `${key} is done: all ${UNITS} units.`, ...(chunkDelayMs ? { chunkDelayMs } : {}) },
  ]);
}

function unitsTask(key: string): Task {
  return new Task({ description: `Run units_tool for ${key}.`, tools: [unitsTool] });
}

/** Starts the run on `model`, cancels it once the tool has done CUT_AFTER units. */
async function cancelInTool(agent: Agent, task: Task, key: string): Promise<RunOutput> {
  const pending = agent.do(task);
  await waitFor(() => unitsCompleted(key) >= CUT_AFTER, `${CUT_AFTER} units of ${key}`);
  await cancelRun(agent.runId!, { client: h.client });
  const cancelled = await pending;
  assert.equal(cancelled.status, RunStatus.cancelled);
  assert.deepEqual(cancelled.stepResults.map((s) => `${s.index} ${s.name}: ${s.status}`), ['0 model: completed', '1 tool:units_tool: cancelled']);
  return cancelled;
}

/** The continued run completed; the tool resumed from its checkpoint; no completed model turn was asked again. */
function assertResumed(provider: Provider, output: RunOutput, key: string): void {
  assert.equal(output.status, RunStatus.completed, JSON.stringify(output.error));
  assert.equal(output.output, `${key} is done: all ${UNITS} units.`);
  assert.deepEqual(provider.turns(), [0, 1], 'each model turn was asked once over both executions');
  const [first, second] = starts(key);
  assert.equal(first, `${key}@0`);
  assert.ok(second && Number(second.split('@')[1]) >= CUT_AFTER, `the cut tool resumed from its checkpoint (${second})`);
  assert.equal(unitsCompleted(key), UNITS, 'no unit ran twice');
  assert.deepEqual(provider.refused(), [], 'the strict fake accepted every request');
}

for (const provider of [openaiProvider, bedrockProvider]) {
  describe(`${provider.name}: the seed scenarios`, () => {
    test('cancel in the tool; continue by run id, same Agent', async () => {
      provider.setResponder(unitsScript('A'));
      const agent = new Agent(provider.model, { client: h.client, taskQueue: h.taskQueue });
      const cancelled = await cancelInTool(agent, unitsTask('A'), 'A');
      const result = await agent.continueRun({ runId: cancelled.runId });
      assertResumed(provider, result, 'A');
      const models = result.stepResults.filter((s) => s.name === 'model').map((s) => s.model);
      assert.ok(models.every((m) => m?.startsWith(`${provider.name}/`)), `steps name the model that answered: ${models.join(', ')}`);
      assert.ok(result.usage.inputTokens > 0 && result.usage.outputTokens > 0);
    });

    test('cancel in the model stream; continue by task from a new Agent: the cut turn is asked again, its partial text kept', async () => {
      provider.setResponder(
        scriptedResponder([
          toolTurn([{ name: 'units_tool', input: { key: 'B', units: 1, unitMs: 10 } }]),
          { text: 'a slow answer streamed word by word until the cancel lands', chunkDelayMs: 400 },
        ]),
      );
      const agent = new Agent(provider.model, { client: h.client, taskQueue: h.taskQueue });
      const task = unitsTask('B');
      const pending = agent.do(task);
      await waitFor(() => provider.turns().length === 2, 'the second model turn to start streaming');
      await new Promise((r) => setTimeout(r, 2000));
      await cancelRun(agent.runId!, { client: h.client });
      const cancelled = await pending;
      assert.equal(cancelled.status, RunStatus.cancelled);
      const cut = cancelled.stepResults.at(-1)!;
      assert.equal(`${cut.name}: ${cut.status}`, 'model: cancelled');
      assert.match(cut.output ?? '', /^a slow/, `the cut call kept its partial text: ${JSON.stringify(cut)}`);
      await waitFor(() => provider.aborted() === 1, 'the fake to see the request aborted');
      if (provider.name === 'openai') assert.equal(cut.usage, undefined, 'usage the provider had not reported is unknown, not zero');
      else assert.ok(cut.usage && cut.usage.inputTokens > 0, 'the Messages API reports usage from the first event');

      provider.setResponder(scriptedResponder([toolTurn([{ name: 'units_tool', input: { key: 'B', units: 1, unitMs: 10 } }]), textTurn('B finished.')]));
      const result = await new Agent(provider.model, { client: h.client }).continueRun({ task });
      assert.equal(result.status, RunStatus.completed);
      assert.equal(result.output, 'B finished.');
      assert.deepEqual(provider.turns(), [0, 1, 1], 'only the cut turn was asked again');
      assert.equal(unitsCompleted('B'), 1);
      assert.deepEqual(provider.refused(), []);
    });

    test('continue by run id from a new Agent in another OS process (the CLI)', async () => {
      provider.setResponder(unitsScript('C'));
      const cancelled = await cancelInTool(new Agent(provider.model, { client: h.client, taskQueue: h.taskQueue }), unitsTask('C'), 'C');
      const cli = await finished(startCli(cliEnv(h.env as unknown as { address: string }, h.taskQueue), ['continue', cancelled.runId]));
      assert.equal(cli.code, 0, cli.stderr);
      assert.match(cli.stdout, /completed/);
      assertResumed(provider, await h.agent().streamRun({ runId: cancelled.runId }).next().then(() => readOutput(cancelled.runId)), 'C');
    });
  });
}

async function readOutput(runId: string): Promise<RunOutput> {
  const { getRunOutput } = await import('../src/client/run-control.js');
  return getRunOutput(runId, { client: h.client });
}

describe('continue on another provider', () => {
  for (const [from, to] of [
    [anthropicProvider, openaiProvider],
    [openaiProvider, anthropicProvider],
  ] as const) {
    test(`${from.name} → ${to.name}, cut in the tool`, async () => {
      from.setResponder(unitsScript('X'));
      to.setResponder(unitsScript('X'));
      const agent = new Agent(from.model, { client: h.client, taskQueue: h.taskQueue });
      const cancelled = await cancelInTool(agent, unitsTask('X'), 'X');
      const result = await agent.continueRun({ runId: cancelled.runId, model: to.model });
      assert.equal(result.status, RunStatus.completed, JSON.stringify(result.error));
      assert.deepEqual(from.turns(), [0]);
      assert.deepEqual(to.turns(), [1], 'the target was asked only the turn after the tool, with the translated transcript');
      assert.deepEqual([...from.refused(), ...to.refused()], []);
      const models = result.stepResults.filter((s) => s.name === 'model').map((s) => s.model ?? '');
      assert.equal(models.length, 2);
      assert.ok(models[0]!.startsWith(from.name === 'anthropic' ? 'claude' : 'openai/'), models[0]);
      assert.ok(models[1]!.startsWith(to.name === 'anthropic' ? 'claude' : 'openai/'), models[1]);
    });

    test(`${from.name} → ${to.name}, cut in the model call`, async () => {
      from.setResponder(
        scriptedResponder([
          toolTurn([{ name: 'units_tool', input: { key: 'Y', units: 1, unitMs: 10 } }, { name: 'units_tool', input: { key: 'Z', units: 1, unitMs: 10 } }]),
          { text: 'a slow answer that the cancel cuts', chunkDelayMs: 400 },
        ]),
      );
      // Turn 0 (the tool calls) came from the first provider; the second is asked turn 1.
      to.setResponder(scriptedResponder([textTurn('not asked'), textTurn('Y and Z are done.')]));
      const agent = new Agent(from.model, { client: h.client, taskQueue: h.taskQueue });
      const pending = agent.do(unitsTask('YZ'));
      await waitFor(() => from.turns().length === 2, 'the second turn to stream');
      await cancelRun(agent.runId!, { client: h.client });
      const cancelled = await pending;
      assert.equal(cancelled.status, RunStatus.cancelled);
      assert.equal(`${cancelled.stepResults.at(-1)?.name}: ${cancelled.stepResults.at(-1)?.status}`, 'model: cancelled');
      const result = await agent.continueRun({ runId: agent.runId!, model: to.model });
      assert.equal(result.status, RunStatus.completed, JSON.stringify(result.error));
      assert.equal(result.output, 'Y and Z are done.');
      assert.deepEqual(to.turns(), [1], 'the parallel calls and both results reached the other provider, paired');
      assert.deepEqual([...from.refused(), ...to.refused()], []);
      assert.equal(unitsCompleted('Y') + unitsCompleted('Z'), 2, 'no tool ran twice');
    });
  }
});

describe('openai: structured output and tool input checks', () => {
  const weather = z.object({ city: z.string(), celsius: z.number().int().min(-90).max(60) });

  test('Task({ output }): the request carries the JSON schema (json_schema), an invalid answer gets a repair turn', async () => {
    openaiFake.setResponder(scriptedResponder([textTurn(JSON.stringify({ city: 'Oslo', celsius: 400 })), textTurn(JSON.stringify({ city: 'Oslo', celsius: 4 }))]));
    const output = await new Agent('openai/gpt-5', { client: h.client, taskQueue: h.taskQueue }).do(
      new Task({ description: 'Report the weather in Oslo as JSON.', output: weather }),
    );
    assert.equal(output.status, RunStatus.completed, JSON.stringify(output.error));
    assert.deepEqual(output.output, { city: 'Oslo', celsius: 4 });
    assert.deepEqual(openaiFake.requests.map((r) => r.turn), [0, 1]);
    const format = openaiFake.requests[0]!.body.response_format;
    assert.equal(format?.type, 'json_schema');
    assert.match(JSON.stringify(openaiFake.requests[1]!.body.messages), /celsius/, 'the repair turn names what failed');
    assert.deepEqual(openaiFake.requests.flatMap((r) => (r.invalid ? [r.invalid] : [])), []);
  });

  test("a tool call whose input fails the tool's zod schema is answered with an error result, the tool not run", async () => {
    openaiFake.setResponder(
      scriptedResponder([toolTurn([{ name: 'units_tool', input: { key: 'bad', units: 'many', unitMs: 1 } }]), textTurn('I will fix my input next time.')]),
    );
    const output = await new Agent('openai/gpt-5', { client: h.client, taskQueue: h.taskQueue }).do(unitsTask('bad'));
    assert.equal(output.status, RunStatus.completed);
    assert.equal(starts('bad').length, 0, 'the tool did not run');
    const tool = output.stepResults.find((s) => s.name === 'tool:units_tool');
    assert.match(tool?.error ?? '', /units/);
    const answered = openaiFake.requests[1]!.body.messages.find((m) => m.role === 'tool');
    assert.match(JSON.stringify(answered), /units/);
  });
});

describe('fallback models', () => {
  test('the first provider answers 503 on every attempt; the step completes on the second, which the step names', async () => {
    openaiFake.injectFaults({ kind: 'http', status: 503 }, { kind: 'http', status: 503 });
    h.fake.setResponder(scriptedResponder([textTurn('answered by the fallback')]));
    const agent = new Agent('openai/gpt-5', { client: h.client, taskQueue: h.taskQueue, fallbacks: ['anthropic/claude-sonnet-4-6'], attemptsPerModel: 2 });
    const output = await agent.do(new Task('Say something.'));
    assert.equal(output.status, RunStatus.completed, JSON.stringify(output.error));
    assert.equal(output.output, 'answered by the fallback');
    assert.equal(openaiFake.requests.length, 2, 'the first model had its two attempts');
    assert.equal(h.fake.requests.length, 1);
    const [step] = output.stepResults;
    assert.equal(step?.model, 'claude-sonnet-4-6');
    assert.equal(step?.attempts, 3);
  });

  test('a request the provider refuses for good does not fall back', async () => {
    const agent = new Agent('openai/gpt-does-not-exist', { client: h.client, taskQueue: h.taskQueue, fallbacks: ['anthropic/claude-sonnet-4-6'] });
    const output = await agent.do(new Task('Say something.'));
    assert.equal(output.status, RunStatus.error);
    assert.equal(output.error?.name, 'ModelNotFoundError');
    assert.equal(h.fake.requests.length, 0);
  });
});

describe('bad input: typed, recorded, nothing hung', () => {
  test('a model id that names no model is refused at once', () => {
    assert.throws(() => new Agent('OpenAI/gpt-5'), InvalidModelIdError);
    assert.throws(() => new Agent('openai/'), InvalidModelIdError);
    assert.throws(() => new Agent(''), InvalidModelIdError);
  });

  test('a worker given a provider name no model id can spell is refused when it is made', () => {
    const openai = createOpenAI({ baseURL: openaiFake.baseURL, apiKey: 'test-key' });
    assert.throws(() => new DurableAgentPlugin({ models: { 'Open AI': (id) => openai.chat(id) } }), /models: "Open AI" cannot be the provider of a model id/);
  });

  test('a provider the worker has not registered: ModelProviderNotRegisteredError naming it, the task queue and the providers it has', async () => {
    const output = await new Agent('mistral/mistral-large', { client: h.client, taskQueue: h.taskQueue }).do(new Task('Hi.'));
    assert.equal(output.status, RunStatus.error);
    assert.equal(output.error?.name, 'ModelProviderNotRegisteredError');
    assert.match(output.error?.message ?? '', /"mistral"/);
    assert.match(output.error?.message ?? '', new RegExp(h.taskQueue));
    assert.match(output.error?.message ?? '', /anthropic, bedrock, keyless, openai, vertex/);
    assert.equal(openaiFake.requests.length + h.fake.requests.length, 0, 'no request was sent');
  });

  test('a model the provider does not have: ModelNotFoundError, not retried', async () => {
    const output = await new Agent('openai/gpt-nope', { client: h.client, taskQueue: h.taskQueue }).do(new Task('Hi.'));
    assert.equal(output.error?.name, 'ModelNotFoundError');
    assert.match(output.error?.message ?? '', /gpt-nope/);
    assert.equal(openaiFake.requests.length, 1);
  });

  test('a provider without its key: ModelAuthenticationError saying so', async () => {
    const output = await new Agent('keyless/gpt-5', { client: h.client, taskQueue: h.taskQueue }).do(new Task('Hi.'));
    assert.equal(output.error?.name, 'ModelAuthenticationError');
    assert.match(output.error?.message ?? '', /API key/i);
    assert.equal(openaiFake.requests.length, 0);
  });
});
