// The money budget inside a model call: the running cost of the call as it streams, checked against what the run has
// left (ModelCallInput.budgetUsd) after every stream event, so a call that would pass the budget is cut then, not after
// it. Anthropic reports input tokens at message_start and output tokens only at the end (message_delta), so while the
// answer streams its output tokens are estimated from the characters streamed so far (about four a token); a call cut
// this way records that estimate as its output tokens. AI SDK providers report usage only at the end: their input
// cost is unknown until then, and only the estimated output is counted.
import { ApplicationFailure } from '@temporalio/common';
import { FailureTypes, type ModelCallProgress, type Usage } from '../core/types.js';
import { costOf, priceOf, type ModelPrice, type PriceTable } from '../models/prices.js';

/** Characters a token of streamed output is taken to be while the provider has not counted it. */
export const CHARS_PER_TOKEN = 4;

/** Why the call's request was aborted: its cost passed the budget. */
export class CostBudgetCut extends Error {
  override name = 'CostBudgetCut';
}

/** The price of a recorded model id (`claude-…`, `<provider>/<model>`): its own entry, else the model's without the provider. */
export function priceOfModel(prices: PriceTable, model: string): ModelPrice | undefined {
  const slash = model.indexOf('/');
  return priceOf(prices, model) ?? (slash > 0 ? priceOf(prices, model.slice(slash + 1)) : undefined);
}

export class CostMeter {
  private outputChars = 0;

  constructor(
    private readonly price: ModelPrice | undefined,
    private readonly budgetUsd: number | undefined,
    private readonly progress: ModelCallProgress,
    private readonly cut: (reason: CostBudgetCut) => void,
  ) {}

  /** A run with a money budget cannot run a model the table has no price for: the failure says what to add. */
  static forCall(prices: PriceTable, model: string, budgetUsd: number | undefined, progress: ModelCallProgress, cut: (reason: CostBudgetCut) => void): CostMeter {
    const price = priceOfModel(prices, model);
    if (budgetUsd !== undefined && !price) {
      throw ApplicationFailure.create({
        type: FailureTypes.modelPriceUnknown,
        message: `The run has a money budget (limits.maxCostUsd) but the worker has no price for ${model}: add it with createWorker({ prices: { '${model}': { inputPerMTok, outputPerMTok } } }).`,
        nonRetryable: true,
      });
    }
    return new CostMeter(price, budgetUsd, progress, cut);
  }

  /** Output streamed (text, tool input JSON, thinking): counted toward the estimate of output tokens. */
  output(chars: number): void {
    this.outputChars += chars;
  }

  /** The call's usage so far: as reported, its output tokens at least the estimate of what streamed. */
  usageSoFar(): Usage {
    const { usage } = this.progress;
    const estimated = Math.ceil(this.outputChars / CHARS_PER_TOKEN);
    return { ...usage, outputTokens: Math.max(usage.outputTokens, estimated) };
  }

  /** After each stream event: cuts the call once its cost so far passes the budget. */
  check(): void {
    if (this.budgetUsd === undefined || !this.price) return;
    const spent = costOf(this.price, this.usageSoFar());
    if (spent > this.budgetUsd) this.cut(new CostBudgetCut(`its cost so far, $${spent.toFixed(6)}, passed the $${this.budgetUsd.toFixed(6)} left of the run's budget`));
  }

  /** The usage with its cost (unchanged when the model has no price). */
  priced(usage: Usage): Usage {
    return this.price ? { ...usage, costUsd: costOf(this.price, usage) } : usage;
  }

  /** What a call cut by the budget throws: a `budget` stop for the loop, its partial usage (estimated output) as details. */
  exceeded(reason: CostBudgetCut): ApplicationFailure {
    const usage = this.priced(this.usageSoFar());
    const progress: ModelCallProgress = { ...this.progress, usage };
    return ApplicationFailure.create({
      type: FailureTypes.costBudgetExceeded,
      message: reason.message,
      nonRetryable: true,
      details: [progress],
    });
  }
}
