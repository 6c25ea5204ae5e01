// Every type that crosses a boundary (client ⇄ workflow ⇄ activities ⇄ history) lives here, and nothing else:
// workflow code imports this module, so it must stay free of runtime dependencies.
import type { ContentBlockParam, MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { Duration, RetryPolicy } from '@temporalio/common';

export type { ContentBlockParam, MessageParam };

/** Attempts per model when a run has fallbacks and does not say: the model step's own retry policy (6). */
export const DEFAULT_ATTEMPTS_PER_MODEL = 6;

/** A run's fallback models (Agent({ fallbacks }), RunInput.fallbacks), as recorded model ids. */
export interface FallbackModels {
  models: string[];
  /** Attempts each model gets before the next one takes the step. Default DEFAULT_ATTEMPTS_PER_MODEL. */
  attemptsPerModel?: number;
}

/** Where a run stands. The values are the strings stored in the `DurableAgentStatus` search attribute. */
export const RunStatus = {
  running: 'running',
  completed: 'completed',
  paused: 'paused',
  cancelled: 'cancelled',
  error: 'error',
} as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

/** `running` only appears while an execution is open (live progress, `show` of a running run). */
export type StepStatus = 'completed' | 'cancelled' | 'error' | 'running';

/**
 * Tokens of a model call or a run. `inputTokens` are the input tokens billed at the base price; prompt-cache tokens are
 * counted apart (as Anthropic reports them), present when nonzero: read from the cache (0.1x the base input price) and
 * written to it (1.25x). All input of a call = inputTokens + cacheReadInputTokens + cacheCreationInputTokens.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
  /**
   * What these tokens cost in US dollars, by the worker's price table (src/models/prices.ts, overridable with
   * createWorker({ prices })); absent when the model has no price there. A call a budget cut counts what it had used.
   */
  costUsd?: number;
}

/** How the worker runs a tool: its own time limit, its attempts and its human gate. The worker's tool() is its source. */
export interface ToolPolicy {
  /** The tool's own time limit inside the activity; past it the tool is aborted and the model sees an error result. */
  timeoutMs?: number;
  /** Attempts of the tool activity for infrastructure failures (worker crash, heartbeat timeout). */
  maxAttempts?: number;
  /**
   * How long the tool's step may go without a heartbeat before Temporal takes its worker for dead and runs the step
   * again on another. Default: the task's `timeouts.heartbeatTimeoutMs`, else 3 s.
   */
  heartbeatTimeoutMs?: number;
  /** A human must act before the call runs: the run pauses until a Temporal update resolves it. */
  requires?: RequirementKind;
  /**
   * `true`: the gate applies only to the calls its policy picks (`human: { kind, when }`); the loop asks the worker
   * (the decideGate activity) for each call, and history records the decision.
   */
  conditional?: true;
  /**
   * `false`: a call cut mid-flight is not run again; the model is told it may or may not have taken effect
   * (`tool({ idempotent: false })`). Absent: the tool is safe to repeat.
   */
  idempotent?: false;
}

/**
 * A tool as a run names it. The worker is the one source of the tool's schema and policy: before its first model call
 * the run resolves its tools on the worker, and a `fingerprint` that differs from the worker's fails the run with
 * ToolMismatchError. `requires` is the gate the client saw (covered by the fingerprint), so readers of history know
 * which calls pause. Runs started before tools were resolved on the worker carry `timeoutMs` / `maxAttempts` here
 * and keep using them; in newer runs, policy fields given without a fingerprint must agree with the worker's.
 */
export interface ToolRef extends ToolPolicy {
  name: string;
  /**
   * What the client saw of the tool (toolFingerprint): four 8-hex sha256 digests joined by `.`, over its description,
   * JSON input schema, policy (timeoutMs, maxAttempts, heartbeatTimeoutMs) and human gate with its schema, so a mismatch says which differ.
   */
  fingerprint?: string;
  /** An agentTool whose inner agent (or its own agents) has human gates: the run can pause on its sub-run. */
  pausesInSubRun?: true;
}

// What a run learns from its worker about a tool that is Temporal itself: one of the user's activities (activityTool)
// or another agent (agentTool), built by the worker, scheduled by the loop, found again by the history reader.
/** activityTool(): the loop schedules `activityType` itself, with these options, as the tool's step. */
export interface ActivityToolSpec {
  /** The user's activity type (its name on the worker). */
  activityType: string;
  /** Default: the run's own task queue. */
  taskQueue?: string;
  /** Default: 30 minutes when neither this nor scheduleToCloseTimeout is set. */
  startToCloseTimeout?: Duration;
  scheduleToCloseTimeout?: Duration;
  scheduleToStartTimeout?: Duration;
  heartbeatTimeout?: Duration;
  /** Default: the tool steps' own (3 attempts, 1 s doubling to 30 s). The attempts' failures stay inside the step. */
  retry?: RetryPolicy;
}

/** agentTool(): the loop runs this agent as a child workflow whose final output is the tool result. */
export interface AgentToolSpec {
  /** Anthropic model id without the provider prefix; default the outer run's model. */
  model?: string;
  /** The inner run's task; its description is the `task` the model gives the tool. */
  task: Omit<TaskSpec, 'description'>;
  /** Default: the outer run's task queue. */
  taskQueue?: string;
}

/** The worker's answer for one tool of a run (the `resolveTools` activity): the policy the run uses. */
export interface ResolvedTool extends ToolPolicy {
  name: string;
  fingerprint: string;
  /** activityTool(): the loop schedules this user activity itself (ActivityToolSpec above). */
  activity?: ActivityToolSpec;
  /** agentTool(): the loop runs this agent as a child workflow, a sub-run. */
  agent?: AgentToolSpec;
}

/** `confirmation`: approve or reject; `userInput`: supply values; `externalExecution`: supply the result. */
export type RequirementKind = 'confirmation' | 'userInput' | 'externalExecution';

/** A gate's per-call decision (the decideGate activity): does this call wait for a human? */
export interface GateDecisionInput {
  toolName: string;
  toolUseId: string;
  input: unknown;
  runId: string;
  sessionId?: string;
  userId?: string;
}

/** A tool call the run is paused on. `id` is the model's tool_use id. */
export interface Requirement {
  id: string;
  kind: RequirementKind;
  stepIndex: number;
  activityId: string;
  toolName: string;
  toolInput: unknown;
  /**
   * Set when a sub-run waits (an agentTool call's inner agent, or its own sub-runs): that run's id. Answer it through
   * the outer run all the same (`answerRun({ runId: <outer run> })`): the answer reaches the run that waits.
   */
  runId?: string;
}

/** A human's answer to a Requirement, sent as a Temporal update from any process. */
export interface RequirementResolution {
  id: string;
  /** confirmation: true to run the call, false to reject it (the model is told, with `note`). */
  approve?: boolean;
  note?: string;
  /** userInput: values validated against the tool's `requiresUserInput` schema, merged into its input. */
  values?: Record<string, unknown>;
  /** externalExecution: the tool's result, computed outside the worker. */
  result?: unknown;
}

/**
 * Temporal timeouts of the run's steps (model and tool activities). Unset fields keep the defaults of
 * src/workflows/activity-options.ts.
 */
export interface StepTimeouts {
  /**
   * A step whose worker sends no heartbeat for this long is taken to be on a dead worker and retried on another one.
   * Default 3 s. Model steps heartbeat every 200 ms (createWorker's heartbeatIntervalMs), tool steps at least every
   * quarter of this; a tool's own `heartbeatTimeoutMs` wins for its steps.
   */
  heartbeatTimeoutMs?: number;
  /** Backstop on one attempt of a model call. Default 10 minutes. */
  modelCallTimeoutMs?: number;
  /** Backstop on one attempt of a tool call (each tool's own `timeoutMs` answers the model first). Default 30 minutes. */
  toolCallTimeoutMs?: number;
}

/**
 * A task as a run's input carries it (what `Task.toSpec()` makes); the input of `agentRun` started from any Temporal
 * client.
 */
export interface TaskSpec {
  description: string;
  tools: ToolRef[];
  system?: string;
  /** Upper bound on steps (model calls + tool calls) across all executions of the run. */
  maxSteps?: number;
  maxTokens?: number;
  timeouts?: StepTimeouts;
  /** The session's earlier conversation, put before the task (Task `memory`; src/client/session-memory.ts). */
  memory?: SessionMemory;
  /** The final answer must be JSON matching this schema (src/workflows/structured-output.ts). */
  output?: OutputSpec;
  /**
   * Continue as new (a new execution of the same run id, its history starting afresh) once an execution has run this
   * many steps; the run continues as new anyway when Temporal suggests it (history length or size).
   */
  continueAsNewEvery?: number;
  /** How the run keeps what it sends the model under a token budget (Task `context`; src/workflows/context-window.ts). */
  context?: ContextSpec;
  /**
   * The worker's guardrails this task's steps go through, by name (createWorker({ guardrails })). Default: all of the
   * worker's; `[]`: none.
   */
  guardrails?: string[];
}

/**
 * How a run shrinks what it sends the model once the next request would pass its token budget:
 * `clear-tool-results` replaces the content of older tool results with a short placeholder (the tool_use /
 * tool_result pairs stay); `summarize` runs a summarisation model turn (a `summarize` step of its own) and sends its
 * summary in place of the older turns; `off` sends the whole transcript every turn.
 */
export type ContextStrategy = 'clear-tool-results' | 'summarize' | 'off';

/** Task `context`: the token budget of each request and how to stay under it. */
export interface ContextSpec {
  /**
   * Estimated input tokens a request may have before the run compacts what it sends. Default: 80 % of what the model's
   * context window leaves after `maxTokens` (windows of known models; 128,000 tokens for others).
   */
  budgetTokens?: number;
  /** Default `clear-tool-results`. */
  strategy?: ContextStrategy;
  /**
   * `clear-tool-results`: the most recent turns whose tool results stay whole (default 2). `summarize`: the most recent
   * model turns sent as they are after the summary (default 2).
   */
  keepRecent?: number;
}

/**
 * What a model call sends in place of the whole transcript, decided by the loop (src/workflows/context-window.ts) and
 * applied by the worker to the transcript it resolved: the request is a pure function of the transcript and this, so
 * what was sent can be rebuilt from history, and a continuation or fork sends the same bytes.
 */
export interface ContextCompaction {
  /** The request's estimated input tokens after compaction. */
  estimatedTokens: number;
  /** The budget it was held to. */
  budgetTokens: number;
  /** Tool results whose content is replaced by a placeholder: the `results` ones in messages before `before`. */
  cleared?: { before: number; results: number };
  /**
   * The messages before `through` are sent as one user message holding `text` (the task and a summarisation step's
   * answer; `dropped`: the task and a note that they were left out, clear-tool-results' last resort).
   */
  summary?: { through: number; text: string; dropped?: boolean };
  /** Set on a summarisation step: the call asks the model to summarise the messages before `through`. */
  summarize?: { through: number };
}

/** How a model step's request was compacted (StepResult.context). */
export interface StepContext {
  /** The request's estimated input tokens, after compaction. */
  estimatedTokens: number;
  budgetTokens: number;
  /** Tool results sent as a placeholder. */
  clearedToolResults: number;
  /** Messages of the transcript sent as a summary (0 without one). */
  summarizedMessages: number;
  /** Older messages left out because the request passed the budget with every tool result cleared (clear-tool-results). */
  droppedMessages?: number;
}

/** What a run remembers of its session: the earlier runs' conversations, assembled by the client at start. */
export interface SessionMemory {
  sessionId: string;
  /** The earlier runs' messages, oldest run first; each run's ends with the model's answer (no open tool call). */
  messages: MessageParam[];
  /** The runs they come from, oldest first, and how many messages each gave. */
  runs: { runId: string; messages: number }[];
  /** Runs of the session left out, oldest first, and why (over the memory budget, no finished turn yet). */
  dropped: { runId: string; reason: string }[];
}

/**
 * Limits of a run (src/workflows/run-limits.ts), measured in workflow time and summed over its executions where they
 * say so. Hitting one stops the run like a cancel, continuable: `timeoutMs` stops it at once (reason `timeout`), a
 * budget stops it after the current step (reason `budget`, `limit` names which). A continuation can raise them.
 */
export interface RunLimits {
  /** Workflow time one execution may take from its start; each continuation gets its own. */
  timeoutMs?: number;
  /** Input tokens of every model call of the run, all executions together. */
  maxInputTokens?: number;
  /** Output tokens of every model call of the run, all executions together. */
  maxOutputTokens?: number;
  /** Steps (model + tool calls) of the run; unlike the task's maxSteps (an error), a resumable stop. */
  maxSteps?: number;
  /** Workflow time of the whole run, its executions together. */
  maxWallTimeMs?: number;
  /**
   * US dollars the run's model calls may cost, all executions together, priced by the worker's price table. Unlike the
   * token budgets it cuts the model call whose streamed usage crosses it (its partial usage counted), not only the
   * next step. A positive number, not necessarily whole.
   */
  maxCostUsd?: number;
}

/** Which limit of RunLimits a budget stop hit. */
export type BudgetLimit = 'inputTokens' | 'outputTokens' | 'steps' | 'wallTime' | 'costUsd';

/** `now`: running steps are cut; `afterStep`: running steps finish and keep their results, nothing new starts. */
export type StopMode = 'now' | 'afterStep';

/** Why a run stopped before its end: by request (cancelRun), its time limit, one of its budgets or a guardrail's block. */
export type StopReason = 'cancelled' | 'timeout' | 'budget' | 'guardrail';

/** How a stopped (continuable) run stopped: RunOutput.stop. */
export interface RunStop {
  reason: StopReason;
  mode: StopMode;
  /** Set for a budget stop. */
  limit?: BudgetLimit;
  /** Set for a guardrail stop: the guardrail that blocked, and where (GuardrailStage). */
  guardrail?: { name: string; stage: GuardrailStage };
  /** In words: the caller's reason for a cancel, or the limit that was hit. */
  message: string;
}

/**
 * Where a guardrail looks at a step's text: what leaves for the model (`modelInput`), what the model answers
 * (`modelOutput`), a tool call's input (`toolInput`) and its result (`toolOutput`).
 */
export type GuardrailStage = 'modelInput' | 'modelOutput' | 'toolInput' | 'toolOutput';

/** A guardrail rewrote a step's text (e.g. redacted it): what a step records of it (ModelCallResult, ToolCallResult). */
export interface GuardrailNote {
  guardrail: string;
  stage: GuardrailStage;
  /** In words, what it changed (e.g. `2 email addresses`): never the text it took out. */
  detail: string;
}

/** What a guardrail's block carries (the details of its GuardrailBlockedError): which one, where, why. */
export interface GuardrailBlock {
  guardrail: string;
  stage: GuardrailStage;
  reason: string;
}

/** What cancelRun sends the run (the `stop` signal) before it asks Temporal to cancel it. */
export interface StopRequest {
  mode: StopMode;
  reason?: string;
}

/** A task's structured output: the JSON Schema its final answer is checked against on the worker, and how often to ask for a fix. */
export interface OutputSpec {
  /** JSON Schema (draft 2020-12, from zod's toJSONSchema) of an object. */
  schema: Record<string, unknown>;
  /** Follow-up turns that ask the model to fix an answer that fails the schema, before the run fails with OutputValidationError. */
  maxRepairs: number;
}

/** The worker's check of a final answer against the task's output schema. */
export type OutputCheck = { valid: true; value: unknown } | { valid: false; problem: string };

/**
 * The input of the `agentRun` workflow (exported as `AgentRunInput`). `seed` and `forkedFrom` are written by continue
 * and fork: leave them out.
 */
export interface RunInput {
  task: TaskSpec;
  /** Time limit and budgets of the run (a continuation may carry raised ones). */
  limits?: RunLimits;
  /**
   * The model as runs record it: an Anthropic id without its prefix (`claude-sonnet-4-6`), any other provider's as
   * `<provider>/<model>` (`openai/gpt-5`); src/core/model-id.ts.
   */
  model: string;
  /** Models that take a model step when the run's model keeps failing with retryable errors (src/models/fallbacks.ts). */
  fallbacks?: FallbackModels;
  sessionId?: string;
  userId?: string;
  /** Upsert the DurableAgent* search attributes (the server must have them registered). */
  searchAttributes?: boolean;
  /** Present on a continuation: what the earlier executions already did. */
  seed?: ContinuationSeed;
  /** Present on a fork: the run and step it branched from. */
  forkedFrom?: { runId: string; executionRunId: string; fromStep: number };
}

/** An execution to start: the run id it runs under (its workflow id), the task queue, its input and its Web UI summary. */
export interface RunStart {
  runId: string;
  taskQueue: string;
  input: RunInput;
  summary: string;
}

/** What every model call of an execution asks with: the same for all of them (it comes from the run's input). */
export interface ModelCallSettings {
  model: string;
  maxTokens: number;
  system?: string;
  toolNames: string[];
  /** The task's output schema: the model is asked for JSON matching it, and a final answer is checked against it. */
  output?: { schema: Record<string, unknown> };
  /** Models that take the step when `model`'s attempts are used up by retryable failures (src/models/fallbacks.ts). */
  fallbacks?: FallbackModels;
  /** The task's guardrails by name (TaskSpec.guardrails); absent: all of the worker's. */
  guardrails?: string[];
}

/**
 * Since the lean-step-commands patch only the first model call of an execution carries its ModelCallSettings: the
 * worker keeps them, and one that lacks them asks the workflow (src/activities/transcript-cache.ts).
 */
export interface ModelCallInput extends Partial<ModelCallSettings> {
  /** Absent since the lean-step-commands patch: the activity's workflow id. */
  runId?: string;
  stepIndex: number;
  turn: number;
  /** The run's money budget left (RunLimits.maxCostUsd less what it spent): the call is cut when its cost passes it. */
  budgetUsd?: number;
  /**
   * Only the messages the worker has not been sent yet: the transcript is `base` earlier messages + `messages`.
   * Sending the whole transcript every turn would make history grow quadratically with the conversation.
   */
  transcript: {
    base: number;
    messages: MessageParam[];
    /**
     * tool_result blocks in `messages` sent without their content, because the tool step recorded it already: tool_use
     * id → that step's activity id and a digest of the content. The worker fills them in (src/activities/transcript-cache.ts).
     */
    recordedResults?: Record<string, RecordedResult>;
    /**
     * Lean commands: the user message of the tool results that answer the assistant message at `base - 1` is left out
     * (it would sit at `base`, before `messages`); these are the digests of its results, in the order of that message's
     * tool_use blocks. The worker rebuilds it from the results its tool steps returned (src/activities/transcript-cache.ts).
     */
    toolResults?: string[];
  };
  /** Set once the run compacts what it sends (Task `context`): how the transcript is shrunk for this call. */
  context?: ContextCompaction;
}

/** Where a tool result left out of a model call was recorded (see ModelCallInput.transcript). */
export interface RecordedResult {
  activityId: string;
  digest: string;
}

export interface ModelCallResult {
  content: ContentBlockParam[];
  stopReason: string | null;
  usage: Usage;
  model: string;
  /**
   * Prompt-cache tokens (input tokens read from / written to the cache), when the API reports them. Results since
   * usage carries them hold this only when both are zero (the API reported them, usage shows none); read both shapes
   * with cacheTokensOf (src/workflows/model-result.ts).
   */
  cache?: { readInputTokens: number; creationInputTokens: number };
  /** Set when the call had an output schema and the model ended its turn: the worker's check of the answer. */
  output?: OutputCheck;
  /** What guardrails rewrote in the request or the answer (the recorded content is the rewritten one). */
  guardrails?: GuardrailNote[];
}

/** What the model call reports when it is cut by a cancel (ActivityTaskCanceled details, last heartbeat). */
export interface ModelCallProgress {
  partialText: string;
  usage: Usage;
  /** False when the provider had not reported usage when the call was cut (AI SDK streams report it at the end): unknown, not zero. */
  usageReported?: false;
  /** The model of this attempt when it is not the run's own (a fallback model). */
  model?: string;
  events: number;
  /** The attempt that reported it: Temporal keeps the last heartbeat across attempts, so readers must check. */
  attempt?: number;
}

export interface ToolCallInput {
  /** Absent since the lean-step-commands patch: the activity's workflow id. */
  runId?: string;
  stepIndex: number;
  toolName: string;
  toolUseId: string;
  input: unknown;
  timeoutMs?: number;
  /** Set only when the model asked for a tool this run was not given: the activity answers with an error result. */
  availableTools?: string[];
  /** What a human decided for a tool that required it. */
  human?: RequirementResolution;
  /** The last progress a cancelled earlier execution of this call reported (ToolContext.checkpoint). */
  checkpoint?: unknown;
  /** The task's guardrails by name (TaskSpec.guardrails); absent: all of the worker's. */
  guardrails?: string[];
}

export interface ToolCallResult {
  /** What the model reads as the tool_result content. */
  content: string;
  isError: boolean;
  /** What guardrails rewrote in the tool's input or result (the recorded content is the rewritten one). */
  guardrails?: GuardrailNote[];
}

export type StepOutcome = { kind: 'model'; result: ModelCallResult } | { kind: 'tool'; result: ToolCallResult };

/**
 * What a continuation starts from, built from the earlier executions' history: the result of every completed step,
 * keyed by activity id, and what the run carries over (usage, steps, checkpoints, redirects).
 */
export interface ContinuationSeed {
  /** Result of every step completed by an earlier execution, keyed by its deterministic activity id. */
  completed: Record<string, StepOutcome>;
  /** Step results of the earlier executions, in order, so the continued output keeps them. */
  previousSteps: StepResult[];
  /** Usage of the earlier executions, including the partial usage of calls a cancel cut. */
  usage: Usage;
  /** How many executions came before this one. */
  executions: number;
  /** Temporal run id of the execution this one continues. */
  continuedFrom: string;
  /** The last progress of tool calls a cancel cut (their ToolContext.checkpoint when they run again), by activity id. */
  checkpoints?: Record<string, unknown>;
  /** Sub-runs (agentTool calls) an earlier execution started and did not see complete, by step activity id: continued, not restarted. */
  subRuns?: Record<string, string>;
  /** User messages added by continuations (redirects), each placed before the model step it precedes. */
  redirects?: Redirect[];
  /** Workflow time the earlier executions took, together (for RunLimits.maxWallTimeMs). */
  elapsedMs?: number;
  /**
   * Set once the run has continued as new: the conversation as it stood at that step boundary. The steps before it are
   * not in `completed` or `previousSteps` (which hold only later ones) but in the earlier executions' histories, where
   * the history reader finds them by following the chain of executions (src/history/read-execution.ts).
   */
  snapshot?: ConversationSnapshot;
}

/** The loop's conversation at a step boundary, carried across a continue-as-new instead of every step's result. */
export interface ConversationSnapshot {
  /** The transcript so far (the session's memory first, as the run started with it). */
  messages: MessageParam[];
  /** Steps planned so far: the index of the next step. */
  steps: number;
  /** Model turns so far. */
  turns: number;
  /** Repair turns taken so far (tasks with an output schema). */
  repairs: number;
  /** Temporal run id of the execution that continued as new: it and the ones before it hold the steps before `steps`. */
  from: string;
  /**
   * Tool results the snapshot refers to instead of carrying them (their tool_result blocks in `messages` have no
   * `content`), by tool_use id: each is recorded once, as its tool step's result, in the execution named.
   */
  results?: Record<string, SnapshotResult>;
  /** The context management in effect at the boundary (the compaction and its calibration), so the requests go on alike. */
  context?: ContextWindowState;
}

/** What a run's context management has decided so far (src/workflows/context-window.ts), carried across a continue-as-new. */
export interface ContextWindowState {
  cleared?: { before: number; results: number };
  summary?: { through: number; text: string; dropped?: boolean };
  /** Tokens the character estimate missed in the last call that reported usage. */
  overhead: number;
}

/** A tool result a snapshot refers to: the step's activity id and a digest of its content, and the execution that recorded it. */
export interface SnapshotResult extends RecordedResult {
  /** Temporal run id of the execution whose history holds the step's result. */
  execution: string;
}

/** An extra user message, added to the transcript just before model step `beforeStep`. */
export interface Redirect {
  beforeStep: number;
  text: string;
}

/** One step of a run: a model call (`model`) or a tool call (`tool:<name>`), with its status, timing and usage. */
export interface StepResult {
  index: number;
  /** `model` or `tool:<name>`. */
  name: string;
  status: StepStatus;
  /** Deterministic Temporal activity id, e.g. `step-3-model`. */
  activityId: string;
  /** 1 for the first execution of the run, 2 for its first continuation, ... (of `inheritedFrom` when that is set). */
  execution: number;
  /** Set on a fork's steps taken over from the run it forked: that run's id (`execution` numbers its executions). */
  inheritedFrom?: string;
  /** Set on a fork's inherited tool step whose result the fork's edit replaced (ForkRunRequest.edit). */
  edited?: boolean;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  attempts?: number;
  usage?: Usage;
  /** Model steps: the model that answered (a completed step) or was asked (a cut one), as runs record model ids. */
  model?: string;
  toolUseId?: string;
  toolInput?: unknown;
  /** An agentTool call's sub-run: the run id (child workflow id) of the inner agent. */
  subRunId?: string;
  /** Tool result text or, for a model step, the text it produced. */
  output?: string;
  error?: string;
  /** Model and summarize steps whose request was compacted to fit the run's context budget (Task `context`). */
  context?: StepContext;
  /** What guardrails rewrote in the step's request, answer, tool input or result (the recorded text is the rewritten one). */
  guardrails?: GuardrailNote[];
}

/** Why a run failed: the stable error name and its message, and the step it failed in. */
export interface RunError {
  /** Stable error name, e.g. `ModelCallFailedError`, `MaxStepsReachedError`. */
  name: string;
  message: string;
  stepIndex?: number;
  activityId?: string;
}

/**
 * What a run did, read from its history: status, output, steps, messages, usage, and how it stopped or failed. What
 * `do()`, `continueRun()`, `getRunOutput()` and `durable-agent show` return.
 */
export interface RunOutput<O = unknown> {
  runId: string;
  /** Temporal run id of the execution this output describes (the last one of the chain). */
  executionRunId: string;
  status: RunStatus;
  isCancelled: boolean;
  isCompleted: boolean;
  isError: boolean;
  isPaused: boolean;
  /**
   * Final text of the run, or the parsed structured result when its task named an output schema (typed from the
   * schema: `agent.do(task)` of a `Task<O>` gives `RunOutput<O>`); null until the run completes.
   */
  output: O | null;
  stepResults: StepResult[];
  messages: MessageParam[];
  usage: Usage;
  error?: RunError;
  /** Set when the run stopped before its end (status `cancelled`): by request, time limit or budget, and how. */
  stop?: RunStop;
  /** Number of executions of this run id, the first one included. */
  executions: number;
  /** What a paused run waits for; answer with agent.answerRun({ runId, answers }). */
  requirements: Requirement[];
  forkedFrom?: { runId: string; executionRunId: string; fromStep: number };
  /** Limits the run is close to and cannot pass, each with what to change (src/history/run-warnings.ts); absent when none. */
  warnings?: RunWarning[];
}

/** A limit a run approaches that it cannot pass, and what to change (RunOutput.warnings, printed by `show`). */
export interface RunWarning {
  /**
   * `tool-result-size`: a tool result near Temporal's payload limit; `context-budget`: a request over its context
   * budget after compaction; `snapshot-size`: the conversation a continue-as-new carries near the payload limit.
   */
  kind: 'tool-result-size' | 'context-budget' | 'snapshot-size';
  /** The step it concerns, if one. */
  stepIndex?: number;
  message: string;
}

/** What the workflow returns when it completes; the rest of RunOutput is read from its history. */
export interface AgentRunResult {
  output: string;
  /** The answer parsed and checked against the task's output schema (tasks that name one). */
  structuredOutput?: unknown;
  stopReason: string | null;
  steps: number;
}

/**
 * The search attributes a run carries when they are on (`durable-agent dev` registers them): session, user, status and
 * model. `model` came later: a namespace that registered only the other three still gets them, and its runs lack the
 * model (src/client/search-attributes.ts).
 */
export const SEARCH_ATTRIBUTES = {
  sessionId: 'DurableAgentSessionId',
  userId: 'DurableAgentUserId',
  status: 'DurableAgentStatus',
  model: 'DurableAgentModel',
} as const;

/** The workflow type of an agent run: start it from any Temporal client with an `AgentRunInput`. */
export const WORKFLOW_TYPE = 'agentRun';
/** The activity types that are steps of a run, as history records them (checked against AgentActivities in contract.ts). */
export const STEP_ACTIVITY = { model: 'callModel', tool: 'callTool' } as const;
export type StepActivityType = (typeof STEP_ACTIVITY)[keyof typeof STEP_ACTIVITY];
/** The activity type that resolves a run's tools on the worker (not a step): readers take the worker's policies from it. */
export const RESOLVE_TOOLS_ACTIVITY = 'resolveTools';
/** The activity type that decides a policy gate for one call (not a step): readers take the decision from its result. */
export const DECIDE_GATE_ACTIVITY = 'decideGate';
/** The task queue runs and workers use when neither an option nor DURABLE_AGENT_TASK_QUEUE names one. */
export const DEFAULT_TASK_QUEUE = 'durable-agent';
export const DEFAULT_MAX_STEPS = 50;
export const DEFAULT_MAX_TOKENS = 4096;

/** ApplicationFailure types raised by the activities and the loop: stable names users can match on. */
export const FailureTypes = {
  toolNotRegistered: 'ToolNotRegisteredError',
  /** The run's client saw another version of a tool (schema, description, policy or human gate) than its worker has. */
  toolMismatch: 'ToolMismatchError',
  maxStepsReached: 'MaxStepsReachedError',
  modelCallFailed: 'ModelCallFailedError',
  toolCallFailed: 'ToolCallFailedError',
  payloadTooLarge: 'PayloadTooLargeError',
  modelStreamStalled: 'ModelStreamStalledError',
  badRequest: 'AnthropicBadRequestError',
  authentication: 'AnthropicAuthenticationError',
  permission: 'AnthropicPermissionError',
  notFound: 'AnthropicNotFoundError',
  requestTooLarge: 'AnthropicRequestTooLargeError',
  rateLimited: 'AnthropicRateLimitError',
  overloaded: 'AnthropicOverloadedError',
  serverError: 'AnthropicServerError',
  connection: 'AnthropicConnectionError',
  streamError: 'AnthropicStreamError',
  /** The run names a provider (`<provider>/<model>`) its worker has not registered: fails before any request. */
  modelProviderNotRegistered: 'ModelProviderNotRegisteredError',
  /** The worker has the provider but could not set it up (missing key, region or project): the message says what to set. */
  modelProviderNotConfigured: 'ModelProviderNotConfiguredError',
  // Failures of providers other than Anthropic's own API (AI SDK providers), one type per kind, whatever the provider.
  providerBadRequest: 'ModelBadRequestError',
  providerAuthentication: 'ModelAuthenticationError',
  providerPermission: 'ModelPermissionError',
  providerNotFound: 'ModelNotFoundError',
  providerRequestTooLarge: 'ModelRequestTooLargeError',
  providerRateLimited: 'ModelRateLimitError',
  providerOverloaded: 'ModelOverloadedError',
  providerServerError: 'ModelServerError',
  providerConnection: 'ModelConnectionError',
  providerStreamError: 'ModelStreamError',
  invalidUserInput: 'InvalidUserInputError',
  /** An activityTool's activity was given input its schema refuses (the model sees it as an error result). */
  invalidToolInput: 'InvalidToolInputError',
  /** The run stopped itself (time limit or budget): continuable, RunOutput.stop says why. */
  runStopped: 'RunStoppedError',
  /** The final answer still failed the task's output schema after the repairs the task allows. */
  outputInvalid: 'OutputValidationError',
  /** A guardrail blocked a step's text (details: a GuardrailBlock): the run stops, continuable, with reason `guardrail`. */
  guardrailBlocked: 'GuardrailBlockedError',
  /** A model call's streamed cost passed the run's money budget and was cut (details: its ModelCallProgress): a `budget` stop. */
  costBudgetExceeded: 'CostBudgetExceededError',
  /** The run has a money budget and the worker's price table has no price for the step's model: it cannot be kept. */
  modelPriceUnknown: 'ModelPriceUnknownError',
  /** The task names a guardrail its worker has not registered. */
  guardrailNotRegistered: 'GuardrailNotRegisteredError',
} as const;

/**
 * What `agent.stream()` and friends yield. Every event has a place in the run's event log: `offset` is where it
 * starts and `nextOffset` where the next one starts, so a client that stopped (or restarted) resumes with
 * `{ fromOffset: lastEvent.nextOffset }` and gets every later event exactly once. Text counts one unit per character,
 * every other event one unit (`paused` none: it is a state, sent again on reconnect while it lasts).
 * The log spans every execution of the run id, so it runs on across cancel and continue.
 */
export type StreamEvent =
  | (StreamEventBase & { type: 'run_started'; executionRunId: string })
  | (StreamEventBase & { type: 'step_started'; step: { index: number; name: string; activityId: string } })
  | (StreamEventBase & { type: 'text_delta'; activityId: string; index: number; text: string })
  /** The step's current attempt started over after a failure: drop the step's text received so far. */
  | (StreamEventBase & { type: 'step_restarted'; activityId: string; index: number; attempt: number })
  | (StreamEventBase & { type: 'step_completed'; step: StepResult })
  | (StreamEventBase & { type: 'tool_result'; activityId: string; index: number; toolName: string; content: string; isError: boolean })
  | (StreamEventBase & { type: 'paused'; requirements: Requirement[] })
  | (StreamEventBase & { type: 'cancelled' | 'completed' | 'error'; output: RunOutput });

export interface StreamEventBase {
  runId: string;
  /** 1 for the run's first execution, 2 for its first continuation, ... */
  execution: number;
  offset: number;
  nextOffset: number;
}
