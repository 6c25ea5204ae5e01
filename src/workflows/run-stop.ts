// One way for a run to stop before its end, whatever asked for it: cancelRun (mode `now` or `afterStep`, with a
// reason), the run's time limit or one of its budgets (run-limits.ts). The loop runs its steps in a scope only this
// class cancels: a stop `now` cuts the running steps; a stop `afterStep` lets them finish and keep their results, and
// the loop starts nothing new (beforeNewSteps). The run then closes CANCELED when Temporal was asked to cancel it, else
// it fails with RunStoppedError carrying the stop; either way it is continuable and readers find the stop (RunOutput.stop).
import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  patched,
  setHandler,
  sleep,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import { FailureTypes, type RunInput, type RunStop, type StopRequest, type Usage } from '../core/types.js';
import { addUsage, NO_USAGE } from '../core/usage.js';
import { budgetExceeded, timeLimit } from './run-limits.js';
import { roundUsd } from '../core/usd.js';
import { stopOfCancel, stopSignal } from './stop-signal.js';
import { cancelSinks } from './cancel-sink.js';
import { PATCHES } from './loop/patches.js';

export function describeStop(stop: RunStop): string {
  const how = stop.mode === 'afterStep' ? 'after the running steps finished' : 'at once';
  const why =
    stop.reason === 'cancelled'
      ? `cancelled by request: ${stop.message}`
      : stop.reason === 'guardrail'
        ? stop.message
        : `${stop.reason}${stop.limit ? ` (${stop.limit})` : ''}: ${stop.message}`;
  const next =
    stop.reason === 'budget'
      ? 'continueRun with a raised limit'
      : stop.reason === 'timeout'
        ? 'continueRun (a new time limit if need be)'
        : stop.reason === 'guardrail'
          ? 'continueRun once the guardrail allows it (the worker\'s guardrails changed)'
          : 'continueRun';
  return `${why} (stopped ${how}); continue it with ${next}`;
}

export class RunStopper {
  /** The stop in effect; undefined while the run goes on. */
  stop: RunStop | undefined;
  /** Runs recorded before this mechanism stop the way they always did (Temporal cancel only). */
  private readonly enabled: boolean;
  // A cancellable scope under a non-cancellable one: Temporal's cancel does not reach the steps, this class's cancel() does.
  private readonly scope = new CancellationScope({ cancellable: true, parent: new CancellationScope({ cancellable: false }) });
  private request: StopRequest | undefined;
  private cancelRequested = false;
  private fresh: Usage = NO_USAGE;

  constructor(
    private readonly input: RunInput,
    /** Told when a stop takes effect (the run is stopping, its steps may still be finishing). */
    private readonly onStopping: (stop: RunStop) => void,
  ) {
    this.enabled = patched(PATCHES.stopAndSteer.id);
    setHandler(stopSignal, (request) => {
      this.request = request;
      // A second, harder cancel of a run already stopping after its step: cut the running steps now.
      if (this.cancelRequested && request.mode === 'now' && this.stop) this.take({ ...this.stop, mode: 'now' });
    });
    if (!this.enabled) {
      // Runs recorded before: Temporal's cancel cuts the steps itself, so it is what hurries their heartbeats.
      CancellationScope.current().cancelRequested.catch(() => cancelSinks.durableAgentCancel.requested());
      return;
    }
    CancellationScope.current().cancelRequested.catch(() => {
      this.cancelRequested = true;
      this.take(stopOfCancel(this.request));
    });
    const limit = timeLimit(input.limits, input.seed?.elapsedMs ?? 0);
    // Workflow time: a durable timer, which a time-skipping test server skips.
    if (limit) void CancellationScope.nonCancellable(() => sleep(limit.afterMs)).then(() => this.take(limit.stop));
  }

  /** Runs the loop's steps where only a stop cancels them. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.enabled ? this.scope.run(fn) : fn();
  }

  get stopping(): boolean {
    return this.stop !== undefined;
  }

  /** Usage of a model call this execution made (earlier executions' comes with the seed). */
  addUsage(usage: Usage): void {
    this.fresh = addUsage(this.fresh, usage);
  }

  /** Usage of the whole run so far: the earlier executions' and this one's model calls. */
  get usage(): Usage {
    return addUsage(this.input.seed?.usage ?? NO_USAGE, this.fresh);
  }

  /** What the run's money budget has left, for the next model call to keep (nothing without limits.maxCostUsd). */
  moneyLeft(): { budgetUsd?: number } {
    const max = this.input.limits?.maxCostUsd;
    return max === undefined ? {} : { budgetUsd: Math.max(0, roundUsd(max - this.spentUsd())) };
  }

  /** US dollars the run's model calls cost so far (earlier executions' comes with the seed's usage). */
  private spentUsd(): number {
    return this.usage.costUsd ?? 0;
  }

  /**
   * A step ended in a stop of its own (a guardrail's block, a call cut by the money budget: loop/step-stops.ts) after
   * the loop's steps settled: the run stops with it. False for runs recorded before this mechanism.
   */
  halt(stop: RunStop): boolean {
    if (!this.enabled) return false;
    this.take(stop);
    return true;
  }

  /** Before the loop starts `nextSteps` new steps (`steps` planned so far): throws a cancellation if the run stops here. */
  beforeNewSteps(steps: number, nextSteps: number): void {
    if (!this.enabled) return;
    const budget = budgetExceeded(this.input.limits, { usage: this.usage, steps }, nextSteps);
    if (budget) this.take(budget);
    if (this.stop) throw new CancelledFailure(`stopped: ${this.stop.message}`);
  }

  /** What the run closes with after a cancellation: Temporal's own (CANCELED) if it was asked, else RunStoppedError. */
  closing(err: unknown): unknown {
    const { stop } = this;
    if (!this.enabled || !stop) return err;
    upsertMemo({ stop });
    if (this.cancelRequested) return err;
    return ApplicationFailure.create({
      type: FailureTypes.runStopped,
      message: `Run ${workflowInfo().workflowId} stopped: ${describeStop(stop)}`,
      nonRetryable: true,
      details: [stop],
    });
  }

  private take(stop: RunStop): void {
    const escalates = this.stop?.mode === 'afterStep' && stop.mode === 'now';
    if (this.stop && !escalates) return;
    this.stop = escalates ? { ...this.stop!, mode: 'now' } : stop;
    this.onStopping(this.stop);
    if (this.stop.mode === 'now') {
      // Tool steps heartbeat slowly until their worker hears that they are cut (cancel-sink.ts): this is where they are,
      // whatever stopped the run (a cancel, an interrupt, the time limit). An after-step stop cuts nothing.
      cancelSinks.durableAgentCancel.requested();
      this.scope.cancel();
    }
  }
}
