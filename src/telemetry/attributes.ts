// Span attribute and metric names, in one place: OpenTelemetry's GenAI semantic conventions for the model and tool
// steps, and durable-agent's own for the run. Pure data: imported by workflow code (the sandbox) and the worker.

/** GenAI semantic conventions (https://opentelemetry.io/docs/specs/semconv/gen-ai/). */
export const GenAiAttributes = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  /** The older name of the provider attribute; still what many backends group by. */
  system: 'gen_ai.system',
  requestModel: 'gen_ai.request.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  responseModel: 'gen_ai.response.model',
  finishReasons: 'gen_ai.response.finish_reasons',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  cacheCreationInputTokens: 'gen_ai.usage.cache_creation.input_tokens',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolType: 'gen_ai.tool.type',
  conversationId: 'gen_ai.conversation.id',
  errorType: 'error.type',
} as const;

/** durable-agent's own attributes on the run's and the steps' spans. */
export const AgentAttributes = {
  runId: 'durable_agent.run_id',
  sessionId: 'durable_agent.session_id',
  userId: 'durable_agent.user_id',
  /** 1 for a run's first execution, 2 for its first continuation, ... */
  execution: 'durable_agent.execution',
  executionRunId: 'durable_agent.execution_run_id',
  continuedFrom: 'durable_agent.continued_from',
  stepIndex: 'durable_agent.step.index',
  activityId: 'durable_agent.step.activity_id',
  stepStatus: 'durable_agent.step.status',
  stepsDone: 'durable_agent.steps_done',
  /** A model step's cost in US dollars (Usage.costUsd), by the worker's price table. */
  costUsd: 'durable_agent.cost_usd',
  /** The guardrails that rewrote a step's text, by name (comma-separated). */
  guardrails: 'durable_agent.guardrails',
} as const;

/** Span events of a run. */
export const AgentEvents = {
  continued: 'durable_agent.run.continued',
  cancelRequested: 'durable_agent.run.cancel_requested',
  stepCancelled: 'durable_agent.step.cancelled',
} as const;

/** The span of the whole execution: the root of the execution's trace. */
export const EXECUTION_SPAN_NAME = 'durable-agent execution';

/**
 * The agent's Prometheus metrics (exported by the worker's Temporal runtime next to Temporal's own; the exporter may
 * add a `_total` suffix to counters and a unit suffix to histograms, as configured).
 */
export const AgentMetrics = {
  /** Counter; tags `model`, `kind` (input | output | cache_read | cache_creation). */
  tokens: 'durable_agent_tokens',
  /** Counter; tags `kind` (model | tool), `outcome` (completed | cancelled | error). */
  steps: 'durable_agent_steps',
  /** Counter: runs (executions) that closed cancelled. */
  cancels: 'durable_agent_cancels',
  /** Histogram, milliseconds: from the workflow task that saw a cancel request to the one that closed the run. */
  cancelToStop: 'durable_agent_cancel_to_stop',
  /** Histogram, milliseconds; tags `tool`, `outcome` (ok | error | cancelled). */
  toolDuration: 'durable_agent_tool_duration',
  /** Histogram, US dollars: each model call's cost; tags `model`. Its `_sum` is the spend. */
  cost: 'durable_agent_cost_usd',
  /** Counter; tags `guardrail`, `stage`, `action` (rewrite | block). */
  guardrails: 'durable_agent_guardrail_actions',
} as const;

/** Bucket bounds (ms) for the two latency histograms: a cancel takes ~0.1–1 s, tools anything up to minutes. */
export const HISTOGRAM_BUCKETS: Record<string, number[]> = {
  [AgentMetrics.cancelToStop]: [10, 25, 50, 100, 200, 300, 500, 750, 1000, 2000, 5000, 10000],
  [AgentMetrics.toolDuration]: [1, 5, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000],
  [AgentMetrics.cost]: [0.0001, 0.001, 0.01, 0.05, 0.1, 0.5, 1, 5],
};
