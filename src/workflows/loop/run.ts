// The agent loop: model turn → tool calls (in parallel) → model turn … until the model ends its turn.
// Deterministic by construction: every decision comes from the input, the seed and activity results.
// The parts share one RunContext (context.ts); which branch each patch guards is in patches.ts.
import { ApplicationFailure, CancellationScope, ContinueAsNew, isCancellation, patched } from '@temporalio/workflow';
import { FailureTypes, type AgentRunResult, type RunInput } from '../../core/types.js';
import { describeStop } from '../run-stop.js';
import { outputInvalidMessage } from '../structured-output.js';
import { RunContext } from './context.js';
import { answerSnapshotQuery, continueAsNewDue, continueRunAsNew } from './continue-as-new.js';
import { registerHumanGates } from './human-gates.js';
import { markStatus } from './live-status.js';
import { modelTurn } from './model-step.js';
import { PATCHES } from './patches.js';
import { beforeModelStep, beforeToolSteps } from './stop-and-limits.js';
import { stopOnStepFailure } from './step-stops.js';
import { resolveToolsOnWorker } from './tool-resolution.js';
import { applyToolResults, toolCall } from './tool-step.js';

/**
 * The agent loop, a deterministic Temporal workflow: a model turn, then that turn's tool calls in parallel, until the
 * model ends its turn or a limit stops it. The workflow id is the run id; a continuation is a new execution of it
 * started with a seed.
 */
export async function agentRun(input: RunInput): Promise<AgentRunResult> {
  const ctx = new RunContext(input);
  registerHumanGates(ctx);
  answerSnapshotQuery(ctx);
  const { task, conversation } = ctx;
  try {
    // The worker is the one source of a tool's schema and policy. The patch keeps runs recorded before this replaying.
    if (task.tools.length && patched(PATCHES.toolsResolvedOnWorker.id)) ctx.toolPolicies = await resolveToolsOnWorker(ctx);
    await ctx.stopper.run(() => runSteps(ctx));
    const problem = conversation.outputProblem;
    if (task.output && problem !== undefined) {
      throw ApplicationFailure.create({ type: FailureTypes.outputInvalid, message: outputInvalidMessage(ctx.runId, conversation.answers, problem), nonRetryable: true });
    }
  } catch (caught) {
    if (caught instanceof ContinueAsNew) throw caught;
    // A guardrail's block or a call cut by the money budget stops the run (continuable) instead of failing it.
    const err = stopOnStepFailure(ctx, caught);
    if (isCancellation(err)) {
      const stop = ctx.stopper.stop;
      await CancellationScope.nonCancellable(async () => markStatus(ctx, 'cancelled', stop ? describeStop(stop) : 'cancelled by request (cancelRun); continue it with continueRun'));
      throw ctx.stopper.closing(err);
    }
    markStatus(ctx, 'error', err instanceof Error ? err.message : String(err));
    throw err;
  }
  markStatus(ctx, 'completed', `the model ended its turn (${conversation.stopReason ?? 'no stop reason'})`);
  return {
    output: conversation.finalText,
    stopReason: conversation.stopReason,
    steps: conversation.stepCount,
    ...(task.output ? { structuredOutput: conversation.structuredOutput } : {}),
  };
}

/** The steps, in the stopper's scope: model turn, the repair turn if the answer failed its schema, the tool calls. */
async function runSteps(ctx: RunContext): Promise<void> {
  const { conversation } = ctx;
  for (;;) {
    beforeModelStep(ctx);
    const { tools } = await modelTurn(ctx);
    if (tools.length === 0 && conversation.repairDue && patched(PATCHES.structuredOutputRepair.id)) {
      conversation.applyRepair();
      continue;
    }
    if (tools.length === 0) break;
    beforeToolSteps(ctx, tools);
    // Wait for every call of the turn to settle, so a cancel records each one before the run closes.
    const settled = await Promise.allSettled(tools.map((plan) => toolCall(ctx, plan)));
    applyToolResults(ctx, tools, settled);
    if (continueAsNewDue(ctx)) await continueRunAsNew(ctx);
  }
}
