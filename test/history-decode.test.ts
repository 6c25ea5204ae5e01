// The pure history modules on saved histories, no server: decode (History → ExecutionRecord), the RunOutput and step
// projections, and the event log streaming serves. Every status a run can end in (or wait in) is covered.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Payload } from '@temporalio/common';
import { AesGcmCodec } from '../src/codec/aes-gcm-codec.js';
import { RunEncryptedError, RunNotFoundError } from '../src/core/errors.js';
import { decodeExecution } from '../src/history/decode.js';
import { eventLog, logSize } from '../src/history/event-log.js';
import { payloadDecoderOf, plainConverter } from '../src/history/payload-decoder.js';
import { toRunOutput } from '../src/history/projections.js';
import { RunStatus, type StreamEvent } from '../src/core/types.js';
import { savedEvents, savedRecord } from './helpers/saved-records.js';

function eventsOf(chain: Parameters<typeof eventLog>[0]): StreamEvent[] {
  let offset = 0;
  return eventLog(chain).map((item) => {
    const event = item.build(offset, 0);
    offset += item.size;
    return event;
  });
}

describe('decode + RunOutput, per status', () => {
  test('completed: every step completed, the final text, usage summed, the transcript', async () => {
    const record = await savedRecord('completed');
    assert.equal(record.state, 'completed');
    assert.equal(record.taskQueue, 'agent-test-12594-1');
    const output = toRunOutput(record);
    assert.equal(output.status, RunStatus.completed);
    assert.ok(output.isCompleted && !output.isCancelled && !output.isError && !output.isPaused);
    assert.equal(output.output, 'done waiting');
    assert.deepEqual(
      output.stepResults.map((s) => [s.index, s.name, s.status, s.activityId, s.execution]),
      [
        [0, 'model', 'completed', 'step-0-model', 1],
        [1, 'tool:wait', 'completed', 'step-1-tool-wait-toolu_fake_0_0', 1],
        [2, 'model', 'completed', 'step-2-model', 1],
      ],
    );
    assert.equal(output.stepResults[1]!.output, 'waited 10');
    assert.deepEqual(output.stepResults[1]!.toolInput, { ms: 10 });
    assert.ok(output.stepResults.every((s) => s.durationMs !== undefined && s.durationMs >= 0 && s.attempts === 1));
    assert.deepEqual(output.usage, { inputTokens: 51 + 108, outputTokens: 6 });
    assert.deepEqual(output.messages.map((m) => m.role), ['user', 'assistant', 'user', 'assistant']);
    assert.equal(output.executions, 1);
    assert.deepEqual(output.requirements, []);
  });

  test('parallel tool calls: both steps, in the order the model asked for them', async () => {
    const output = toRunOutput(await savedRecord('parallel-tools'));
    assert.deepEqual(output.stepResults.map((s) => `${s.index}:${s.name}:${s.output ?? ''}`), ['0:model:', '1:tool:wait:waited 5', '2:tool:wait:waited 7', '3:model:both waited']);
  });

  test('cancelled: the cut tool call is cancelled, the completed model call kept', async () => {
    const record = await savedRecord('cancelled');
    assert.equal(record.state, 'cancelled');
    assert.ok(record.cancelRequested);
    const output = toRunOutput(record);
    assert.equal(output.status, RunStatus.cancelled);
    assert.ok(output.isCancelled);
    assert.equal(output.output, null);
    assert.deepEqual(output.stepResults.map((s) => `${s.name}:${s.status}`), ['model:completed', 'tool:wait:cancelled']);
    assert.deepEqual(output.usage, { inputTokens: 52, outputTokens: 3 });
  });

  test('a model call cut mid-stream: its partial text and partial usage are kept and counted', async () => {
    const record = await savedRecord('cut-model');
    const [step] = record.activities;
    assert.equal(step?.status, 'cancelled');
    const progress = step.progress!;
    assert.ok(progress.partialText.startsWith('A long answer: word'));
    const output = toRunOutput(record);
    assert.equal(output.status, RunStatus.cancelled);
    assert.equal(output.stepResults[0]!.output, progress.partialText);
    assert.deepEqual(output.stepResults[0]!.usage, progress.usage);
    assert.ok(output.usage.inputTokens > 0);
    assert.deepEqual(output.usage, progress.usage);
    // A cut model call has no outcome: the transcript is only the task.
    assert.equal(output.messages.length, 1);
  });

  test('continued: the second execution keeps the first one\'s steps (the cancelled one too) and adds up usage', async () => {
    const record = await savedRecord('continued');
    const output = toRunOutput(record);
    assert.equal(output.status, RunStatus.completed);
    assert.equal(output.executions, 2);
    assert.deepEqual(
      output.stepResults.map((s) => `${s.index}:${s.name}:${s.status}:${s.execution}`),
      ['0:model:completed:1', '1:tool:wait:cancelled:1', '1:tool:wait:completed:2', '2:model:completed:2'],
    );
    assert.deepEqual(output.usage, { inputTokens: 52 + 111, outputTokens: 3 + 2 });
    assert.equal(output.output, 'finally');
  });

  test('errored: the failure decodes to a RunError with its name, step and activity', async () => {
    const output = toRunOutput(await savedRecord('errored'));
    assert.equal(output.status, RunStatus.error);
    assert.ok(output.isError);
    assert.equal(output.error?.name, 'AnthropicBadRequestError');
    assert.equal(output.error?.stepIndex, 0);
    assert.equal(output.error?.activityId, 'step-0-model');
    assert.equal(output.stepResults[0]!.status, 'error');
    assert.match(output.stepResults[0]!.error ?? '', /bad request for the record/);
  });

  test('max steps: an error run whose completed steps are all there', async () => {
    const output = toRunOutput(await savedRecord('max-steps'));
    assert.equal(output.status, RunStatus.error);
    assert.equal(output.error?.name, 'MaxStepsReachedError');
    assert.equal(output.stepResults.length, 3);
  });

  test('paused: an open execution waiting for a confirmation reads as paused, with what it waits for', async () => {
    const record = await savedRecord('paused');
    assert.equal(record.state, 'running');
    const output = toRunOutput(record);
    assert.equal(output.status, RunStatus.paused);
    assert.ok(output.isPaused);
    assert.deepEqual(output.requirements, [
      { id: 'toolu_fake_0_0', kind: 'confirmation', stepIndex: 1, activityId: 'step-1-tool-confirm_wait-toolu_fake_0_0', toolName: 'confirm_wait', toolInput: { ms: 5 } },
    ]);
  });

  test('human-confirmed: once answered, the gated call ran and the run completed', async () => {
    const output = toRunOutput(await savedRecord('human-confirmed'));
    assert.equal(output.status, RunStatus.completed);
    assert.deepEqual(output.requirements, []);
    assert.equal(output.stepResults[1]!.output, 'waited 5 after approval');
  });

  test('forked: the fork names its origin and keeps the inherited steps first', async () => {
    const record = await savedRecord('forked');
    const output = toRunOutput(record);
    assert.equal(output.status, RunStatus.completed);
    assert.equal(output.forkedFrom?.fromStep, 2);
    assert.equal(output.executions, 1);
    assert.deepEqual(output.stepResults.map((s) => s.index), [0, 1, 2]);
    assert.equal(output.output, 'forked ending');
  });
});

describe('decode: inputs it refuses', () => {
  test('no start event, or not a durable-agent run: RunNotFoundError', async () => {
    await assert.rejects(decodeExecution([], payloadDecoderOf(), { runId: 'x' }), RunNotFoundError);
    const [start] = savedEvents('completed');
    const attributes = start!.workflowExecutionStartedEventAttributes!;
    const other = { ...start, workflowExecutionStartedEventAttributes: { ...attributes, input: { payloads: [] } } };
    await assert.rejects(decodeExecution([other], payloadDecoderOf(), { runId: 'x' }), /not a durable-agent run/);
  });

  test('encrypted payloads decode through the codec; without it they are a RunEncryptedError', async () => {
    const codec = new AesGcmCodec({ key: Buffer.alloc(32, 7) });
    const events = savedEvents('completed');
    for (const event of events) {
      for (const holder of [event.workflowExecutionStartedEventAttributes?.input, event.activityTaskScheduledEventAttributes?.input, event.activityTaskCompletedEventAttributes?.result]) {
        if (holder?.payloads) holder.payloads = await codec.encode(holder.payloads as Payload[]);
      }
    }
    await assert.rejects(decodeExecution(events, payloadDecoderOf(), { runId: 'completed' }), RunEncryptedError);
    const withKey = payloadDecoderOf({ ...plainConverter, payloadCodecs: [codec] });
    assert.deepEqual(toRunOutput(await decodeExecution(events, withKey, { runId: 'completed' })), toRunOutput(await savedRecord('completed')));
  });
});

describe('event log', () => {
  test('a completed run: starts and ends in history order, the model text, the tool result, then completed', async () => {
    const events = eventsOf([await savedRecord('completed')]);
    assert.deepEqual(events.map((e) => e.type), [
      'run_started',
      'step_started',
      'text_delta',
      'step_completed',
      'step_started',
      'step_completed',
      'tool_result',
      'step_started',
      'text_delta',
      'step_completed',
      'completed',
    ]);
    // Offsets are contiguous: text counts its characters, every other event one.
    for (let i = 1; i < events.length; i++) assert.equal(events[i]!.offset, events[i - 1]!.nextOffset);
    const last = events[events.length - 1]!;
    assert.equal(last.type === 'completed' && last.output.output, 'done waiting');
  });

  test('cancel and continue: one log across both executions, the second numbered 2', async () => {
    const cancelled = await savedRecord('cancelled');
    const continued = await savedRecord('continued');
    assert.equal(continued.input.seed?.continuedFrom, cancelled.executionRunId);
    const chain = [cancelled, { ...continued, runId: cancelled.runId }];
    const events = eventsOf(chain);
    const types = events.map((e) => `${e.execution}:${e.type}`);
    assert.equal(types.filter((t) => t.endsWith(':run_started')).length, 2);
    assert.ok(types.indexOf('1:cancelled') < types.indexOf('2:run_started'));
    assert.equal(types[types.length - 1], '2:completed');
    assert.equal(logSize(eventLog(chain)), events[events.length - 1]!.nextOffset);
  });

  test('a cut model call: its partial text is in the log before the cancel', async () => {
    const events = eventsOf([await savedRecord('cut-model')]);
    const text = events.find((e) => e.type === 'text_delta');
    assert.ok(text?.type === 'text_delta' && text.text.startsWith('A long answer: word'));
    assert.equal(events[events.length - 1]!.type, 'cancelled');
  });

  test('a paused run: the log stops after the model step (the pause is a state, not an item)', async () => {
    const events = eventsOf([await savedRecord('paused')]);
    assert.deepEqual(events.map((e) => e.type), ['run_started', 'step_started', 'text_delta', 'step_completed']);
  });
});
