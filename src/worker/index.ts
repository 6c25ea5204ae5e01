/**
 * `durable-agent/worker`: what a worker process imports to run agent runs: `createWorker` (a ready Temporal worker),
 * `DurableAgentPlugin` (the agent's workflow and activities in a worker of your own), `shutdownOnSignals`, and the
 * workflow interceptor modules a bundle of the agent's workflow carries. It loads `@temporalio/worker` and its native
 * core bridge; clients import `durable-agent`, which does not.
 *
 * @module durable-agent/worker
 */
export { createWorker, type CreateWorkerOptions } from './create-worker.js';
export { DurableAgentPlugin, type DurableAgentPluginOptions } from './plugin.js';
export { workflowInterceptorModules } from './workflow-source.js';
export { DEFAULT_SHUTDOWN_SIGNALS, shutdownOnSignals, type ShutdownOnSignalsOptions } from './graceful-shutdown.js';
export type { AgentActivitySettings, AnthropicSettings } from '../activities/index.js';
export type { ModelProvider, LanguageModelProvider, MessagesClient } from '../models/providers.js';
export type { Guardrail, GuardrailContext, GuardrailVerdict } from '../guardrails/guardrail.js';
export { piiRedaction, redactPii, type PiiRedactionOptions } from '../guardrails/pii-redaction.js';
export { outputBlocklist, type OutputBlocklistOptions } from '../guardrails/output-blocklist.js';
export { DEFAULT_PRICES, priceOf, costOf, type ModelPrice, type PriceTable } from '../models/prices.js';
