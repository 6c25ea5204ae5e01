// The tool step: a turn's tool calls run in parallel (the loop), each taken from the seed when an earlier execution completed
// it, else (after its human gate, if it has one) an activityTool's activity, an agentTool's child run or callTool.
import { patched, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { AgentActivities } from '../../activities/contract.js';
import type { RequirementResolution, ToolCallInput, ToolCallResult } from '../../core/types.js';
import { oneLine } from '../../core/text.js';
import type { ToolStepPlan } from '../conversation.js';
import { LEAN_SUMMARY_LIMIT, leanOptions } from '../lean-step-commands.js';
import { temporalToolCall, type LoopToolPolicy } from '../temporal-tools.js';
import type { RunContext } from './context.js';
import { gateApplies } from './gate-policy.js';
import { awaitHuman } from './human-gates.js';
import { showDetails, track } from './live-status.js';
import { forgetSubRun } from './sub-run-approvals.js';
import { PATCHES } from './patches.js';

/** Length of a step's summary (the tool's name and the start of its input). */
export const SUMMARY_LIMIT = 120;

/**
 * Applies a turn's settled tool calls: the first failure fails the run, else their results go to the conversation.
 * The loop waits for every call to settle first (Promise.allSettled), so a cancel records each one before the run closes.
 */
export function applyToolResults(ctx: RunContext, tools: ToolStepPlan[], settled: PromiseSettledResult<ToolCallResult>[]): void {
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected) throw rejected.reason;
  ctx.conversation.applyToolResults(
    tools,
    settled.map((s) => (s as PromiseFulfilledResult<ToolCallResult>).value),
  );
  showDetails(ctx);
}

/** One tool call of a turn: seeded, or run after its human gate as a Temporal tool or callTool. */
export async function toolCall(ctx: RunContext, plan: ToolStepPlan): Promise<ToolCallResult> {
  const recorded = ctx.seeded(plan.activityId);
  if (recorded?.kind === 'tool') {
    ctx.toolStepsSeeded.set(plan.toolUseId, plan.activityId);
    return recorded.result;
  }
  const policy = ctx.toolPolicies.get(plan.toolName);
  const human = policy?.requires && (await gateApplies(ctx, plan, policy)) ? await awaitHuman(ctx, plan, policy.requires) : undefined;
  const summary = oneLine(`tool ${plan.toolName} ${JSON.stringify(plan.input) ?? ''}`, SUMMARY_LIMIT);
  // An activityTool's call is the user's activity, an agentTool's a child run (src/workflows/temporal-tools.ts).
  const temporal = temporalToolCall(plan, policy, { runId: ctx.runId, run: ctx.input, seed: ctx.seed, summary });
  if (temporal && patched(PATCHES.temporalTools.id)) {
    try {
      return await track(ctx, plan, temporal.call, temporal.subRunId);
    } finally {
      forgetSubRun(ctx, temporal.subRunId);
    }
  }
  // Only callTool steps leave their result with the worker's transcript cache (activityTools and agentTools don't).
  ctx.toolStepsRun.set(plan.toolUseId, plan.activityId);
  const lean = patched(PATCHES.leanStepCommands.id);
  const { callTool } = proxyActivities<AgentActivities>(callToolOptions(ctx.toolOptions, plan, policy, lean, summary));
  const callInput = callToolInput(ctx, plan, policy, lean, human);
  return track(ctx, plan, () => callTool(callInput));
}

/** The callTool activity's options: the run's, with the tool's own attempts and heartbeat timeout. */
function callToolOptions(toolOptions: ActivityOptions, plan: ToolStepPlan, policy: LoopToolPolicy | undefined, lean: boolean, summary: string): ActivityOptions {
  const options = lean ? leanOptions(toolOptions) : toolOptions;
  return {
    ...options,
    ...(policy?.maxAttempts !== undefined ? { retry: { ...options.retry, maximumAttempts: policy.maxAttempts } } : {}),
    // The tool's own (tool({ heartbeatTimeoutMs })); only tools that set one schedule anything new.
    ...(policy?.heartbeatTimeoutMs !== undefined ? { heartbeatTimeout: policy.heartbeatTimeoutMs } : {}),
    activityId: plan.activityId,
    summary: lean ? oneLine(summary, LEAN_SUMMARY_LIMIT) : summary,
  };
}

/** The callTool activity's input. */
function callToolInput(
  ctx: RunContext,
  plan: ToolStepPlan,
  policy: LoopToolPolicy | undefined,
  lean: boolean,
  human: RequirementResolution | undefined,
): ToolCallInput {
  // Consulted only for a call that has a checkpoint, so every other call schedules what it always did.
  const checkpoint = ctx.seed?.checkpoints?.[plan.activityId];
  const resumeFrom = checkpoint !== undefined && patched(PATCHES.toolCheckpoints.id) ? { checkpoint } : {};
  return {
    ...(lean ? {} : { runId: ctx.runId }),
    stepIndex: plan.index,
    toolName: plan.toolName,
    toolUseId: plan.toolUseId,
    input: plan.input,
    ...(policy?.timeoutMs !== undefined ? { timeoutMs: policy.timeoutMs } : {}),
    // A tool the run was not given is answered with an error result, not run: the model only learns the names.
    ...(policy ? {} : { availableTools: [...ctx.toolPolicies.keys()] }),
    ...(human ? { human } : {}),
    ...resumeFrom,
    ...(ctx.task.guardrails ? { guardrails: ctx.task.guardrails } : {}),
  };
}
