// The model step: one model turn, taken from the seed when an earlier execution completed it, else a callModel
// activity that carries only the messages the worker was not sent yet.
import { ApplicationFailure, patched, proxyActivities } from '@temporalio/workflow';
import type { AgentActivities } from '../../activities/contract.js';
import { FailureTypes, type ContextCompaction, type ModelCallInput, type ModelCallResult } from '../../core/types.js';
import { stepContextOf } from '../context-window.js';
import type { ModelStepPlan, ToolStepPlan } from '../conversation.js';
import { leanModelCall, leanOptions } from '../lean-step-commands.js';
import { modelCallSettings } from '../model-call-settings.js';
import { jsonPayloadBytes, MAX_PAYLOAD_BYTES } from '../../core/payload-size.js';
import { referToRecordedResults } from '../recorded-results.js';
import type { RunContext } from './context.js';
import { fitContext } from './context-step.js';
import { showDetails, track } from './live-status.js';
import { PATCHES } from './patches.js';

/** Runs the next model turn and applies its answer; returns it with the tool calls it asked for. */
export async function modelTurn(ctx: RunContext): Promise<{ result: ModelCallResult; tools: ToolStepPlan[] }> {
  const { conversation } = ctx;
  const plan = conversation.planModelStep();
  const context = await fitContext(ctx, plan, modelCall);
  const recorded = ctx.seeded(plan.activityId);
  let result: ModelCallResult;
  if (recorded?.kind === 'model') {
    result = recorded.result;
  } else {
    const compacted = context && patched(PATCHES.contextCompaction.id) ? context : undefined;
    result = await track(ctx, plan, modelCall(ctx, plan, compacted), undefined, compacted && stepContextOf(compacted));
    ctx.stopper.addUsage(result.usage);
  }
  ctx.contextWindow.calibrate(result);
  const tools = conversation.applyModelResult(result);
  showDetails(ctx);
  // The worker that made the call keeps its own answer with the transcript, so the next call need not carry it
  // back; a worker that lacks it asks the transcript query, as for anything else it has not seen.
  if (recorded?.kind !== 'model') ctx.sentMessages = conversation.messages.length;
  return { result, tools };
}

/**
 * The callModel activity of a turn no earlier execution completed, ready to schedule: it carries only the messages
 * the worker was not sent yet (from here on they count as sent), and how to compact the transcript when the run's
 * context budget asks for it (a summarisation step's too).
 */
export function modelCall(ctx: RunContext, plan: ModelStepPlan, context?: ContextCompaction): () => Promise<ModelCallResult> {
  const { conversation, input } = ctx;
  const base = ctx.sentMessages;
  const messages = conversation.messages.slice(base);
  ctx.sentMessages = conversation.messages.length;
  const lean = patched(PATCHES.leanStepCommands.id);
  const { callModel } = proxyActivities<AgentActivities>({
    ...(lean ? leanOptions(ctx.modelOptions) : ctx.modelOptions),
    activityId: plan.activityId,
    summary: `${plan.name === 'summarize' ? 'summarize before' : 'model'} ${input.model} turn ${plan.turn + 1}`,
  });
  const callInput: ModelCallInput = {
    runId: ctx.runId,
    stepIndex: plan.index,
    turn: plan.turn,
    ...modelCallSettings(input),
    transcript: { base, messages },
    ...(context ? { context } : {}),
  };
  checkPayloadSize(callInput, plan);
  const transcript = referToRecordedResults(callInput.transcript, ctx.toolStepsRun);
  const sent = transcript !== callInput.transcript && patched(PATCHES.toolResultsByReference.id) ? { ...callInput, transcript } : callInput;
  return () => callModel(lean ? leanModelCall(sent) : sent);
}

/** Fails the run (PayloadTooLargeError) rather than schedule a call over Temporal's payload limit. */
function checkPayloadSize(callInput: ModelCallInput, plan: ModelStepPlan): void {
  const bytes = jsonPayloadBytes(callInput);
  if (bytes <= MAX_PAYLOAD_BYTES) return;
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
