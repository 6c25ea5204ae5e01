// One reader per run per process: follows a run's executions as the server records them and fans each new state out
// to every stream of that run in this process (src/client/run-stream.ts). It reads each event once: closed
// executions once, the open one by long-polling its history from the last event seen (the server's wait-for-new-event
// mode), and the live text of a model call by asking for the call's heartbeat details only while one is in flight.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { STEP_ACTIVITY } from '../core/types.js';
import { ExecutionDecoder, type ExecutionRecord } from '../history/decode.js';
import type { LiveText } from '../history/event-log.js';
import { payloadDecoderOf, type PayloadDecoder } from '../history/payload-decoder.js';
import type { ModelCallProgress } from '../core/types.js';
import { RunNotFoundError } from '../core/errors.js';
import { pollHistoryPage } from '../history/history-pages.js';
import { isNotFound, readPredecessors } from '../history/read-execution.js';

/** What a follower knows of its run at one moment. */
export interface RunState {
  /** Every execution of the run id so far, oldest first; only the last may be open. */
  chain: ExecutionRecord[];
  /** The text of the model call in flight in the last execution, as its latest heartbeat reports it. */
  live: LiveText | undefined;
  /** Grows with every change. */
  version: number;
  /** The last execution has closed and no newer one follows it (as of a check made after `checkedAfter` joins). */
  ended: boolean;
  /** Joins (see `joinCount`) counted before the check that found no newer execution began. */
  checkedAfter: number;
}

let joinCount = 0;
const followers = new WeakMap<Client, Map<string, RunFollower>>();

/** Follows a run for as long as anyone in this process subscribes to it. */
export class RunFollower {
  private state: RunState = { chain: [], live: undefined, version: 0, ended: false, checkedAfter: 0 };
  private failure: unknown;
  private readonly waiters = new Set<() => void>();
  private readonly pollIntervals = new Map<symbol, number>();
  private readonly stop = new AbortController();
  private readonly decoder: PayloadDecoder;
  private liveRunning = false;

  private constructor(
    private readonly client: Client,
    private readonly runId: string,
  ) {
    this.decoder = payloadDecoderOf(client.options.loadedDataConverter);
  }

  /** The follower of this run for this client, started if none runs. */
  static of(client: Client, runId: string): RunFollower {
    let byRun = followers.get(client);
    if (!byRun) followers.set(client, (byRun = new Map()));
    let follower = byRun.get(runId);
    if (!follower) {
      follower = new RunFollower(client, runId);
      byRun.set(runId, follower);
      void follower.follow();
    }
    return follower;
  }

  /** Joins: `next(version)` then resolves with the first state newer than `version`. Call `leave()` when done. */
  join(pollIntervalMs: number): { joinedAt: number; next(version: number): Promise<RunState>; leave(): void } {
    const key = Symbol('subscriber');
    this.pollIntervals.set(key, pollIntervalMs);
    const joinedAt = ++joinCount;
    this.wakeLive();
    return {
      joinedAt,
      next: (version) => this.next(version),
      leave: () => {
        this.pollIntervals.delete(key);
        if (this.pollIntervals.size === 0) this.dispose();
      },
    };
  }

  private async next(version: number): Promise<RunState> {
    for (;;) {
      if (this.failure !== undefined) throw this.failure;
      if (this.state.version > version || this.state.ended) return this.state;
      await new Promise<void>((resolve) => this.waiters.add(resolve));
    }
  }

  private publish(change: Partial<RunState>): void {
    this.state = { ...this.state, ...change, version: this.state.version + 1 };
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
    this.wakeLive();
  }

  private dispose(): void {
    const byRun = followers.get(this.client);
    if (byRun?.get(this.runId) === this) byRun.delete(this.runId);
    this.stop.abort();
  }

  private fail(err: unknown): void {
    this.failure = err;
    this.dispose();
    this.publish({});
  }

  private async follow(): Promise<void> {
    try {
      await this.followChain();
    } catch (err) {
      if (!this.stop.signal.aborted) this.fail(err);
    }
  }

  private async followChain(): Promise<void> {
    const closed = new Map<string, ExecutionRecord>();
    let target: string | undefined;
    for (;;) {
      // The first page answers at once (there is always event 1 to return); later pages wait for news.
      let page = await pollHistoryPage(this.client, this.runId, target, undefined, this.stop.signal).catch((err: unknown) => {
        throw isNotFound(err) ? new RunNotFoundError(this.runId) : err;
      });
      const incremental = new ExecutionDecoder(this.decoder, { runId: this.runId });
      await incremental.add(page.events);
      const executionRunId = incremental.record!.executionRunId;
      const earlier = await readPredecessors(this.client, this.runId, incremental.record!, closed);
      // An execution that started from a snapshot (the run continued as new) finds its earlier steps in these.
      if (incremental.record!.input.seed?.snapshot) incremental.record!.earlier = earlier;
      this.publish({ chain: [...earlier, incremental.snapshot()!] });
      while (page.nextPageToken) {
        page = await pollHistoryPage(this.client, this.runId, executionRunId, page.nextPageToken, this.stop.signal);
        if (!page.events.length) continue;
        await incremental.add(page.events);
        this.publish({ chain: [...earlier, incremental.snapshot()!] });
      }
      closed.set(executionRunId, incremental.record!);
      // The execution closed: the run goes on only if a newer execution (a continuation) has started since.
      const checkedAfter = joinCount;
      const latest = await this.client.workflow.getHandle(this.runId).describe();
      if (latest.runId === executionRunId || closed.has(latest.runId)) {
        this.dispose();
        this.publish({ ended: true, checkedAfter });
        return;
      }
      target = latest.runId;
    }
  }

  /** The model call in flight in the latest execution, if any. */
  private runningModelCall(): { record: ExecutionRecord; activityId: string } | undefined {
    const record = this.state.chain[this.state.chain.length - 1];
    if (!record || record.state !== 'running') return undefined;
    const running = record.activities.find((a) => a.status === 'running' && a.activityType === STEP_ACTIVITY.model);
    return running ? { record, activityId: running.activityId } : undefined;
  }

  /** Starts reading live text if a model call is in flight and nobody reads it yet. */
  private wakeLive(): void {
    if (this.liveRunning || this.stop.signal.aborted || !this.runningModelCall()) return;
    this.liveRunning = true;
    void this.followLiveText()
      .catch((err: unknown) => {
        if (!this.stop.signal.aborted) this.fail(err);
      })
      .finally(() => {
        this.liveRunning = false;
      });
  }

  private async followLiveText(): Promise<void> {
    for (;;) {
      const call = this.runningModelCall();
      if (!call || this.stop.signal.aborted) return;
      const live = await this.liveText(call.record, call.activityId);
      const before = this.state.live;
      if (live && (live.activityId !== before?.activityId || live.attempt !== before.attempt || live.text !== before.text)) this.publish({ live });
      await sleep(Math.min(...this.pollIntervals.values(), 1000), undefined, { signal: this.stop.signal }).catch(() => undefined);
    }
  }

  private async liveText(record: ExecutionRecord, activityId: string): Promise<LiveText | undefined> {
    let pending;
    try {
      const description = await this.client.workflow.getHandle(record.runId, record.executionRunId).describe();
      pending = description.raw.pendingActivities?.find((p) => p.activityId === activityId);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    if (!pending?.heartbeatDetails?.payloads?.length) return undefined;
    const [progress] = (await this.decoder.values(pending.heartbeatDetails.payloads)) as [ModelCallProgress | undefined];
    // Temporal keeps the last heartbeat across attempts: until the new attempt reports, its text is empty.
    const attempt = pending.attempt ?? 1;
    if (!progress || (progress.attempt !== undefined && progress.attempt !== attempt)) return { activityId, attempt, text: '' };
    return { activityId, attempt, text: progress.partialText };
  }
}
