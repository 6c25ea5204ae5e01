// Builds the worker's activity implementations around its tools and its model providers.
import Anthropic from '@anthropic-ai/sdk';
import type { AgentActivities } from './contract.js';
import { createModelActivity } from './model-call.js';
import { createToolActivity } from './tool-call.js';
import { createUserInputCheck } from './human-resolution.js';
import { createGateDecision } from './gate-decision.js';
import { createToolResolution } from '../tools/tool-resolution.js';
import type { Tool } from '../tools/tool-definition.js';
import { ToolRegistry, type ToolSource } from '../tools/tool-registry.js';
import { TranscriptCache } from './transcript-cache.js';
import { activityToolImplementations } from '../tools/activity-tool.js';
import { planSubRunContinuation } from './sub-run-continuation.js';
import { DEFAULT_QUIET_HEARTBEAT_INTERVAL_MS, type CancelWatch } from './cancel-watch.js';
import { CLOUD_CLAUDE_PROVIDERS, ModelProviders, type ModelProvider } from '../models/providers.js';
import { readEnv } from '../config/env.js';
import type { Guardrail } from '../guardrails/guardrail.js';
import { GuardrailSet } from '../guardrails/guardrail-set.js';
import { DEFAULT_PRICES, type PriceTable } from '../models/prices.js';

/** How the worker reaches Anthropic's Messages API. */
export interface AnthropicSettings {
  /** Defaults to ANTHROPIC_API_KEY. Read on the worker only: it never enters a workflow payload. */
  apiKey?: string;
  /** Defaults to ANTHROPIC_BASE_URL, then the SDK's default. Point it at the fake server in tests. */
  baseURL?: string;
  /** A ready client; it should be built with maxRetries: 0 so Temporal's retry policy is the only one. */
  client?: Anthropic;
  /** Mark each request's stable prefix (tools, system, earlier turns) for Anthropic's prompt cache. Default true. */
  promptCaching?: boolean;
}

/**
 * The agent's part of a worker, as its activities see it: the first link of the options chain
 * (`AgentActivitySettings` ← `DurableAgentPluginOptions` ← `CreateWorkerOptions`), documented once here.
 */
export interface AgentActivitySettings {
  /**
   * The tools this worker can run, and the one source of their schema and policy. A run that names a tool missing here
   * fails with ToolNotRegisteredError, one whose client saw another version of a tool with ToolMismatchError; both
   * before the run's first model call.
   */
  tools?: Tool[];
  /**
   * Model providers by the name run model ids use (`<name>/<model>`), beside the built-in `anthropic`, `bedrock` and
   * `vertex`: a Vercel AI SDK provider (`{ openai: createOpenAI({ apiKey }) }`), a function from a model id to an AI SDK
   * model (`{ openai: (id) => openai.chat(id) }` for Chat Completions), or an Anthropic SDK client
   * (`{ bedrock: new AnthropicBedrock({ awsRegion }) }`). A run naming a provider missing here fails before its first
   * model call with ModelProviderNotRegisteredError. Provider objects and keys never enter a payload.
   */
  models?: Record<string, ModelProvider>;
  /** How the worker reaches Anthropic's Messages API (the `anthropic` provider). */
  anthropic?: AnthropicSettings;
  /** How often activities heartbeat (default DEFAULT_HEARTBEAT_INTERVAL_MS, 200 ms); bounds how long a cancel takes to reach a running call. */
  heartbeatIntervalMs?: number;
  /**
   * How often a tool step heartbeats while nobody asked to cancel its run (default 2 s, at most a quarter of its
   * heartbeat timeout). The run's workflow reports a cancel request to its worker (a sink), whose tool steps of that
   * run then heartbeat at once and every `heartbeatIntervalMs`, which is what carries the cancel to them
   * (src/activities/cancel-watch.ts).
   */
  quietHeartbeatIntervalMs?: number;
  /** How long a model's response stream may stay silent before the call fails as a lost connection (default 60 s). */
  streamIdleTimeoutMs?: number;
  /**
   * Checks on each step's text where it crosses a boundary (src/guardrails/): allow, block (the run stops, continuable,
   * reason `guardrail`) or rewrite (e.g. piiRedaction(); the rewritten text is what the model gets and the step
   * records). Every run on this worker goes through all of them unless its task names the ones it wants
   * (Task({ guardrails })).
   */
  guardrails?: Guardrail[];
  /**
   * Model prices in US dollars per million tokens, over the built-in table (DEFAULT_PRICES): each call's usage is
   * priced (Usage.costUsd) and a run's money budget (limits.maxCostUsd) kept with them.
   */
  prices?: PriceTable;
}

/** What createActivities takes: the settings, and what the plugin builds from its own options. */
export interface ActivityOptions extends AgentActivitySettings {
  /** Tools looked up at each use, e.g. MCP servers' (McpToolServer). */
  toolSources?: ToolSource[];
  /**
   * Tool steps heartbeat every `quietHeartbeatIntervalMs` until the workflow reports a cancel request through this
   * watch's sinks, then every `heartbeatIntervalMs`. Without a watch they heartbeat every `heartbeatIntervalMs`
   * throughout.
   */
  cancelWatch?: CancelWatch;
}

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 200;
const AGENT_ACTIVITY_TYPES = ['callModel', 'callTool', 'resolveTools', 'checkUserInput', 'decideGate', 'planSubRunContinuation'] as const satisfies ReadonlyArray<keyof AgentActivities>;

export function createActivities(options: ActivityOptions = {}): AgentActivities {
  const registry = new ToolRegistry(options.tools ?? [], options.toolSources ?? []);
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
  let client = options.anthropic?.client;
  const anthropic = (): Anthropic => {
    client ??= new Anthropic({
      apiKey: options.anthropic?.apiKey ?? readEnv('ANTHROPIC_API_KEY') ?? null,
      baseURL: options.anthropic?.baseURL ?? readEnv('ANTHROPIC_BASE_URL') ?? null,
      maxRetries: 0,
    });
    return client;
  };
  // activityTools' own functions, under their activity types (the loop schedules them as the tools' steps).
  const toolActivities = activityToolImplementations(registry.all());
  const taken = Object.keys(toolActivities).filter((type) => (AGENT_ACTIVITY_TYPES as readonly string[]).includes(type));
  if (taken.length) throw new TypeError(`activityTool activity types ${taken.join(', ')} are durable-agent's own: give them another activityType.`);
  const transcripts = new TranscriptCache();
  const guardrails = new GuardrailSet(options.guardrails ?? []);
  return {
    ...toolActivities,
    callModel: createModelActivity({
      providers: new ModelProviders(options.models ?? {}, { anthropic: async () => anthropic(), ...CLOUD_CLAUDE_PROVIDERS }),
      registry,
      transcripts,
      heartbeatIntervalMs,
      streamIdleTimeoutMs: options.streamIdleTimeoutMs ?? 60_000,
      promptCaching: options.anthropic?.promptCaching ?? true,
      guardrails,
      prices: { ...DEFAULT_PRICES, ...options.prices },
    }),
    callTool: createToolActivity(
      registry,
      heartbeatIntervalMs,
      transcripts,
      options.cancelWatch ? { watch: options.cancelWatch, intervalMs: options.quietHeartbeatIntervalMs ?? DEFAULT_QUIET_HEARTBEAT_INTERVAL_MS } : undefined,
      guardrails,
    ),
    resolveTools: createToolResolution(registry),
    checkUserInput: createUserInputCheck(registry),
    decideGate: createGateDecision(registry),
    planSubRunContinuation,
  };
}

export { tool, sleep, isTool } from '../tools/tool-definition.js';
export type { GateContext, GatePolicy, HumanGate, Tool, ToolContext, ToolOptions } from '../tools/tool-definition.js';
