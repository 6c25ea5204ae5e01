/**
 * durable-agent's client entry: `Agent`, `Task` and `tool()` to run agents, `cancelRun` and the other run controls,
 * streaming, the payload codecs, the typed errors and the types that cross a boundary. It loads no
 * `@temporalio/worker` (no native core bridge), so a web handler or a script that only starts and cancels runs stays
 * light; the worker is `durable-agent/worker` (`createWorker`, `DurableAgentPlugin`), workflow code imports
 * `durable-agent/workflow`, tests `durable-agent/testing`.
 *
 * @module durable-agent
 */
export {
  Agent,
  type AgentOptions,
  type RunRef,
  type ContinueRunRequest,
  type AnswerRunRequest,
  type ForkRunRequest,
  type InterruptRunRequest,
  type RunCallOptions,
  type ContinueTarget,
  type RunHandle,
} from './client/agent.js';
export { Task } from './client/task.js';
export { type TaskOptions } from './task/task-options.js';
export type { ForkEdit } from './history/fork-edit.js';
export { readSession, type SessionRun, type SessionView } from './client/session-memory.js';
export { DEFAULT_MEMORY_MAX_BYTES, type MemoryOptions } from './task/memory-options.js';
export { cancelRun, getRunOutput, getLiveSteps, type CancelOptions } from './client/run-control.js';
export { listRuns, countRuns, runQuery, type ListRunsOptions, type RunFilter, type RunListEntry, type RunListPage } from './client/run-list.js';
export { bulkCancel, bulkContinue, type BulkOptions, type BulkResult } from './client/bulk-actions.js';
export { streamRun, type StreamOptions } from './client/run-stream.js';
export { startRunEventsServer, type RunEventsServer, type RunEventsServerOptions } from './server/run-events-server.js';
export type { ListeningServer } from './server/http/listen.js';
export { closeConnections, type ConnectionOptions } from './client/connection.js';
export {
  DurableAgentError,
  RunNotFoundError,
  RunStillRunningError,
  RunAlreadyCompletedError,
  RunNotRunningError,
  TaskNotRunError,
  RunPausedError,
  RunNotPausedError,
  InvalidRequirementError,
  InvalidForkError,
  InvalidForkEditError,
  RunTooLargeToContinueError,
  InvalidRunIdError,
  RunEncryptedError,
  RunCompressedError,
  ConnectionConfigError,
  ConnectionFailedError,
  PluginRegisteredTwiceError,
} from './core/errors.js';
export { tool, sleep, type GateContext, type GatePolicy, type HumanGate, type Tool, type ToolContext, type ToolOptions } from './activities/index.js';
export { toolFingerprint } from './tools/tool-fingerprint.js';
export { idempotencyHeaders } from './tools/idempotency.js';
export { activityTool, type ActivityToolOptions, type ActivityToolOptionsSpec } from './tools/activity-tool.js';
export { agentTool, type AgentToolOptions } from './tools/agent-tool.js';
export {
  connectMcpServer,
  McpToolServer,
  McpToolError,
  McpServerUnavailableError,
  type McpServerConfig,
  type McpServerOptions,
} from './tools/mcp-tools.js';
export { ToolUnavailableError } from './tools/tool-unavailable.js';
export type { FallbackModels } from './core/types.js';
export { InvalidModelIdError, modelRoute, type ModelRoute } from './core/model-id.js';
export { AesGcmCodec, encryptedDataConverter, codecFromEnv, PayloadDecryptionError } from './codec/aes-gcm-codec.js';
export { ZlibCodec, compressionFromEnv, PayloadDecompressionError, ZLIB_ENCODING, type ZlibCodecOptions } from './codec/zlib-codec.js';
export { CodecChain } from './codec/codec-chain.js';
export { dataConverterFromEnv } from './codec/env-codecs.js';
export { startCodecServer, type CodecServer, type CodecServerOptions } from './server/codec-server.js';
export {
  RunStatus,
  FailureTypes,
  SEARCH_ATTRIBUTES,
  DEFAULT_TASK_QUEUE,
  WORKFLOW_TYPE,
  type RunInput as AgentRunInput,
  type AgentRunResult,
  type TaskSpec,
  type OutputSpec,
  type ToolRef,
  type ToolPolicy,
  type ResolvedTool,
  type ActivityToolSpec,
  type AgentToolSpec,
  type ContinuationSeed,
  type RunOutput,
  type StepResult,
  type StepStatus,
  type Usage,
  type RunError,
  type MessageParam,
  type Requirement,
  type RequirementKind,
  type RequirementResolution,
  type StreamEvent,
  type StepTimeouts,
  type SessionMemory,
  type RunLimits,
  type RunStop,
  type StopMode,
  type StopReason,
  type BudgetLimit,
  type ContextSpec,
  type ContextStrategy,
  type StepContext,
  type GuardrailStage,
  type GuardrailNote,
  type GuardrailBlock,
  type RunWarning,
  type ConversationSnapshot,
  type SnapshotResult,
  type ContextWindowState,
} from './core/types.js';
export { INTERRUPTED_RESULT } from './history/redirect.js';
