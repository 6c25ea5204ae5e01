// The agent loop: model turn → tool calls (in parallel) → model turn … until the model ends its turn.
// Deterministic by construction: every decision comes from the input, the seed and activity results.
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { AgentActivities } from '../activities/contract.js';
import {
  DEFAULT_MAX_STEPS,
  FailureTypes,
  type AgentRunResult,
  type ModelCallInput,
  type ModelCallResult,
  type Requirement,
  type RequirementKind,
  type RequirementResolution,
  type RunInput,
  type RunStatus,
  type StepOutcome,
  type StepResult,
  type ToolCallResult,
} from '../core/types.js';
import {
  MODEL_ACTIVITY_OPTIONS,
  RESOLVE_TOOLS_OPTIONS,
  TOOL_ACTIVITY_OPTIONS,
  USER_INPUT_CHECK_OPTIONS,
  withTimeouts,
  withFallbacks,
} from './activity-options.js';
import { Conversation, type StepPlan, type ToolStepPlan } from './conversation.js';
import {
  callSettingsQuery,
  LEGACY_NAMES,
  requirementsQuery,
  resolveRequirementUpdate,
  statusSearchAttribute,
  stepsQuery,
  transcriptQuery,
} from './definitions.js';
import { checkResolutionShape, requirementOf } from './requirements.js';
import { jsonPayloadBytes, MAX_PAYLOAD_BYTES } from '../core/payload-size.js';
import { stepFailure, unwrappedRefusal } from './step-failure.js';
import { renderCurrentDetails } from './current-details.js';
import { oneLine } from '../core/text.js';
import { temporalToolCall, type LoopToolPolicy } from './temporal-tools.js';
import { describeStop, RunStopper } from './run-stop.js';
import { outputInvalidMessage } from './structured-output.js';
import { referToRecordedResults } from './recorded-results.js';
import { LEAN_STEP_COMMANDS, LEAN_SUMMARY_LIMIT, leanModelCall, leanOptions } from './lean-step-commands.js';
import { modelCallSettings } from './model-call-settings.js';

const SUMMARY_LIMIT = 120;
/** Patch id of the maxSteps check before a turn's tool calls (see the loop). */
const MAX_STEPS_BOUNDS_TOOL_CALLS = 'durable-agent/max-steps-bounds-tool-calls';
/** Patch id of resolving the run's tools on the worker before its first model call (see the loop). */
const TOOLS_RESOLVED_ON_WORKER = 'durable-agent/tools-resolved-on-worker';
/** Patch id of setting the status back to running in the update handler that answers the last waiting call. */
const STATUS_SET_IN_UPDATE_HANDLER = 'durable-agent/status-set-in-update-handler';
/** Patch id of handing a tool call a cancel cut its last progress (the seed's checkpoint) when it runs again. */
const TOOL_CHECKPOINTS = 'durable-agent/tool-checkpoints';
/** Patch id of scheduling an activityTool's activity or an agentTool's child run in place of callTool. */
const TEMPORAL_TOOLS = 'durable-agent/temporal-tools';
/** Patch id of the follow-up turn that asks the model to fix an answer that failed the task's output schema. */
const STRUCTURED_OUTPUT_REPAIR = 'durable-agent/structured-output-repair';
/** Patch id of model calls that refer to tool results their steps recorded instead of carrying them (recorded-results.ts). */
const TOOL_RESULTS_BY_REFERENCE = 'durable-agent/tool-results-by-reference';

/** A tool call waiting for a human, and the answer once it came. */
interface WaitingCall {
  requirement: Requirement;
  resolution?: RequirementResolution;
}

/**
 * The agent loop, a deterministic Temporal workflow: a model turn, then that turn's tool calls in parallel, until the
 * model ends its turn or a limit stops it. The workflow id is the run id; a continuation is a new execution of it
 * started with a seed.
 */
export async function agentRun(input: RunInput): Promise<AgentRunResult> {
  const { task, seed } = input;
  const execution = (seed?.executions ?? 0) + 1;
  const maxSteps = task.maxSteps ?? DEFAULT_MAX_STEPS;
  const conversation = new Conversation(task, seed?.redirects);
  const liveSteps: StepResult[] = [];
  // Runs recorded before tools were resolved on the worker use the policy their input carries; newer ones the worker's.
  let toolPolicies = new Map<string, LoopToolPolicy>(task.tools.map((ref) => [ref.name, ref]));
  const runId = workflowInfo().workflowId;
  const modelOptions = withFallbacks(withTimeouts(MODEL_ACTIVITY_OPTIONS, 'model', task.timeouts), input.fallbacks);
  const toolOptions = withTimeouts(TOOL_ACTIVITY_OPTIONS, 'tool', task.timeouts);
  // Messages the worker was already sent in this execution; the next model call carries only what follows.
  let sentMessages = 0;
  // Tool steps run in this execution, by tool_use id: their results are in history already.
  const toolStepsRun = new Map<string, string>();

  for (const query of [stepsQuery, LEGACY_NAMES.steps]) setHandler(query, () => [...(seed?.previousSteps ?? []), ...liveSteps]);

  // The Web UI's "Current Details": status, reason and the transcript so far (user metadata, not history).
  let detailsStatus: RunStatus = 'running';
  let detailsReason: string | undefined;
  // Rendered once per activation however often the loop changes (a microtask runs before the activation completes):
  // the details are the same when a query reads them, at a fraction of the worker's CPU per step.
  // One settled promise for the run: each flush costs one promise (the SDK records a stack trace for every promise).
  let detailsQueued = false;
  const settled = Promise.resolve();
  const showDetails = (): void => {
    if (detailsQueued) return;
    detailsQueued = true;
    void settled.then(() => {
      detailsQueued = false;
      setCurrentDetails(
        renderCurrentDetails({
          status: detailsStatus,
          ...(detailsReason !== undefined ? { reason: detailsReason } : {}),
          execution,
          ...(seed ? { continuedFrom: seed.continuedFrom } : {}),
          messages: task.memory ? conversation.messages.slice(task.memory.messages.length) : conversation.messages,
          steps: [...(seed?.previousSteps ?? []), ...liveSteps],
        }),
      );
    });
  };
  showDetails();
  CancellationScope.current().cancelRequested.catch(() => {
    detailsReason = 'cancel requested: waiting for the running steps to stop';
    showDetails();
  });
  for (const query of [transcriptQuery, LEGACY_NAMES.transcript]) setHandler(query, (count) => conversation.messages.slice(0, count));
  setHandler(callSettingsQuery, () => modelCallSettings(input));
  // cancelRun's modes and reasons, the time limit and the budgets: one way to stop (run-stop.ts).
  const stopper = new RunStopper(input, (stop) => {
    detailsReason = `stopping: ${describeStop(stop)}`;
    showDetails();
  });

  // Tool calls waiting for a human, by tool_use id.
  const waiting = new Map<string, WaitingCall>();
  // Set once answers set the status back to running in the update handler (the patch below); the same for a whole run.
  let statusSetByAnswers = false;
  for (const query of [requirementsQuery, LEGACY_NAMES.requirements]) setHandler(query, () => [...waiting.values()].filter((w) => !w.resolution).map((w) => w.requirement));
  // Under both names: recorded histories hold updates by their old name (registering a handler schedules nothing).
  for (const update of [resolveRequirementUpdate, LEGACY_NAMES.resolveRequirement])
  setHandler(
    update,
    async (resolution) => {
      const entry = waiting.get(resolution.id);
      if (!entry) throw ApplicationFailure.create({ type: FailureTypes.invalidUserInput, message: `Nothing waits for ${resolution.id}.`, nonRetryable: true });
      if (entry.requirement.kind === 'userInput') {
        const { checkUserInput } = proxyActivities<AgentActivities>(USER_INPUT_CHECK_OPTIONS);
        const problem = await checkUserInput({ toolName: entry.requirement.toolName, values: resolution.values ?? {} });
        if (problem) throw ApplicationFailure.create({ type: FailureTypes.invalidUserInput, message: problem, nonRetryable: true });
      }
      entry.resolution = resolution;
      // Back to running inside the handler, so the status upsert precedes the update's completion in history whatever
      // interceptors wrap the handler (the tracing ones add awaits that would let the loop's upsert go first, and a
      // traced worker could then not replay an untraced worker's run). Runs recorded before upserted in the loop.
      if (patched(STATUS_SET_IN_UPDATE_HANDLER)) {
        statusSetByAnswers = true;
        if ([...waiting.values()].every((w) => w.resolution)) markStatus('running');
      }
    },
    { validator: (resolution) => checkResolutionShape(resolution, waiting.get(resolution.id)?.requirement, [...waiting.keys()]) },
  );

  async function awaitHuman(plan: ToolStepPlan, kind: RequirementKind): Promise<RequirementResolution> {
    const entry: WaitingCall = {
      requirement: requirementOf(plan, kind),
    };
    waiting.set(plan.toolUseId, entry);
    markStatus('paused', `waiting for ${kind === 'confirmation' ? 'a confirmation' : kind === 'userInput' ? 'user input' : 'an external result'} of ${plan.toolName} (${plan.toolUseId})`);
    try {
      // Durable: the wait costs nothing while the run sits paused for hours or days.
      await condition(() => entry.resolution !== undefined || stopper.stopping);
    } finally {
      waiting.delete(plan.toolUseId);
    }
    if (entry.resolution === undefined) stopper.beforeNewSteps(plan.index, 1);
    if (waiting.size === 0 && !statusSetByAnswers) markStatus('running');
    return entry.resolution as RequirementResolution;
  }

  const markStatus = (status: RunStatus, reason?: string): void => {
    detailsStatus = status;
    detailsReason = reason;
    showDetails();
    if (input.searchAttributes) upsertSearchAttributes([{ key: statusSearchAttribute, value: status }]);
  };

  const seeded = (activityId: string): StepOutcome | undefined => seed?.completed[activityId];

  async function track<T>(plan: StepPlan, call: () => Promise<T>, subRunId?: string): Promise<T> {
    const step: StepResult = {
      index: plan.index,
      name: plan.name,
      status: 'running',
      activityId: plan.activityId,
      execution,
      startedAt: new Date().toISOString(),
      ...(plan.kind === 'tool' ? { toolUseId: plan.toolUseId, toolInput: plan.input } : {}),
      // As the history reader reports it, so a live view of an agentTool's step links its sub-run while it runs.
      ...(subRunId !== undefined ? { subRunId } : {}),
    };
    liveSteps.push(step);
    showDetails();
    try {
      const result = await call();
      step.status = 'completed';
      return result;
    } catch (err) {
      step.status = isCancellation(err) ? 'cancelled' : 'error';
      if (isCancellation(err)) throw err;
      throw stepFailure(plan, err);
    } finally {
      step.endedAt = new Date().toISOString();
      showDetails();
    }
  }

  async function modelTurn(): Promise<{ result: ModelCallResult; tools: ToolStepPlan[] }> {
    const plan = conversation.planModelStep();
    const recorded = seeded(plan.activityId);
    let result: ModelCallResult;
    if (recorded?.kind === 'model') {
      result = recorded.result;
    } else {
      const base = sentMessages;
      const messages = conversation.messages.slice(base);
      sentMessages = conversation.messages.length;
      const lean = patched(LEAN_STEP_COMMANDS);
      const { callModel } = proxyActivities<AgentActivities>({
        ...(lean ? leanOptions(modelOptions) : modelOptions),
        activityId: plan.activityId,
        summary: `model ${input.model} turn ${plan.turn + 1}`,
      });
      const callInput: ModelCallInput = {
        runId,
        stepIndex: plan.index,
        turn: plan.turn,
        ...modelCallSettings(input),
        transcript: { base, messages },
      };
      const bytes = jsonPayloadBytes(callInput);
      if (bytes > MAX_PAYLOAD_BYTES) {
        throw ApplicationFailure.create({
          type: FailureTypes.payloadTooLarge,
          message:
            `Step ${plan.index} (model turn ${plan.turn + 1}) would send ${bytes} bytes of new messages in one Temporal payload, ` +
            `over the ${MAX_PAYLOAD_BYTES}-byte budget under Temporal's 2 MB limit: the tool results of the previous turn are too ` +
            'large together. Have the tools return less (or store large output elsewhere and return a reference).',
          nonRetryable: true,
          details: [{ stepIndex: plan.index, activityId: plan.activityId }],
        });
      }
      const transcript = referToRecordedResults(callInput.transcript, toolStepsRun);
      const sent = transcript !== callInput.transcript && patched(TOOL_RESULTS_BY_REFERENCE) ? { ...callInput, transcript } : callInput;
      result = await track(plan, () => callModel(lean ? leanModelCall(sent) : sent));
      stopper.addUsage(result.usage);
    }
    const tools = conversation.applyModelResult(result);
    showDetails();
    // The worker that made the call keeps its own answer with the transcript, so the next call need not carry it
    // back; a worker that lacks it asks the transcript query, as for anything else it has not seen.
    if (recorded?.kind !== 'model') sentMessages = conversation.messages.length;
    return { result, tools };
  }

  async function toolCall(plan: ToolStepPlan): Promise<ToolCallResult> {
    const recorded = seeded(plan.activityId);
    if (recorded?.kind === 'tool') return recorded.result;
    const policy = toolPolicies.get(plan.toolName);
    const human = policy?.requires ? await awaitHuman(plan, policy.requires) : undefined;
    const summary = oneLine(`tool ${plan.toolName} ${JSON.stringify(plan.input) ?? ''}`, SUMMARY_LIMIT);
    // An activityTool's call is the user's activity, an agentTool's a child run (src/workflows/temporal-tools.ts).
    const temporal = temporalToolCall(plan, policy, { runId, run: input, seed, summary });
    if (temporal && patched(TEMPORAL_TOOLS)) return track(plan, temporal.call, temporal.subRunId);
    // Only callTool steps leave their result with the worker's transcript cache (activityTools and agentTools don't).
    toolStepsRun.set(plan.toolUseId, plan.activityId);
    const lean = patched(LEAN_STEP_COMMANDS);
    const options = lean ? leanOptions(toolOptions) : toolOptions;
    const { callTool } = proxyActivities<AgentActivities>({
      ...options,
      ...(policy?.maxAttempts !== undefined ? { retry: { ...options.retry, maximumAttempts: policy.maxAttempts } } : {}),
      // The tool's own (tool({ heartbeatTimeoutMs })); only tools that set one schedule anything new.
      ...(policy?.heartbeatTimeoutMs !== undefined ? { heartbeatTimeout: policy.heartbeatTimeoutMs } : {}),
      activityId: plan.activityId,
      summary: lean ? oneLine(summary, LEAN_SUMMARY_LIMIT) : summary,
    });
    // Consulted only for a call that has a checkpoint, so every other call schedules what it always did.
    const checkpoint = seed?.checkpoints?.[plan.activityId];
    const resumeFrom = checkpoint !== undefined && patched(TOOL_CHECKPOINTS) ? { checkpoint } : {};
    return track(plan, () =>
      callTool({
        ...(lean ? {} : { runId }),
        stepIndex: plan.index,
        toolName: plan.toolName,
        toolUseId: plan.toolUseId,
        input: plan.input,
        ...(policy?.timeoutMs !== undefined ? { timeoutMs: policy.timeoutMs } : {}),
        // A tool the run was not given is answered with an error result, not run: the model only learns the names.
        ...(policy ? {} : { availableTools: [...toolPolicies.keys()] }),
        ...(human ? { human } : {}),
        ...resumeFrom,
      }),
    );
  }

  /** The worker's policy of each tool; fails the run (ToolNotRegisteredError, ToolMismatchError) before any step. */
  async function resolveToolsOnWorker(): Promise<Map<string, LoopToolPolicy>> {
    const { resolveTools } = proxyActivities<AgentActivities>({
      ...RESOLVE_TOOLS_OPTIONS,
      summary: oneLine(`resolve tools ${task.tools.map((ref) => ref.name).join(', ')}`, SUMMARY_LIMIT),
    });
    try {
      const resolved = await resolveTools({ tools: task.tools });
      return new Map(resolved.map(({ name, fingerprint: _fingerprint, ...policy }) => [name, policy]));
    } catch (err) {
      throw unwrappedRefusal(err);
    }
  }

  const maxStepsReached = (detail: string): ApplicationFailure =>
    ApplicationFailure.create({
      type: FailureTypes.maxStepsReached,
      message: `Run ${runId} reached its limit of ${maxSteps} steps without the model ending its turn${detail}.`,
      nonRetryable: true,
    });

  try {
    // The worker is the one source of a tool's schema and policy. The patch keeps runs recorded before this replaying.
    if (task.tools.length && patched(TOOLS_RESOLVED_ON_WORKER)) toolPolicies = await resolveToolsOnWorker();
    await stopper.run(async () => {
    for (;;) {
      stopper.beforeNewSteps(conversation.stepCount, 1);
      if (conversation.stepCount >= maxSteps) throw maxStepsReached('');
      const { tools } = await modelTurn();
      if (tools.length === 0 && conversation.repairDue && patched(STRUCTURED_OUTPUT_REPAIR)) {
        conversation.applyRepair();
        continue;
      }
      if (tools.length === 0) break;
      // maxSteps bounds the steps run, so a turn whose tool calls would pass it runs none of them. Runs recorded before
      // this check ran such calls; the patch keeps them replaying (it is only consulted where the two differ).
      if (conversation.stepCount > maxSteps && patched(MAX_STEPS_BOUNDS_TOOL_CALLS)) {
        const first = tools[0]!.index;
        throw maxStepsReached(
          `: its last model turn asked for ${tools.length} tool call${tools.length === 1 ? '' : 's'} (step${tools.length === 1 ? '' : 's'} ` +
            `${first}${tools.length === 1 ? '' : `-${first + tools.length - 1}`}), which would pass the limit, so none ran`,
        );
      }
      stopper.beforeNewSteps(conversation.stepCount - tools.length, tools.length);
      // Wait for every call of the turn to settle, so a cancel records each one before the run closes.
      const settled = await Promise.allSettled(tools.map(toolCall));
      const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (rejected) throw rejected.reason;
      conversation.applyToolResults(
        tools,
        settled.map((s) => (s as PromiseFulfilledResult<ToolCallResult>).value),
      );
      showDetails();
    }
    });
    const problem = conversation.outputProblem;
    if (task.output && problem !== undefined) {
      throw ApplicationFailure.create({ type: FailureTypes.outputInvalid, message: outputInvalidMessage(runId, conversation.answers, problem), nonRetryable: true });
    }
  } catch (err) {
    if (isCancellation(err)) {
      const stop = stopper.stop;
      await CancellationScope.nonCancellable(async () => markStatus('cancelled', stop ? describeStop(stop) : 'cancelled by request (cancelRun); continue it with continueRun'));
      throw stopper.closing(err);
    }
    markStatus('error', err instanceof Error ? err.message : String(err));
    throw err;
  }
  markStatus('completed', `the model ended its turn (${conversation.stopReason ?? 'no stop reason'})`);
  return {
    output: conversation.finalText,
    stopReason: conversation.stopReason,
    steps: conversation.stepCount,
    ...(task.output ? { structuredOutput: conversation.structuredOutput } : {}),
  };
}
