// Builds the worker's activity implementations around its tools and its model providers.
import Anthropic from '@anthropic-ai/sdk';
import type { AgentActivities } from './contract.js';
import { createModelActivity } from './model-call.js';
import { createToolActivity } from './tool-call.js';
import { createUserInputCheck } from './human-resolution.js';
import { createToolResolution } from '../tools/tool-resolution.js';
import type { Tool } from '../tools/tool-definition.js';
import { ToolRegistry, type ToolSource } from '../tools/tool-registry.js';
import { TranscriptCache } from './transcript-cache.js';
import { activityToolImplementations } from '../tools/activity-tool.js';
import { planSubRunContinuation } from './sub-run-continuation.js';
import { DEFAULT_QUIET_HEARTBEAT_INTERVAL_MS, type CancelWatch } from './cancel-watch.js';
import { CLOUD_CLAUDE_PROVIDERS, ModelProviders, type ModelProvider } from '../models/providers.js';

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

export interface ActivityOptions {
  tools?: Tool[];
  /**
   * Model providers by the name run model ids use (`<name>/<model>`): Vercel AI SDK providers
   * (`{ openai: createOpenAI({ apiKey }) }`), functions from a model id to an AI SDK model
   * (`{ openai: (id) => openai.chat(id) }`) or Anthropic SDK clients (`{ bedrock: new AnthropicBedrock({ … }) }`).
   * Built in: `anthropic` (from `anthropic`), `bedrock` and `vertex` (Anthropic's SDKs, configured from the environment).
   */
  models?: Record<string, ModelProvider>;
  /** Tools looked up at each use, e.g. MCP servers' (McpToolServer). */
  toolSources?: ToolSource[];
  anthropic?: AnthropicSettings;
  heartbeatIntervalMs?: number;
  streamIdleTimeoutMs?: number;
  /**
   * Tool steps heartbeat every `quietHeartbeatIntervalMs` (default 2 s, at most a quarter of the heartbeat timeout)
   * until the workflow reports a cancel request through this watch's sinks, then every `heartbeatIntervalMs`.
   * Without a watch they heartbeat every `heartbeatIntervalMs` throughout.
   */
  cancelWatch?: CancelWatch;
  quietHeartbeatIntervalMs?: number;
}

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 200;
const AGENT_ACTIVITY_TYPES = ['callModel', 'callTool', 'resolveTools', 'checkUserInput', 'planSubRunContinuation'] as const satisfies ReadonlyArray<keyof AgentActivities>;

export function createActivities(options: ActivityOptions = {}): AgentActivities {
  const registry = new ToolRegistry(options.tools ?? [], options.toolSources ?? []);
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
  let client = options.anthropic?.client;
  const anthropic = (): Anthropic => {
    client ??= new Anthropic({
      apiKey: options.anthropic?.apiKey ?? process.env.ANTHROPIC_API_KEY ?? null,
      baseURL: options.anthropic?.baseURL ?? process.env.ANTHROPIC_BASE_URL ?? null,
      maxRetries: 0,
    });
    return client;
  };
  // activityTools' own functions, under their activity types (the loop schedules them as the tools' steps).
  const toolActivities = activityToolImplementations(registry.all());
  const taken = Object.keys(toolActivities).filter((type) => (AGENT_ACTIVITY_TYPES as readonly string[]).includes(type));
  if (taken.length) throw new TypeError(`activityTool activity types ${taken.join(', ')} are durable-agent's own: give them another activityType.`);
  const transcripts = new TranscriptCache();
  return {
    ...toolActivities,
    callModel: createModelActivity({
      providers: new ModelProviders(options.models ?? {}, { anthropic: async () => anthropic(), ...CLOUD_CLAUDE_PROVIDERS }),
      registry,
      transcripts,
      heartbeatIntervalMs,
      streamIdleTimeoutMs: options.streamIdleTimeoutMs ?? 60_000,
      promptCaching: options.anthropic?.promptCaching ?? true,
    }),
    callTool: createToolActivity(
      registry,
      heartbeatIntervalMs,
      transcripts,
      options.cancelWatch ? { watch: options.cancelWatch, intervalMs: options.quietHeartbeatIntervalMs ?? DEFAULT_QUIET_HEARTBEAT_INTERVAL_MS } : undefined,
    ),
    resolveTools: createToolResolution(registry),
    checkUserInput: createUserInputCheck(registry),
    planSubRunContinuation,
  };
}

export { tool, sleep, isTool } from '../tools/tool-definition.js';
export type { HumanGate, Tool, ToolContext, ToolOptions } from '../tools/tool-definition.js';
