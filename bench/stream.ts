// Streaming cost and lag. Subscribers follow runs through `streamRun` on a client whose gRPC calls are counted, next
// to the way streaming worked before (every subscriber re-read the whole history and described the run every 100 ms,
// replicated here as `pollLikeBefore`), in one run of the bench:
// - history events fetched per event the run recorded (goal ≈ 1: each event read once);
// - live-text lag, from the moment a text delta leaves the fake model (seen at a loopback relay in front of it) to a
//   subscriber, next to the Anthropic SDK reading the same relay directly;
// - Temporal server CPU-seconds for 100 subscribers on one run and for 1 subscriber on each of 100 runs, each next
//   to the same runs with no subscriber.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import Anthropic from '@anthropic-ai/sdk';
import type { Client } from '@temporalio/client';
import { Agent } from '../src/client/agent.js';
import { readExecution } from '../src/history/read-execution.js';
import { streamRun } from '../src/client/run-stream.js';
import { Task } from '../src/client/task.js';
import { DEFAULT_HEARTBEAT_INTERVAL_MS } from '../src/activities/index.js';
import { STEP_ACTIVITY } from '../src/activities/contract.js';
import { FakeAnthropicServer, scriptedResponder, textTurn, toolTurn } from '../src/testing/fake-anthropic/index.js';
import { countingClient, type GrpcCounts as Counts } from '../test/helpers/grpc-counter.js';
import { cpuSeconds, temporalServerPid } from './concurrency.js';
import { now, sectionWorker, type BenchContext, type Row, type SectionResult } from './context.js';
import { ms, round, summarise } from './stats.js';
import { filler } from './tools.js';

const LAG_GOAL_MS = DEFAULT_HEARTBEAT_INTERVAL_MS + 100;
const CHUNK_DELAY_MS = 20;

/** How streaming read a run before this change, per subscriber: the whole history, and describe() while a model call runs, every 100 ms. */
async function pollLikeBefore(client: Client, runId: string, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const record = await readExecution(client, runId);
    if (record.state !== 'running') return;
    if (record.activities.some((a) => a.status === 'running' && a.activityType === STEP_ACTIVITY.model)) {
      await client.workflow.getHandle(runId, record.executionRunId).describe();
    }
    await delay(100);
  }
}

/** Text deltas as they pass a point: cumulative characters → time. */
type TextMarks = Array<{ chars: number; at: number }>;

function textDeltasOf(sse: string): string[] {
  const out: string[] = [];
  for (const line of sse.split('\n')) {
    if (!line.startsWith('data: ')) continue;
    try {
      const data = JSON.parse(line.slice(6)) as { type?: string; delta?: { type?: string; text?: string } };
      if (data.type === 'content_block_delta' && data.delta?.type === 'text_delta') out.push(data.delta.text ?? '');
    } catch {
      // a partial line: the relay sees whole SSE events from the fake in practice
    }
  }
  return out;
}

/** A loopback relay in front of the fake model that notes when each response's text deltas pass it. */
async function startRelay(target: string): Promise<{ url: string; responses: TextMarks[]; close(): Promise<void> }> {
  const responses: TextMarks[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const marks: TextMarks = [];
    responses.push(marks);
    let chars = 0;
    const upstream = httpRequest(`${target}${req.url ?? ''}`, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 500, up.headers);
      up.on('data', (chunk: Buffer) => {
        res.write(chunk);
        for (const text of textDeltasOf(chunk.toString('utf8'))) {
          chars += text.length;
          marks.push({ chars, at: now() });
        }
      });
      up.on('end', () => res.end());
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    responses,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** For each delta that left the fake, how long until `seen` had that many characters. */
function lags(sent: TextMarks, seen: TextMarks): number[] {
  const out: number[] = [];
  let j = 0;
  for (const mark of sent) {
    while (j < seen.length && seen[j]!.chars < mark.chars) j++;
    if (j === seen.length) break;
    out.push(Math.max(0, seen[j]!.at - mark.at));
  }
  return out;
}

export async function streamSection(ctx: BenchContext): Promise<SectionResult> {
  const namespace = ctx.client.options.namespace;
  const runCount = ctx.quick ? 20 : 100;
  const subscriberCount = ctx.quick ? 20 : 100;
  const fake = await FakeAnthropicServer.start();
  const relay = await startRelay(fake.url);
  const taskQueue = `${ctx.taskQueue}-stream`;
  const worker = await sectionWorker(ctx, taskQueue, {
    tools: ctx.tools,
    anthropic: { baseURL: relay.url, apiKey: 'bench-key' },
    workerOptions: { maxConcurrentActivityTaskExecutions: 1000, maxConcurrentWorkflowTaskExecutions: 100 },
  });
  const sleeper = ctx.tools.find((t) => t.name === 'sleeper')!;
  const agent = new Agent('anthropic/claude-sonnet-4-6', { client: ctx.client, taskQueue });
  const serverPid = temporalServerPid();
  const serverCpu = (): number => (serverPid ? cpuSeconds(serverPid) : Number.NaN);
  const counted: Array<{ close(): Promise<void> }> = [];
  const client = async (): Promise<{ client: Client; counts: Counts }> => {
    const c = await countingClient(ctx.address, namespace);
    counted.push(c);
    return c;
  };
  // A run: a model turn that streams text, a tool call, a second model turn (about 4 s in all).
  const startRun = async (): Promise<string> => (await agent.start(new Task({ description: 'Stream, sleep, stream.', tools: [sleeper] }))).runId;
  const script = (textChars: number): void =>
    fake.setResponder(
      scriptedResponder([
        toolTurn([{ name: 'sleeper', input: { ms: 1000 } }], { text: filler(textChars, 1), chunkDelayMs: CHUNK_DELAY_MS }),
        textTurn(filler(textChars / 2, 2), { chunkDelayMs: CHUNK_DELAY_MS }),
      ]),
    );
  const follow = async (c: Client, runId: string, onText?: (at: number, chars: number) => void): Promise<number> => {
    let events = 0;
    let chars = 0;
    for await (const event of streamRun(runId, { client: c, stopAtPause: false })) {
      events++;
      if (event.type === 'text_delta' && event.index === 0) {
        chars += event.text.length;
        onText?.(now(), chars);
      }
    }
    return events;
  };
  const waitClosed = async (runIds: string[]): Promise<void> => {
    await Promise.all(runIds.map((id) => ctx.client.workflow.getHandle(id).result().catch(() => undefined)));
  };
  const rows: Row[] = [];
  const data: Record<string, unknown> = {};
  try {
    await worker.runUntil(async () => {
      // 1. Events fetched per recorded event, and live-text lag: one run, one streamRun subscriber and one subscriber
      // polling as before, each on its own counted connection; the SDK reads the same fake through the relay directly.
      script(ctx.quick ? 1600 : 4000);
      const [fresh, before] = [await client(), await client()];
      const runId = await startRun();
      const seen: TextMarks = [];
      const stop = new AbortController();
      const [streamed] = await Promise.all([
        follow(fresh.client, runId, (at, chars) => seen.push({ at, chars })),
        pollLikeBefore(before.client, runId, stop.signal),
      ]);
      stop.abort();
      const recorded = (await ctx.client.workflow.getHandle(runId).fetchHistory()).events?.length ?? 0;
      const modelSent = relay.responses[0] ?? [];
      const subscriberLag = summarise(lags(modelSent, seen));

      // The Anthropic SDK on the same relay, streaming the same kind of text.
      fake.setResponder(scriptedResponder([textTurn(filler(ctx.quick ? 1600 : 4000, 1), { chunkDelayMs: CHUNK_DELAY_MS })]));
      const sdk = new Anthropic({ baseURL: relay.url, apiKey: 'bench-key' });
      const sdkSeen: TextMarks = [];
      let sdkChars = 0;
      const responsesBefore = relay.responses.length;
      const stream = sdk.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 4096, messages: [{ role: 'user', content: 'Write.' }] });
      for await (const event of stream) {
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
          sdkChars += event.delta.text.length;
          sdkSeen.push({ at: now(), chars: sdkChars });
        }
      }
      const sdkLag = summarise(lags(relay.responses[responsesBefore] ?? [], sdkSeen));
      const perEvent = {
        streamRun: fresh.counts.historyEvents / recorded,
        before: before.counts.historyEvents / recorded,
      };
      data.eventsFetched = { recorded, streamedEvents: streamed, streamRun: fresh.counts, before: before.counts, perEvent };
      data.liveTextLag = { subscriber: subscriberLag, sdk: sdkLag, goalMs: LAG_GOAL_MS, heartbeatIntervalMs: DEFAULT_HEARTBEAT_INTERVAL_MS };
      rows.push(
        {
          section: 'stream',
          metric: `history events fetched per recorded event, one subscriber (${recorded} events)`,
          goal: '≈ 1 (≤ 1.5)',
          measured: `${round(perEvent.streamRun, 2)} (as before: ${round(perEvent.before, 1)}); RPCs ${JSON.stringify(fresh.counts.calls)} vs before ${JSON.stringify(before.counts.calls)}`,
          pass: perEvent.streamRun <= 1.5,
        },
        {
          section: 'stream',
          metric: `live-text lag, fake's delta → streamRun subscriber (heartbeat ${DEFAULT_HEARTBEAT_INTERVAL_MS} ms)`,
          goal: `p95 ≤ ${ms(LAG_GOAL_MS)}`,
          measured: `p50 ${ms(subscriberLag.p50)} · p95 ${ms(subscriberLag.p95)} · max ${ms(subscriberLag.max)} (n=${subscriberLag.n})`,
          pass: subscriberLag.p95 <= LAG_GOAL_MS,
        },
        {
          section: 'stream',
          metric: "live-text lag, fake's delta → Anthropic SDK reading the fake directly",
          measured: `p50 ${ms(sdkLag.p50)} · p95 ${ms(sdkLag.p95)} · max ${ms(sdkLag.max)} (n=${sdkLag.n})`,
        },
      );
      ctx.log('stream: events fetched and lag measured');

      // 2. Server CPU: the same workload with no subscriber, then with subscribers.
      script(800);
      const wave = async (runs: number, subscribe: (runIds: string[]) => Promise<unknown>): Promise<{ serverS: number; wallS: number; counts?: Counts }> => {
        const cpu0 = serverCpu();
        const t0 = now();
        const runIds = await Promise.all(Array.from({ length: runs }, () => startRun()));
        await Promise.all([waitClosed(runIds), subscribe(runIds)]);
        return { serverS: serverCpu() - cpu0, wallS: (now() - t0) / 1000 };
      };
      const none = async (): Promise<void> => undefined;
      const oneRunAlone = await wave(1, none);
      const shared = await client();
      const oneRunShared = await wave(1, (ids) => Promise.all(Array.from({ length: subscriberCount }, () => follow(shared.client, ids[0]!))));
      const polled = await client();
      const oneRunPolled = await wave(1, (ids) => {
        const signal = new AbortController().signal;
        return Promise.all(Array.from({ length: subscriberCount }, () => pollLikeBefore(polled.client, ids[0]!, signal)));
      });
      ctx.log('stream: one-run waves done');
      const manyAlone = await wave(runCount, none);
      const each = await client();
      const manyEach = await wave(runCount, (ids) => Promise.all(ids.map((id) => follow(each.client, id))));
      ctx.log('stream: many-run waves done');
      data.serverCpu = { subscriberCount, runCount, oneRunAlone, oneRunShared, oneRunPolled, manyAlone, manyEach, shared: shared.counts, polled: polled.counts, each: each.counts };
      const cpu = (w: { serverS: number; wallS: number }): string => `${round(w.serverS, 2)} CPU-s in ${round(w.wallS, 1)} s`;
      rows.push(
        {
          section: 'stream',
          metric: `Temporal server CPU, ${subscriberCount} subscribers on one run`,
          measured:
            `${cpu(oneRunShared)} (no subscriber: ${cpu(oneRunAlone)}; ${subscriberCount} subscribers polling as before: ${cpu(oneRunPolled)}); ` +
            `history events fetched ${shared.counts.historyEvents} vs before ${polled.counts.historyEvents}`,
        },
        {
          section: 'stream',
          metric: `Temporal server CPU, 1 subscriber on each of ${runCount} runs`,
          measured: `${cpu(manyEach)} (no subscriber: ${cpu(manyAlone)}); history events fetched ${each.counts.historyEvents}, RPCs ${JSON.stringify(each.counts.calls)}`,
        },
      );
    });
  } finally {
    await Promise.all(counted.map((c) => c.close().catch(() => undefined)));
    await relay.close();
    await fake.close();
  }
  return { rows, data };
}
