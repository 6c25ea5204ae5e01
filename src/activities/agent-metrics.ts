// The agent's own metrics recorded by activities, through the activity's Temporal metric meter: they reach the same
// exporter as Temporal's runtime metrics (Prometheus with createWorker({ metricsPort })), tagged with the task queue.
import { Context } from '@temporalio/activity';
import { AgentMetrics } from '../telemetry/attributes.js';
import type { GuardrailNote, GuardrailStage, ModelCallResult, Usage } from '../core/types.js';

/** Tokens a model call used (a completed call, or what a cut one had used), by model and kind. */
export function recordTokens(model: string, usage: Usage, cache?: ModelCallResult['cache']): void {
  const counter = Context.current().metricMeter.createCounter(AgentMetrics.tokens, 'tokens', 'Model tokens by model and kind');
  const kinds: [string, number][] = [
    ['input', usage.inputTokens],
    ['output', usage.outputTokens],
    ['cache_read', cache?.readInputTokens ?? usage.cacheReadInputTokens ?? 0],
    ['cache_creation', cache?.creationInputTokens ?? usage.cacheCreationInputTokens ?? 0],
  ];
  for (const [kind, value] of kinds) if (value > 0) counter.add(value, { model, kind });
}

/** What a model call cost in US dollars (Usage.costUsd), by model: a histogram whose sum is the spend. */
export function recordCost(model: string, usage: Usage): void {
  if (usage.costUsd === undefined) return;
  Context.current().metricMeter.createHistogram(AgentMetrics.cost, 'float', 'USD', 'Model call cost by model').record(usage.costUsd, { model });
}

/** What guardrails did in a step: its rewrites (notes) and its block, by guardrail, stage and action. */
export function recordGuardrails(notes: GuardrailNote[], block?: { guardrail: string; stage: GuardrailStage }): void {
  if (!notes.length && !block) return;
  const counter = Context.current().metricMeter.createCounter(AgentMetrics.guardrails, 'actions', 'Guardrail rewrites and blocks by guardrail, stage and action');
  for (const note of notes) counter.add(1, { guardrail: note.guardrail, stage: note.stage, action: 'rewrite' });
  if (block) counter.add(1, { guardrail: block.guardrail, stage: block.stage, action: 'block' });
}

/** How long one tool call ran, by tool and outcome (ok, error: an error result the model sees, cancelled). */
export function recordToolDuration(tool: string, outcome: 'ok' | 'error' | 'cancelled', ms: number): void {
  Context.current()
    .metricMeter.createHistogram(AgentMetrics.toolDuration, 'int', 'ms', 'Tool call duration by tool and outcome')
    .record(Math.max(0, Math.round(ms)), { tool, outcome });
}
