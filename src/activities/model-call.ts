// The model activity: one streamed model call, whichever provider the run's model id names (src/models/providers.ts).
// It heartbeats on a timer, aborts the HTTP request when Temporal cancels it, and reports the partial text (and usage,
// where the provider streams it) when it is cut. With fallback models, the attempts past the first model's share go to
// the next model in the list (src/models/fallbacks.ts).
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { FailureTypes, type GuardrailBlock, type ModelCallInput, type ModelCallProgress, type ModelCallResult, type ModelCallSettings } from '../core/types.js';
import { startHeartbeatLoop, whenAborted } from './heartbeat-loop.js';
import { stepStopped } from './step-stopped.js';
import { recordCost, recordGuardrails, recordTokens } from './agent-metrics.js';
import { classifyModelError, ModelStreamStalledError } from './model-errors.js';
import type { ToolRegistry } from '../tools/tool-registry.js';
import type { TranscriptCache } from './transcript-cache.js';
import { checkOutput } from './output-check.js';
import { textOf } from '../workflows/conversation.js';
import { cacheField, cacheTokensOf } from '../workflows/model-result.js';
import type { ModelProviders } from '../models/providers.js';
import type { ModelAnswer, ModelCallRequest, ModelCallSink } from '../models/model-call-request.js';
import { streamMessages } from '../models/anthropic-messages.js';
import { streamLanguageModel } from '../models/ai-sdk-call.js';
import { classifyProviderError } from '../models/ai-sdk-errors.js';
import { modelForAttempt } from '../models/fallbacks.js';
import type { PriceTable } from '../models/prices.js';
import type { GuardrailSet } from '../guardrails/guardrail-set.js';
import { CostBudgetCut, CostMeter } from './cost-meter.js';
import { compactedTranscript } from '../workflows/context-window.js';

export interface ModelActivityDeps {
  providers: ModelProviders;
  registry: ToolRegistry;
  transcripts: TranscriptCache;
  heartbeatIntervalMs: number;
  /** A stream silent for this long is abandoned and retried: a hung connection must not hold the step forever. */
  streamIdleTimeoutMs: number;
  /** Mark the stable prefix of each Messages API request for Anthropic's prompt cache (src/activities/prompt-cache.ts). */
  promptCaching: boolean;
  /** The worker's guardrails (src/guardrails/): what leaves for the model and what it answers go through them. */
  guardrails: GuardrailSet;
  /** What each model's tokens cost (src/models/prices.ts): every call's usage is priced, and a money budget kept. */
  prices: PriceTable;
}

export function createModelActivity(deps: ModelActivityDeps) {
  return async function callModel(input: ModelCallInput): Promise<ModelCallResult> {
    const ctx = Context.current();
    const progress: ModelCallProgress = { partialText: '', usage: { inputTokens: 0, outputTokens: 0 }, events: 0, attempt: ctx.info.attempt };
    // Heartbeat from the start: a worker that lacks the transcript asks the workflow for it (a query the worker answers
    // by replaying the run), which can outlast a short heartbeat timeout on a worker that has just started.
    const loop = startHeartbeatLoop(deps.heartbeatIntervalMs, () => progress);
    let idleCheck: NodeJS.Timeout | undefined;
    let model = input.model;
    let classify = (err: unknown) => classifyModelError(err);
    let meter: CostMeter | undefined;
    try {
      const [runSettings, transcript] = await Promise.race([Promise.all([deps.transcripts.settingsOf(input), deps.transcripts.resolve(input)]), whenAborted(loop.signal)]);
      // What the loop decided to send of the transcript (Task `context`); a summarisation step asks for plain text.
      const messages = compactedTranscript(transcript, input.context);
      const summarizing = input.context?.summarize !== undefined;
      const { output: _output, ...plain } = runSettings;
      const settings: ModelCallSettings = summarizing ? plain : runSettings;
      model = modelForAttempt(settings, ctx.info.attempt);
      if (model !== settings.model) progress.model = model;
      const backend = await deps.providers.backend(model, ctx.info.taskQueue);
      const what = backend.kind === 'messages' && backend.provider === 'anthropic' ? 'Anthropic API' : `${backend.provider} (${model})`;
      classify = backend.kind === 'messages' ? (err) => classifyModelError(err, what) : (err) => classifyProviderError(err, what);
      let lastEventAt = Date.now();
      idleCheck = setInterval(() => {
        if (Date.now() - lastEventAt > deps.streamIdleTimeoutMs) {
          loop.abort(new ModelStreamStalledError(`no stream event for ${deps.streamIdleTimeoutMs} ms`));
        }
      }, Math.min(1000, deps.streamIdleTimeoutMs));
      const cost = CostMeter.forCall(deps.prices, model, input.budgetUsd, progress, (reason) => loop.abort(reason));
      meter = cost;
      const sink: ModelCallSink = {
        progress,
        output: (chars) => cost.output(chars),
        touch: () => {
          lastEventAt = Date.now();
          cost.check();
        },
      };
      const where = { runId: ctx.info.workflowExecution?.workflowId ?? '', stepIndex: input.stepIndex, model };
      const guardrails = deps.guardrails.select(settings.guardrails);
      const guardedInput = await guardrails.modelInput(settings.system, messages, where);
      const tools = settings.toolNames.map((name) => {
        const tool = deps.registry.require(name);
        return { name: tool.name, description: tool.description, inputSchema: tool.inputSchema };
      });
      const { system, messages: sent } = guardedInput.value;
      const request: ModelCallRequest = {
        settings: system === settings.system ? settings : { ...settings, system },
        model: backend.kind === 'messages' ? backend.model : backend.model.modelId,
        messages: sent,
        tools,
        signal: loop.signal,
      };
      const answer: ModelAnswer =
        backend.kind === 'messages'
          ? await streamMessages(backend.provider, backend.client, request, sink, { promptCaching: deps.promptCaching })
          : await streamLanguageModel(backend.provider, backend.model, request, sink);
      // What the model answered, as the guardrails let it through: what the step records and the transcript keeps.
      const guardedOutput = await guardrails.modelOutput(answer.content, where);
      const content = guardedOutput.value;
      const usage = cost.priced(answer.usage);
      const notes = [...guardedInput.notes, ...guardedOutput.notes];
      // A summary is not a turn of the conversation: the transcript the worker keeps does not get it.
      if (!summarizing) deps.transcripts.append(input, { role: 'assistant', content });
      const { output } = settings;
      const result: ModelCallResult = {
        content,
        stopReason: answer.stopReason,
        usage,
        model: answer.model,
        // Cache tokens are in usage already; `cache` only tells that the API reported them as zero.
        ...cacheField(usage, answer.cacheReported),
        // A final answer (no tool call) of a task with an output schema: the worker checks it, the loop acts on it.
        ...(output && !content.some((b) => b.type === 'tool_use') ? { output: checkOutput(textOf(content), output.schema) } : {}),
        ...(notes.length ? { guardrails: notes } : {}),
      };
      recordTokens(answer.model, result.usage, cacheTokensOf(result));
      recordCost(answer.model, result.usage);
      recordGuardrails(notes);
      return result;
    } catch (err) {
      if (ctx.cancellationSignal.aborted) {
        // A cut call counts what it had used, priced (unless its provider had not reported usage yet).
        if (meter && progress.usageReported !== false) progress.usage = meter.priced(progress.usage);
        recordTokens(model ?? 'unknown', progress.usage);
        recordCost(model ?? 'unknown', progress.usage);
        throw stepStopped('model call', progress, ctx);
      }
      const reason: unknown = loop.signal.aborted ? loop.signal.reason : err;
      if (reason instanceof CostBudgetCut && meter) {
        const failure = meter.exceeded(reason);
        const cut = (failure.details?.[0] as ModelCallProgress).usage;
        recordTokens(model ?? 'unknown', cut);
        recordCost(model ?? 'unknown', cut);
        throw failure;
      }
      // A guardrail's block of the answer: the call was made and paid for, so its usage goes with the block (its text,
      // blocked, does not).
      if (reason instanceof ApplicationFailure && reason.type === FailureTypes.guardrailBlocked && meter) {
        const usage = meter.priced(progress.usage);
        recordTokens(model ?? 'unknown', usage);
        recordCost(model ?? 'unknown', usage);
        const block = reason.details?.[0] as GuardrailBlock;
        recordGuardrails([], block);
        const details = [block, { ...progress, partialText: '', usage }];
        throw ApplicationFailure.create({ type: reason.type, message: reason.message, nonRetryable: true, details });
      }
      throw reason instanceof ModelStreamStalledError ? classifyModelError(reason) : classify(reason);
    } finally {
      clearInterval(idleCheck);
      loop.stop();
    }
  };
}
