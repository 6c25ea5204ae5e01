// Structured output on the CLI dev server: a task names a zod output schema, the model is asked for JSON matching it
// (Anthropic structured outputs), the worker checks the answer, an invalid answer is repaired by a follow-up turn,
// and RunOutput.output is the parsed object — also streamed, and across cancel and continue.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { z } from 'zod';
import { cancelRun, Task, RunStatus, type StreamEvent } from '../src/index.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import { countingTools, ToolCounter } from './helpers/counting-tools.js';
import { harnessPerFile, waitFor, type Harness } from './helpers/harness.js';

const counter = new ToolCounter();
const tools = countingTools(counter);
const longRunningTask = tools[0]!;

const weather = z.object({
  city: z.string().min(2),
  celsius: z.number().int().min(-90).max(60),
  conditions: z.array(z.enum(['sun', 'rain', 'snow'])),
});
const VALID = { city: 'Oslo', celsius: 4, conditions: ['rain'] };
/** Shaped right (what constrained decoding guarantees) but out of range: only the worker's check catches it. */
const OUT_OF_RANGE = { city: 'Oslo', celsius: 400, conditions: ['rain'] };

const harness = harnessPerFile({ tools }, () => counter.reset());
let h: Harness;
beforeEach(() => {
  h = harness();
});

function weatherTask(extra: { tools?: typeof tools; outputRepairs?: number } = {}) {
  return new Task({ description: 'Report the weather in Oslo as JSON.', output: weather, ...extra });
}

/** The user messages the model was sent after its first answer, as text. */
function followUps(requestIndex: number): string {
  const messages = h.fake.requests[requestIndex]!.body.messages;
  return JSON.stringify(messages.slice(1).filter((m) => m.role === 'user'));
}

describe('structured output', () => {
  test('a run returns the typed object; the request asks for the schema as the API takes it', async () => {
    h.fake.setResponder(scriptedResponder([textTurn(JSON.stringify(VALID))]));
    const output = await h.agent().do(weatherTask());
    assert.equal(output.status, RunStatus.completed);
    assert.deepEqual(output.output, VALID);
    // Typed from the schema: this line does not compile if the inference breaks (see also test/types/structured-output.ts).
    const celsius: number | undefined = output.output?.celsius;
    assert.equal(celsius, 4);
    const request = h.fake.requests[0]!;
    assert.equal(request.invalid, undefined, 'the fake (as strict as the API) accepted the request');
    const format = (request.body as { output_config?: { format?: { type: string; schema: { properties: Record<string, { description?: string }> } } } }).output_config?.format;
    assert.equal(format?.type, 'json_schema');
    assert.match(format?.schema.properties.celsius?.description ?? '', /maximum: 60/, 'constraints the API does not enforce are described to the model');
  });

  test('an invalid first answer is repaired: a follow-up turn names what failed, the second answer is the output', async () => {
    h.fake.setResponder(scriptedResponder([textTurn(JSON.stringify(OUT_OF_RANGE)), textTurn(JSON.stringify(VALID))]));
    const output = await h.agent().do(weatherTask());
    assert.equal(output.status, RunStatus.completed);
    assert.deepEqual(output.output, VALID);
    assert.deepEqual(output.stepResults.map((s) => `${s.index} ${s.name}: ${s.status}`), ['0 model: completed', '1 model: completed']);
    assert.equal(h.fake.requests.length, 2);
    assert.match(followUps(1), /does not match the required output schema/);
    assert.match(followUps(1), /celsius/, 'the follow-up names the failing field');
    assert.deepEqual(output.messages.map((m) => m.role), ['user', 'assistant', 'user', 'assistant']);
  });

  test('an answer still invalid after the allowed repairs fails the run with OutputValidationError naming what failed', async () => {
    h.fake.setResponder(scriptedResponder([textTurn('not json at all'), textTurn(JSON.stringify(OUT_OF_RANGE))]));
    const output = await h.agent().do(weatherTask({ outputRepairs: 1 }));
    assert.equal(output.status, RunStatus.error);
    assert.equal(output.output, null);
    assert.equal(output.error?.name, 'OutputValidationError');
    assert.match(output.error?.message ?? '', /after 2 answers/);
    assert.match(output.error?.message ?? '', /celsius/);
    assert.match(followUps(1), /not valid JSON/);
  });

  test('streamed: the completed event carries the parsed object', async () => {
    h.fake.setResponder(scriptedResponder([textTurn(JSON.stringify(OUT_OF_RANGE)), textTurn(JSON.stringify(VALID))]));
    const events: StreamEvent[] = [];
    for await (const event of h.agent().stream(weatherTask())) events.push(event);
    const last = events[events.length - 1]!;
    assert.equal(last.type, 'completed');
    assert.deepEqual(last.type === 'completed' ? last.output.output : undefined, VALID);
    const text = events.filter((e) => e.type === 'text_delta').map((e) => (e.type === 'text_delta' ? e.text : '')).join('');
    assert.equal(text, JSON.stringify(OUT_OF_RANGE) + JSON.stringify(VALID), 'both answers were streamed as text');
  });

  test('a cancelled run continued returns the object (its repair turn in the continuation)', async () => {
    h.fake.setResponder(
      scriptedResponder([
        toolTurn([{ name: 'long_running_task', input: { seconds: 2 } }]),
        textTurn(JSON.stringify(OUT_OF_RANGE)),
        textTurn(JSON.stringify(VALID)),
      ]),
    );
    const agent = h.agent();
    const task = weatherTask({ tools: [longRunningTask] });
    const pending = agent.do(task);
    await waitFor(() => counter.started.get('long_running_task:2') === 1, 'the tool to start');
    await cancelRun(agent.runId!, { client: h.client });
    const cancelled = await pending;
    assert.equal(cancelled.status, RunStatus.cancelled);
    assert.equal(cancelled.output, null);

    const continued = await agent.continueRun({ task });
    assert.equal(continued.status, RunStatus.completed);
    assert.deepEqual(continued.output, VALID);
    const city: string | undefined = continued.output?.city;
    assert.equal(city, 'Oslo');
    assert.deepEqual(
      continued.stepResults.map((s) => `${s.index} ${s.name}: ${s.status} (x${s.execution})`),
      ['0 model: completed (x1)', '1 tool:long_running_task: cancelled (x1)', '1 tool:long_running_task: completed (x2)', '2 model: completed (x2)', '3 model: completed (x2)'],
    );
    assert.deepEqual(h.fake.requests.map((r) => r.turn), [0, 1, 2], 'the completed first turn was not asked again');
    assert.equal(counter.completed.get('long_running_task:2'), 1);
  });
});
