// The agent loop: model turn → tool calls (in parallel) → model turn … until the model ends its turn.
// Deterministic by construction: every decision comes from the input, the seed and activity results.
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { AgentActivities } from '../activities/contract.js';
import {
  DEFAULT_MAX_STEPS,
  DEFAULT_MAX_TOKENS,
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
} from '../types.js';
import { MODEL_ACTIVITY_OPTIONS, TOOL_ACTIVITY_OPTIONS, USER_INPUT_CHECK_OPTIONS, withTimeouts } from './activity-options.js';
import { Conversation, type StepPlan, type ToolStepPlan } from './conversation.js';
import {
  requirementsQuery,
  resolveRequirementUpdate,
  statusSearchAttribute,
  stepsQuery,
  transcriptQuery,
} from './definitions.js';
import { checkResolutionShape, requirementOf } from './requirements.js';
import { jsonPayloadBytes, MAX_PAYLOAD_BYTES } from './payload-size.js';
import { stepFailure } from './step-failure.js';
import { oneLine } from '../text.js';

const SUMMARY_LIMIT = 120;
/** Patch id of the maxSteps check before a turn's tool calls (see the loop). */
const MAX_STEPS_BOUNDS_TOOL_CALLS = 'durable-agent/max-steps-bounds-tool-calls';

export async function agentRun(input: RunInput): Promise<AgentRunResult> {
  const { task, seed } = input;
  const execution = (seed?.executions ?? 0) + 1;
  const maxSteps = task.maxSteps ?? DEFAULT_MAX_STEPS;
  const conversation = new Conversation(task);
  const liveSteps: StepResult[] = [];
  const toolPolicies = new Map(task.tools.map((ref) => [ref.name, ref]));
  const runId = workflowInfo().workflowId;
  const modelOptions = withTimeouts(MODEL_ACTIVITY_OPTIONS, 'model', task.timeouts);
  const toolOptions = withTimeouts(TOOL_ACTIVITY_OPTIONS, 'tool', task.timeouts);
  // Messages the worker was already sent in this execution; the next model call carries only what follows.
  let sentMessages = 0;

  setHandler(stepsQuery, () => [...(seed?.previousSteps ?? []), ...liveSteps]);
  setHandler(transcriptQuery, (count) => conversation.messages.slice(0, count));

  // Tool calls waiting for a human, by tool_use id.
  const waiting = new Map<string, { requirement: Requirement; resolution?: RequirementResolution }>();
  setHandler(requirementsQuery, () => [...waiting.values()].filter((w) => !w.resolution).map((w) => w.requirement));
  setHandler(
    resolveRequirementUpdate,
    async (resolution) => {
      const entry = waiting.get(resolution.id);
      if (!entry) throw ApplicationFailure.create({ type: FailureTypes.invalidUserInput, message: `Nothing waits for ${resolution.id}.`, nonRetryable: true });
      if (entry.requirement.kind === 'userInput') {
        const { checkUserInput } = proxyActivities<AgentActivities>(USER_INPUT_CHECK_OPTIONS);
        const problem = await checkUserInput({ toolName: entry.requirement.toolName, values: resolution.values ?? {} });
        if (problem) throw ApplicationFailure.create({ type: FailureTypes.invalidUserInput, message: problem, nonRetryable: true });
      }
      entry.resolution = resolution;
    },
    { validator: (resolution) => checkResolutionShape(resolution, waiting.get(resolution.id)?.requirement, [...waiting.keys()]) },
  );

  async function awaitHuman(plan: ToolStepPlan, kind: RequirementKind): Promise<RequirementResolution> {
    const entry: { requirement: Requirement; resolution?: RequirementResolution } = {
      requirement: requirementOf(plan, kind),
    };
    waiting.set(plan.toolUseId, entry);
    markStatus('paused');
    try {
      // Durable: the wait costs nothing while the run sits paused for hours or days.
      await condition(() => entry.resolution !== undefined);
    } finally {
      waiting.delete(plan.toolUseId);
    }
    if (waiting.size === 0) markStatus('running');
    return entry.resolution as RequirementResolution;
  }

  const markStatus = (status: RunStatus): void => {
    if (input.searchAttributes) upsertSearchAttributes([{ key: statusSearchAttribute, value: status }]);
  };

  const seeded = (activityId: string): StepOutcome | undefined => seed?.completed[activityId];

  async function track<T>(plan: StepPlan, call: () => Promise<T>): Promise<T> {
    const step: StepResult = {
      index: plan.index,
      name: plan.name,
      status: 'running',
      activityId: plan.activityId,
      execution,
      startedAt: new Date().toISOString(),
      ...(plan.kind === 'tool' ? { toolUseId: plan.toolUseId, toolInput: plan.input } : {}),
    };
    liveSteps.push(step);
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
      const { callModel } = proxyActivities<AgentActivities>({
        ...modelOptions,
        activityId: plan.activityId,
        summary: `model ${input.model} turn ${plan.turn + 1}`,
      });
      const callInput: ModelCallInput = {
        runId,
        stepIndex: plan.index,
        turn: plan.turn,
        model: input.model,
        maxTokens: task.maxTokens ?? DEFAULT_MAX_TOKENS,
        ...(task.system !== undefined ? { system: task.system } : {}),
        toolNames: task.tools.map((ref) => ref.name),
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
      result = await track(plan, () => callModel(callInput));
    }
    const tools = conversation.applyModelResult(result);
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
    const { callTool } = proxyActivities<AgentActivities>({
      ...toolOptions,
      ...(policy?.maxAttempts !== undefined ? { retry: { ...toolOptions.retry, maximumAttempts: policy.maxAttempts } } : {}),
      activityId: plan.activityId,
      summary: oneLine(`tool ${plan.toolName} ${JSON.stringify(plan.input) ?? ''}`, SUMMARY_LIMIT),
    });
    return track(plan, () =>
      callTool({
        runId,
        stepIndex: plan.index,
        toolName: plan.toolName,
        toolUseId: plan.toolUseId,
        input: plan.input,
        ...(policy?.timeoutMs !== undefined ? { timeoutMs: policy.timeoutMs } : {}),
        // A tool the run was not given is answered with an error result, not run: the model only learns the names.
        ...(policy ? {} : { availableTools: [...toolPolicies.keys()] }),
        ...(human ? { human } : {}),
      }),
    );
  }

  const maxStepsReached = (detail: string): ApplicationFailure =>
    ApplicationFailure.create({
      type: FailureTypes.maxStepsReached,
      message: `Run ${runId} reached its limit of ${maxSteps} steps without the model ending its turn${detail}.`,
      nonRetryable: true,
    });

  try {
    for (;;) {
      if (conversation.stepCount >= maxSteps) throw maxStepsReached('');
      const { tools } = await modelTurn();
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
      // Wait for every call of the turn to settle, so a cancel records each one before the run closes.
      const settled = await Promise.allSettled(tools.map(toolCall));
      const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (rejected) throw rejected.reason;
      conversation.applyToolResults(
        tools,
        settled.map((s) => (s as PromiseFulfilledResult<ToolCallResult>).value),
      );
    }
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(async () => markStatus('cancelled'));
      throw err;
    }
    markStatus('error');
    throw err;
  }
  markStatus('completed');
  return { output: conversation.finalText, stopReason: conversation.stopReason, steps: conversation.stepCount };
}
