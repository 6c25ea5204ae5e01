// The run's event log, a projection of recorded history (plus the live text of a model call in flight): the same
// ExecutionRecords (src/history/decode.ts) that `do()`, `show` and the continuation seed are projected from. Because
// history is the source, the log is the same for every client at every moment, which makes stream offsets resumable.
// Pure: streaming (src/client/run-stream.ts) fetches the records and serves the log from an offset.
import { RunStatus, STEP_ACTIVITY, type StreamEvent, type StreamEventBase } from '../core/types.js';
import type { ActivityRecord, ExecutionRecord } from './decode.js';
import { executionNumber, stepResultOf, toRunOutput } from './projections.js';

/** The text a model call in flight has streamed so far, as its latest heartbeat reports it. */
export interface LiveText {
  activityId: string;
  attempt: number;
  text: string;
}

type Payload<E> = E extends StreamEvent ? Omit<E, keyof StreamEventBase> : never;

export interface LogItem {
  /** Offset units: characters for text, 1 for any other event. */
  size: number;
  /** Set on text items: which step's text, for the streamer's check that text only grows. */
  text?: { key: string; value: string; restarted(offset: number): StreamEvent };
  /** The event from `skip` units into the item (only text items are ever entered part-way). */
  build(offset: number, skip: number): StreamEvent;
}

function item(runId: string, execution: number, payload: Payload<StreamEvent>): LogItem {
  return { size: 1, build: (offset) => ({ ...payload, runId, execution, offset, nextOffset: offset + 1 }) as StreamEvent };
}

function textItem(runId: string, execution: number, activity: ActivityRecord, text: string, attempt: number): LogItem {
  const step = { activityId: activity.activityId, index: activity.input.stepIndex };
  return {
    size: text.length,
    text: {
      key: `${execution}/${activity.activityId}`,
      value: text,
      restarted: (offset) => ({ type: 'step_restarted', runId, execution, offset, nextOffset: offset, ...step, attempt }),
    },
    build: (offset, skip) => ({
      type: 'text_delta',
      runId,
      execution,
      offset,
      nextOffset: offset + text.length - skip,
      ...step,
      text: text.slice(skip),
    }),
  };
}

function endItems(runId: string, execution: number, activity: ActivityRecord): LogItem[] {
  const step = stepResultOf(activity, execution);
  const items: LogItem[] = [];
  if (activity.activityType === STEP_ACTIVITY.model) items.push(textItem(runId, execution, activity, step.output ?? '', activity.attempts));
  items.push(item(runId, execution, { type: 'step_completed', step }));
  if (activity.outcome?.kind === 'tool') {
    const { content, isError } = activity.outcome.result;
    items.push(
      item(runId, execution, { type: 'tool_result', activityId: activity.activityId, index: step.index, toolName: step.name.slice('tool:'.length), content, isError }),
    );
  }
  return items;
}

function executionItems(record: ExecutionRecord, live: LiveText | undefined): LogItem[] {
  const { runId } = record;
  const execution = executionNumber(record);
  const items: LogItem[] = [item(runId, execution, { type: 'run_started', executionRunId: record.executionRunId })];
  // Starts and ends in the order the server recorded them: parallel tool calls interleave exactly as they ran.
  const marks: Array<{ at: number; start: boolean; activity: ActivityRecord }> = [];
  for (const activity of record.activities) {
    marks.push({ at: activity.scheduledEventId, start: true, activity });
    // Calls abandoned when the execution closed have no end event: they end with it.
    if (activity.closedEventId !== undefined || activity.status !== 'running') {
      marks.push({ at: activity.closedEventId ?? Number.MAX_SAFE_INTEGER, start: false, activity });
    }
  }
  marks.sort((a, b) => a.at - b.at);
  for (const mark of marks) {
    const { activity } = mark;
    if (mark.start) {
      items.push(item(runId, execution, { type: 'step_started', step: { index: activity.input.stepIndex, name: stepResultOf(activity, execution).name, activityId: activity.activityId } }));
    } else {
      items.push(...endItems(runId, execution, activity));
    }
  }
  // A model call in flight is always the last thing happening: its growing text ends the log. Without a live reading
  // (no heartbeat yet, or the call finished between reading history and asking for it) its text is left out for now
  // rather than shown as empty, which would read as a restart.
  for (const activity of record.activities) {
    if (activity.status === 'running' && activity.activityType === STEP_ACTIVITY.model && live?.activityId === activity.activityId) {
      items.push(textItem(runId, execution, activity, live.text, live.attempt));
    }
  }
  // An execution that continued as new has no end of its own: the run goes on in the next one, in the same log.
  if (record.state !== 'running' && record.state !== 'continued_as_new') {
    const output = toRunOutput(record);
    // A run that stopped itself (time limit, budget) ends its stream `cancelled`, as a cancelled one does.
    const type = output.status === RunStatus.completed ? 'completed' : output.status === RunStatus.cancelled ? 'cancelled' : 'error';
    items.push(item(runId, execution, { type, output }));
  }
  return items;
}

// A closed execution's items never change, and a stream polls every 100 ms: build them once per record (the streamer
// keeps closed records) instead of replaying that execution's conversation on every poll.
const closedItems = new WeakMap<ExecutionRecord, LogItem[]>();

/** The log of a run id's executions, oldest first; only the last may still be open. */
export function eventLog(chain: ExecutionRecord[], live?: LiveText): LogItem[] {
  return chain.flatMap((record, i) => {
    if (record.state === 'running') return executionItems(record, i === chain.length - 1 ? live : undefined);
    let items = closedItems.get(record);
    if (!items) closedItems.set(record, (items = executionItems(record, undefined)));
    return items;
  });
}

export function logSize(items: LogItem[]): number {
  return items.reduce((n, i) => n + i.size, 0);
}
