// Continue-as-new at a step boundary: a run of thousands of steps would pass Temporal's history limits (a warning at
// 10,240 events, termination at 51,200 events or 50 MB) and make a worker that lost its cache replay all of it. Once
// Temporal suggests it, or past the task's `continueAsNewEvery` steps in this execution, the loop continues as new under
// the same run id with a continuation seed built here, from its own state: the conversation as it stands (a snapshot,
// the one thing the next execution needs to go on), the usage and time so far, the user messages still to come. The
// steps themselves stay where they are recorded, in this execution's history; readers follow the chain of executions
// (src/history/read-execution.ts) as they do for a continuation.
import { allHandlersFinished, condition, continueAsNew, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { jsonPayloadBytes, MAX_PAYLOAD_BYTES } from '../../core/payload-size.js';
import type { ContinuationSeed, ConversationSnapshot, RunInput, SnapshotResult } from '../../core/types.js';
import { snapshotResultsQuery } from '../definitions.js';
import { digestOfHeld, mapToolResults } from '../recorded-results.js';
import type { agentRun } from './run.js';
import type { RunContext } from './context.js';
import { PATCHES } from './patches.js';

/**
 * At a boundary between steps (a turn's tool results applied, nothing in flight, no call waiting for a human): true when
 * the run should continue as new here. Never while a stop is in effect: the loop stops instead.
 */
export function continueAsNewDue(ctx: RunContext): boolean {
  if (ctx.stopper.stopping || ctx.waiting.size > 0 || tooLarge.has(ctx)) return false;
  const every = ctx.task.continueAsNewEvery;
  const due = workflowInfo().continueAsNewSuggested || (every !== undefined && ctx.liveSteps.length >= every);
  // Consulted only where it would continue as new, so runs recorded before it replay unchanged.
  return due && patched(PATCHES.continueAsNew.id);
}

/** Runs whose next input would pass Temporal's payload limit: they go on in this execution (show warns: run-warnings.ts). */
const tooLarge = new WeakSet<RunContext>();

/**
 * Continues the run as new with the seed of what comes next, once the handlers in flight have finished; returns (the
 * run goes on here) only when that input would pass Temporal's payload limit, which would fail every workflow task.
 */
export async function continueRunAsNew(ctx: RunContext): Promise<void> {
  await condition(allHandlersFinished);
  const input: RunInput = { ...ctx.input, seed: nextSeed(ctx) };
  if (jsonPayloadBytes(input) > MAX_PAYLOAD_BYTES) {
    tooLarge.add(ctx);
    return;
  }
  await continueAsNew<typeof agentRun>(input);
}

/** The seed the next execution starts from: built in the workflow, as the history reader builds a continuation's. */
export function nextSeed(ctx: RunContext): ContinuationSeed {
  const { seed } = ctx;
  const info = workflowInfo();
  return {
    // Every step so far is in the snapshot's conversation: none is left to take from the seed.
    completed: {},
    previousSteps: [],
    usage: ctx.stopper.usage,
    executions: ctx.execution,
    continuedFrom: info.runId,
    snapshot: { ...byReference(ctx, ctx.conversation.snapshot(info.runId)), context: ctx.contextWindow.state() },
    ...(seed?.redirects ? { redirects: seed.redirects } : {}),
    elapsedMs: (seed?.elapsedMs ?? 0) + Math.max(0, new Date().getTime() - info.startTime.getTime()),
  };
}

/**
 * The snapshot with the content of every tool result this execution's history holds left out and referred to instead
 * (the transcript by reference): the earlier snapshot's references, this execution's callTool steps and the results its
 * seed carried (a continuation's input holds them). What is left grows by the model's own messages and a reference per
 * tool call, not by the tool results.
 */
function byReference(ctx: RunContext, snapshot: ConversationSnapshot): ConversationSnapshot {
  const execution = workflowInfo().runId;
  const results: Record<string, SnapshotResult> = { ...ctx.seed?.snapshot?.results };
  const messages = mapToolResults(snapshot.messages, (block) => {
    const activityId = ctx.toolStepsRun.get(block.tool_use_id) ?? ctx.toolStepsSeeded.get(block.tool_use_id);
    if (activityId === undefined || !('content' in block)) return block;
    results[block.tool_use_id] = { activityId, digest: digestOfHeld(block), execution };
    const { content: _content, ...rest } = block;
    return rest;
  });
  return Object.keys(results).length ? { ...snapshot, messages, results } : snapshot;
}

/** Answers which tool results the transcript refers to (a worker fills them in: src/activities/transcript-cache.ts). */
export function answerSnapshotQuery(ctx: RunContext): void {
  setHandler(snapshotResultsQuery, () => ctx.seed?.snapshot?.results ?? {});
}
