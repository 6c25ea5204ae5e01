// History growth: a 100-turn conversation (each model turn ~2 KB of text plus a tool call, each tool result ~2 KB).
// The encoded size of the history after t turns is read off the finished run's history (it is append-only: the
// prefix up to turn t's tool completion is exactly what fetchHistory would have returned at that moment).
import { deflateSync } from 'node:zlib';
import proto from '@temporalio/proto';
import { Client } from '@temporalio/client';
import { Agent } from '../src/client/agent.js';
import { Task } from '../src/client/task.js';
import { ZlibCodec } from '../src/codec/zlib-codec.js';
import { scriptedResponder, textTurn, toolTurn, type FakeTurn } from '../src/testing/fake-anthropic/index.js';
import { RunStatus } from '../src/core/types.js';
import { stepIndexOf } from '../src/workflows/conversation.js';
import { BYTE_OWNERS, contentBytes, eventAccount, perTurnByOwner } from './history-accounting.js';
import { eventBytes, historyBytes, historyJsonBytes, now, sectionWorker, type BenchContext, type Row, type SectionResult } from './context.js';
import { bytes, ms, polyfit, round, rSquared } from './stats.js';
import { filler } from './tools.js';

const { temporal } = proto;
const TURN_BYTES = 2048;
/** Linear: the last quarter's bytes per turn within 25 % of the first quarter's. */
const LINEAR_TOLERANCE = 1.25;
/** History near its content: what a turn adds to history over the text, tool_use input and tool result it carries. */
const OVERHEAD_GOAL = 1.25;

function script(turns: number): FakeTurn[] {
  return [
    ...Array.from({ length: turns }, (_, i) => toolTurn([{ name: 'blob', input: { n: i, bytes: TURN_BYTES } }], { text: filler(TURN_BYTES, i) })),
    textTurn('done'),
  ];
}

function num(value: { toString(): string } | number | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value.toString());
}

/** A turn's share of the history, measured off one finished run. */
interface HistoryRun {
  runMs: number;
  history: proto.temporal.api.history.v1.IHistory;
  events: proto.temporal.api.history.v1.IHistoryEvent[];
  atTurn: number[];
  total: number;
  byType: Map<string, number>;
  byField: Map<string, number>;
  content: number;
  deflatedContent: number;
}

async function measuredRun(ctx: BenchContext, agent: Agent, turns: number, label: string): Promise<HistoryRun> {
  const blob = ctx.tools.find((t) => t.name === 'blob')!;
  ctx.fake.reset();
  ctx.fake.setResponder(scriptedResponder(script(turns)));
  const t0 = now();
  const output = await agent.do(new Task({ description: `Call blob ${turns} times.`, tools: [blob], maxSteps: turns * 2 + 5 }));
  const runMs = now() - t0;
  if (output.status !== RunStatus.completed) throw new Error(`history run (${label}) ended ${output.status}: ${output.error?.message ?? ''}`);
  const history = await ctx.client.workflow.getHandle(output.runId, output.executionRunId).fetchHistory();
  const events = history.events ?? [];

  // Cumulative encoded size after each completed turn (model call + its tool call).
  const activityIds = new Map<number, string>();
  const atTurn: number[] = [];
  let cumulative = 0;
  let beforeFirstActivity: number | undefined;
  const byType = new Map<string, number>();
  const byField = new Map<string, number>();
  for (const event of events) {
    const type = String(temporal.api.enums.v1.EventType[Number(event.eventType)] ?? event.eventType).replace(/^EVENT_TYPE_/, '');
    byType.set(type, (byType.get(type) ?? 0) + eventBytes(event));
    eventAccount(event, byField);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      beforeFirstActivity ??= cumulative;
      activityIds.set(num(event.eventId), scheduled.activityId ?? '');
    }
    cumulative += eventBytes(event);
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) {
      const id = activityIds.get(num(completed.scheduledEventId)) ?? '';
      const index = stepIndexOf(id);
      if (id.includes('-tool-') && index !== undefined) atTurn[(index + 1) / 2] = cumulative;
    }
  }
  atTurn[0] = beforeFirstActivity ?? 0;
  const total = historyBytes(history);
  if (Math.abs(total - cumulative) > 0) throw new Error(`per-event sizes (${cumulative}) do not add up to the history (${total})`);
  const accounted = [...byField.values()].reduce((a, b) => a + b, 0);
  if (accounted !== total) throw new Error(`per-field sizes (${accounted}) do not add up to the history (${total})`);
  for (let t = 0; t <= turns; t++) if (atTurn[t] === undefined) throw new Error(`no tool completion found for turn ${t} (${label})`);
  // What a turn carries, measured: the model's text and tool_use input, and the tool's result (the last turn, the
  // model's closing text, is no turn of the fit).
  const content = contentBytes(output.messages.slice(0, -1)) / turns;
  const deflatedContent = contentBytes(output.messages.slice(0, -1), (text) => deflateSync(text).length) / turns;
  return { runMs, history, events, atTurn, total, byType, byField, content, deflatedContent };
}

/** The same run through a worker and a client that compress payloads (DURABLE_AGENT_COMPRESSION=zlib's codec). */
async function compressedRun(ctx: BenchContext, turns: number): Promise<HistoryRun> {
  const dataConverter = { payloadCodecs: [new ZlibCodec()] };
  const taskQueue = `${ctx.taskQueue}-history-zlib`;
  const worker = await sectionWorker(ctx, taskQueue, { tools: ctx.tools, dataConverter });
  const client = new Client({ connection: ctx.client.connection, namespace: ctx.client.options.namespace, dataConverter });
  return worker.runUntil(() => measuredRun(ctx, new Agent('anthropic/claude-sonnet-4-6', { client, taskQueue }), turns, 'compressed'));
}

/** What zlib makes of a turn's content on its own (text, tool_use input and result, one deflate each): the floor any compressing store approaches. */
function deflatedShare(run: HistoryRun): number {
  return run.deflatedContent / run.content;
}

/** Bytes a turn adds, by least squares over every turn. */
function perTurnFit(run: HistoryRun, turns: number): { lin: number[]; quad: number[]; xs: number[]; ys: number[] } {
  const xs = Array.from({ length: turns + 1 }, (_, t) => t);
  const ys = xs.map((t) => run.atTurn[t]!);
  return { lin: polyfit(xs, ys, 1), quad: polyfit(xs, ys, 2), xs, ys };
}

export async function historySection(ctx: BenchContext): Promise<SectionResult> {
  const turns = ctx.quick ? 20 : 100;
  const run = await measuredRun(ctx, ctx.agent(), turns, 'plain JSON');
  const { runMs, history, events, atTurn, total, byType, byField, content } = run;
  const packed = await compressedRun(ctx, turns);
  const packedPerTurn = perTurnFit(packed, turns).lin[1]!;
  const packedOverhead = packedPerTurn / packed.content;

  const quarter = turns / 4;
  const marks = [1, 2, 3, 4].map((q) => q * quarter);
  const perTurn = marks.map((m) => (atTurn[m]! - atTurn[m - quarter]!) / quarter);
  const { lin, quad, xs, ys } = perTurnFit(run, turns);
  const quadraticShare = (quad[2]! * turns * turns) / atTurn[turns]!;
  const growth = perTurn[3]! / perTurn[0]!;
  const linear = growth <= LINEAR_TOLERANCE;

  const overhead = lin[1]! / content;
  const owners = perTurnByOwner(byField, turns);
  // Temporal writes these bytes for any client that runs two activities a turn; no client can leave them out.
  const temporalShare = owners.temporal / content;
  const perTurnByType = Object.fromEntries([...byType.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round(v / turns)]));
  const top = Object.entries(perTurnByType).slice(0, 4);
  const rows: Row[] = [
    {
      section: 'history',
      metric: `history size at ${marks.join('/')} turns (${TURN_BYTES} B text + ${TURN_BYTES} B result a turn)`,
      measured: marks.map((m) => bytes(atTurn[m]!)).join(' / '),
    },
    {
      section: 'history',
      metric: 'bytes per turn, by quarter',
      goal: 'linear (constant per turn)',
      measured: `${perTurn.map((b) => bytes(b)).join(' / ')} (last ÷ first ${round(growth, 2)}×)`,
      pass: linear,
    },
    {
      section: 'history',
      metric: `bytes per turn ÷ content bytes per turn (${Math.round(content)} B: text + tool_use input + tool result)`,
      goal: `≤ ${OVERHEAD_GOAL}`,
      measured:
        `${round(overhead, 2)} (${Math.round(lin[1]!)} B a turn); of which Temporal's fixed per-event overhead ` +
        `${Math.round(owners.temporal)} B = ${round(temporalShare, 2)} of content (floor ${round(1 + temporalShare, 2)} for any client)`,
      pass: overhead <= OVERHEAD_GOAL,
    },
    {
      section: 'history',
      metric: `the same run with payloads compressed (ZlibCodec, DURABLE_AGENT_COMPRESSION=zlib): bytes per turn ÷ content bytes per turn`,
      goal: `≤ ${OVERHEAD_GOAL}`,
      measured: `${round(packedOverhead, 2)} (${Math.round(packedPerTurn)} B a turn for ${Math.round(packed.content)} B of content; deflate of the content alone ${round(deflatedShare(packed), 2)})`,
      pass: packedOverhead <= OVERHEAD_GOAL,
    },
    {
      section: 'history',
      metric: "where a turn's bytes go (average per turn, by who writes them)",
      measured: (Object.entries(owners) as [keyof typeof BYTE_OWNERS, number][])
        .filter(([, v]) => v >= 1)
        .map(([k, v]) => `${k} ${Math.round(v)} B`)
        .join(', '),
    },
    {
      section: 'history',
      metric: 'least-squares fit over every turn',
      measured:
        `linear ${Math.round(lin[1]!)} B/turn, R² ${rSquared(xs, ys, lin).toFixed(5)}; ` +
        `quadratic term ${(quadraticShare * 100).toFixed(2)} % of the size at ${turns} turns`,
    },
    {
      section: 'history',
      metric: 'where a turn\'s bytes go (average per turn, by event type)',
      measured: top.map(([k, v]) => `${k} ${bytes(v)}`).join(', '),
    },
  ];
  return {
    rows,
    data: {
      turns,
      turnBytes: TURN_BYTES,
      runMs,
      runWall: ms(runMs),
      events: events.length,
      totalBytes: total,
      totalJsonBytes: historyJsonBytes(history),
      bytesAtTurn: atTurn,
      contentBytesPerTurn: content,
      compressed: { bytesPerTurn: packedPerTurn, contentBytesPerTurn: packed.content, deflatedContentBytesPerTurn: packed.deflatedContent, overhead: packedOverhead, totalBytes: packed.total },
      bytesPerTurnByOwner: owners,
      owners: BYTE_OWNERS,
      temporalFixedShare: temporalShare,
      bytesPerTurnByEventType: perTurnByType,
      bytesPerTurnByField: Object.fromEntries([...byField.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v / turns, 1)])),
      quarterMarks: marks,
      bytesPerTurnByQuarter: perTurn,
      lastOverFirstQuarter: growth,
      linearFit: lin,
      quadraticFit: quad,
      quadraticShare,
      linear,
      overhead,
    },
  };
}
