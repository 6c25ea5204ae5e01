// Traces of a run cancelled while its tool runs, then continued: one trace per execution (its id is the execution's
// Temporal run id), the continuation linked to the cancelled execution, a span per step with the GenAI attributes,
// and the steps' token attributes summing to RunOutput.usage. Collected twice, from real runs on a real server: with
// an in-memory exporter, and over OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT, the worker's default) by a real receiver.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Client } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { cancelRun, Task, RunStatus, type RunOutput } from '../src/index.js';
import { AgentAttributes, AgentEvents, EXECUTION_SPAN_NAME, GenAiAttributes } from '../src/telemetry/attributes.js';
import { executionSpanIds } from '../src/telemetry/trace-ids.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import { countingTools, ToolCounter } from './helpers/counting-tools.js';
import { startHarness, waitFor, type Harness } from './helpers/harness.js';
import { startOtlpReceiver, type CollectedSpan, type OtlpReceiver } from './helpers/otlp-receiver.js';

const counter = new ToolCounter();
const tools = countingTools(counter);
const SESSION = 'session-tracing';
const MODEL = 'claude-sonnet-4-6';

let h: Harness;
let receiver: OtlpReceiver;
const memory = new InMemorySpanExporter();

before(async () => {
  receiver = await startOtlpReceiver();
  h = await startHarness({ tools, worker: { tracing: { spanProcessor: new SimpleSpanProcessor(memory) } } });
});
after(async () => {
  await h?.close();
  await receiver?.close();
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
});

function fromMemory(span: ReadableSpan): CollectedSpan {
  const { traceId, spanId } = span.spanContext();
  return {
    traceId,
    spanId,
    ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
    name: span.name,
    attributes: { ...span.attributes },
    links: span.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId })),
    events: span.events.map((e) => e.name),
  };
}

/** The user story: cancel while the tool runs, continue to completion. */
async function cancelThenContinue(seconds: number): Promise<{ cancelled: RunOutput; continued: RunOutput }> {
  counter.reset();
  h.fake.setResponder(scriptedResponder([toolTurn([{ name: 'long_running_task', input: { seconds } }]), textTurn(`Done after ${seconds} seconds.`)]));
  const agent = h.agent({ sessionId: SESSION });
  const pending = agent.do(new Task({ description: `Call long_running_task with ${seconds} seconds.`, tools: [tools[0]!] }));
  await waitFor(() => counter.started.get(`long_running_task:${seconds}`) === 1, 'the tool to start');
  await cancelRun(agent.runId!, { client: h.client });
  const cancelled = await pending;
  assert.equal(cancelled.status, RunStatus.cancelled);
  const continued = await agent.continueRun({ runId: cancelled.runId });
  assert.equal(continued.status, RunStatus.completed);
  return { cancelled, continued };
}

/** Everything the issue asks of the traces, on spans from either collection path. */
function checkTraces(all: CollectedSpan[], cancelled: RunOutput, continued: RunOutput): void {
  const first = executionSpanIds(cancelled.executionRunId);
  const second = executionSpanIds(continued.executionRunId);
  const ofRun = all.filter((s) => s.attributes[AgentAttributes.runId] === cancelled.runId);
  assert.deepEqual(
    [...new Set(ofRun.map((s) => s.traceId))].sort(),
    [first.traceId, second.traceId].sort(),
    'the run’s spans fall into exactly two traces, one per execution, named by the executions’ run ids',
  );
  for (const [ids, execution] of [[first, 1], [second, 2]] as const) {
    const trace = all.filter((s) => s.traceId === ids.traceId);
    const roots = trace.filter((s) => !s.parentSpanId);
    assert.deepEqual(roots.map((s) => [s.name, s.spanId]), [[EXECUTION_SPAN_NAME, ids.spanId]], `execution ${execution}: one root, the execution span`);
    assert.equal(roots[0]!.attributes[AgentAttributes.execution], execution);
    const spanIds = new Set(trace.map((s) => s.spanId));
    for (const s of trace) if (s.parentSpanId) assert.ok(spanIds.has(s.parentSpanId), `execution ${execution}: ${s.name} hangs off a span of the trace`);
    assert.ok(trace.some((s) => s.name === 'RunWorkflow:agentRun'), `execution ${execution}: the workflow span`);
    assert.ok(trace.some((s) => s.name === 'RunActivity:callTool'), `execution ${execution}: the worker's activity spans join the trace`);
  }

  // Cancel and continue: an event on the cancelled execution, a link (and an event) on the continuation.
  const run1 = all.find((s) => s.traceId === first.traceId && s.name === 'RunWorkflow:agentRun')!;
  const run2 = all.find((s) => s.traceId === second.traceId && s.name === 'RunWorkflow:agentRun')!;
  assert.ok(run1.events.includes(AgentEvents.cancelRequested), `cancel requested is an event: ${run1.events.join(', ')}`);
  assert.ok(run2.events.includes(AgentEvents.continued));
  assert.equal(run2.attributes[AgentAttributes.continuedFrom], cancelled.executionRunId);
  const root2 = all.find((s) => s.traceId === second.traceId && s.name === EXECUTION_SPAN_NAME)!;
  for (const s of [run2, root2]) assert.deepEqual(s.links, [{ traceId: first.traceId, spanId: first.spanId }], `${s.name} links to the cancelled execution’s root`);

  // One span per step that ran, with the GenAI attributes.
  const steps = ofRun.filter((s) => s.attributes[AgentAttributes.stepIndex] !== undefined);
  const summary = steps.map((s) => `${s.attributes[AgentAttributes.execution]} ${s.attributes[AgentAttributes.stepIndex]} ${s.name} ${s.attributes[AgentAttributes.stepStatus]}`).sort();
  assert.deepEqual(summary, [
    `1 0 chat ${MODEL} completed`,
    '1 1 execute_tool long_running_task cancelled',
    `2 1 execute_tool long_running_task completed`,
    `2 2 chat ${MODEL} completed`,
  ]);
  for (const s of steps) {
    assert.equal(s.attributes[AgentAttributes.sessionId], SESSION);
    assert.equal(s.attributes[GenAiAttributes.conversationId], SESSION);
    if (s.name.startsWith('chat')) {
      assert.equal(s.attributes[GenAiAttributes.operationName], 'chat');
      assert.equal(s.attributes[GenAiAttributes.requestModel], MODEL);
      assert.equal(s.attributes[GenAiAttributes.cacheReadInputTokens], 0, 'cache tokens as the API reports them');
      assert.equal(s.attributes[GenAiAttributes.cacheCreationInputTokens], 0);
      assert.ok(Number(s.attributes[GenAiAttributes.inputTokens]) > 0 && Number(s.attributes[GenAiAttributes.outputTokens]) > 0);
    } else {
      assert.equal(s.attributes[GenAiAttributes.toolName], 'long_running_task');
      assert.equal(s.attributes[GenAiAttributes.operationName], 'execute_tool');
    }
  }
  const finish = steps.filter((s) => s.name.startsWith('chat')).map((s) => s.attributes[GenAiAttributes.finishReasons]);
  assert.deepEqual(finish.sort(), [['end_turn'], ['tool_use']]);
  const cut = steps.find((s) => s.attributes[AgentAttributes.stepStatus] === 'cancelled')!;
  assert.equal(cut.attributes[GenAiAttributes.errorType], 'cancelled');
  assert.ok(cut.events.includes(AgentEvents.stepCancelled));

  const sum = (key: string): number => steps.reduce((n, s) => n + Number(s.attributes[key] ?? 0), 0);
  assert.deepEqual(
    { inputTokens: sum(GenAiAttributes.inputTokens), outputTokens: sum(GenAiAttributes.outputTokens) },
    { inputTokens: continued.usage.inputTokens, outputTokens: continued.usage.outputTokens },
    'the steps’ token attributes add up to RunOutput.usage',
  );
  assert.ok(Math.abs(sum(AgentAttributes.costUsd) - continued.usage.costUsd!) < 1e-12, 'the steps’ cost attributes add up to RunOutput.usage.costUsd');
}

describe('OpenTelemetry traces of a cancelled-then-continued run', () => {
  test('in-memory exporter: a trace per execution, linked, tokens summing to RunOutput.usage', async () => {
    const { cancelled, continued } = await cancelThenContinue(2);
    const second = executionSpanIds(continued.executionRunId).traceId;
    await waitFor(() => memory.getFinishedSpans().some((s) => s.name === EXECUTION_SPAN_NAME && s.spanContext().traceId === second), 'the continuation’s spans');
    checkTraces(memory.getFinishedSpans().map(fromMemory), cancelled, continued);
  });

  test('a client that traces: the execution keeps its own trace and links to the client’s span', async () => {
    const clientSpans = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(clientSpans)] }).getTracer('app');
    const client = new Client({ connection: h.env.connection, interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor({ tracer })] } });
    h.fake.setResponder(scriptedResponder([textTurn('Traced from the client.')]));
    const output = await h.agent({ client }).do(new Task({ description: 'Say something.', tools: [] }));
    assert.equal(output.status, RunStatus.completed);
    const start = clientSpans.getFinishedSpans().find((s) => s.name === 'StartWorkflow:agentRun');
    assert.ok(start, `the client traced the start: ${clientSpans.getFinishedSpans().map((s) => s.name).join(', ')}`);
    const ids = executionSpanIds(output.executionRunId);
    await waitFor(() => memory.getFinishedSpans().some((s) => s.name === 'RunWorkflow:agentRun' && s.spanContext().traceId === ids.traceId), 'the execution’s spans');
    const run = fromMemory(memory.getFinishedSpans().find((s) => s.name === 'RunWorkflow:agentRun' && s.spanContext().traceId === ids.traceId)!);
    assert.notEqual(start.spanContext().traceId, ids.traceId, 'the execution is a trace of its own');
    assert.deepEqual(run.links, [{ traceId: start.spanContext().traceId, spanId: start.spanContext().spanId }], 'linked to the client’s StartWorkflow span');
  });

  test('OTLP/HTTP to a real receiver, from OTEL_EXPORTER_OTLP_ENDPOINT alone', async () => {
    await h.stopWorker();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    process.env.OTEL_SERVICE_NAME = 'agents-under-test';
    await h.startWorker({ tracing: undefined });
    const { cancelled, continued } = await cancelThenContinue(2);
    // The worker's batch processor flushes when the worker stops.
    await h.stopWorker();
    assert.ok(receiver.requests > 0, 'the worker exported over OTLP/HTTP');
    assert.ok(receiver.spans.every((s) => s.serviceName === 'agents-under-test'), 'service.name from OTEL_SERVICE_NAME');
    checkTraces(receiver.spans, cancelled, continued);
    delete process.env.OTEL_SERVICE_NAME;
  });

  test('no endpoint and no span processor: tracing is off, nothing is exported', async () => {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    const before = receiver.requests;
    await h.startWorker({ tracing: undefined });
    h.fake.setResponder(scriptedResponder([textTurn('Nothing to trace.')]));
    const output = await h.agent().do(new Task({ description: 'Say something.', tools: [] }));
    assert.equal(output.status, RunStatus.completed);
    await h.stopWorker();
    assert.equal(receiver.requests, before);
  });
});
