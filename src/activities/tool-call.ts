// The tool activity. What the tool does wrong (bad input, a throw, a timeout, an unserialisable result) becomes an
// `is_error` tool_result the model sees and the run goes on; only a cancel or a missing tool stops the step.
import { Context } from '@temporalio/activity';
import { z } from 'zod';
import { ApplicationFailure } from '@temporalio/common';
import { FailureTypes, type GuardrailBlock, type ToolCallInput, type ToolCallResult } from '../core/types.js';
import { startHeartbeatLoop, whenAborted, type QuietHeartbeats } from './heartbeat-loop.js';
import { stepStopped } from './step-stopped.js';
import { checkpointOf } from './tool-checkpoint.js';
import type { ToolRegistry } from '../tools/tool-registry.js';
import type { TranscriptCache } from './transcript-cache.js';
import { applyHumanResolution } from './human-resolution.js';
import { recordGuardrails, recordToolDuration } from './agent-metrics.js';
import { errorResult, interruptedResult, MAX_TOOL_RESULT_BYTES, serialiseToolValue, toolValueResult } from '../workflows/tool-results.js';
import { idempotencyKeyOf } from '../tools/idempotency.js';
import { ToolUnavailableError } from '../tools/tool-unavailable.js';
import { GuardrailSet } from '../guardrails/guardrail-set.js';

export const DEFAULT_TOOL_TIMEOUT_MS = 5 * 60_000;
export { MAX_TOOL_RESULT_BYTES };

class ToolTimeoutError extends Error {
  override name = 'ToolTimeoutError';
}

export function createToolActivity(registry: ToolRegistry, heartbeatIntervalMs: number, transcripts?: TranscriptCache, quiet?: QuietHeartbeats, guardrails = new GuardrailSet()) {
  const callToolOnce = async function callToolOnce(input: ToolCallInput): Promise<ToolCallResult> {
    const ctx = Context.current();
    if (input.availableTools) {
      const names = input.availableTools.length ? input.availableTools.join(', ') : 'none';
      return errorResult(`Tool "${input.toolName}" is not available in this run. Available tools: ${names}.`);
    }
    const tool = registry.require(input.toolName);
    const human = applyHumanResolution(tool, input, serialiseToolValue);
    if (!human.run) return human.result;
    const run = tool.run?.bind(tool);
    if (!run) return errorResult(`Tool ${tool.name} runs outside the worker: its result is submitted by a human, not computed here.`);
    const parsed = tool.input.safeParse(human.input);
    if (!parsed.success) {
      return errorResult(`Invalid input for tool ${tool.name}: ${z.prettifyError(parsed.error)}`);
    }

    // Where an earlier attempt or execution of this call got to. Reported again until the tool reports anew, so a second
    // cut keeps it.
    const checkpoint = checkpointOf(input, ctx);
    // An earlier attempt of a call that is not safe to repeat may have acted before its worker died: say so, don't repeat.
    if (tool.idempotent === false && ctx.info.attempt > 1) return interruptedResult(tool.name, checkpoint);
    const runId = input.runId ?? ctx.info.workflowExecution?.workflowId ?? '';
    let progress: unknown = checkpoint;
    const started = performance.now();
    let outcome: 'ok' | 'error' | 'cancelled' = 'error';
    const loop = startHeartbeatLoop(heartbeatIntervalMs, () => progress, quiet);
    const timeoutMs = input.timeoutMs ?? tool.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
    const timeout = setTimeout(() => loop.abort(new ToolTimeoutError(`timed out after ${timeoutMs} ms`)), timeoutMs);
    try {
      const running = Promise.resolve().then(() =>
        run(parsed.data, {
          signal: loop.signal,
          heartbeat: (details) => {
            progress = details;
            ctx.heartbeat(details);
          },
          runId,
          toolUseId: input.toolUseId,
          attempt: ctx.info.attempt,
          idempotencyKey: idempotencyKeyOf(runId, input.toolUseId),
          checkpoint,
        }),
      );
      // Racing the abort means a tool that ignores its signal is abandoned at once rather than awaited.
      const value = await Promise.race([running, whenAborted(loop.signal)]);
      const result = toolValueResult(tool.name, value);
      if (!result.isError) outcome = 'ok';
      return result;
    } catch (err) {
      if (ctx.cancellationSignal.aborted) {
        outcome = 'cancelled';
        throw stepStopped(`tool ${tool.name}`, progress, ctx);
      }
      if (err instanceof ToolTimeoutError) return errorResult(`Tool ${tool.name} ${err.message} and was stopped.`);
      if (err instanceof ToolUnavailableError) throw err;
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      return errorResult(`Tool ${tool.name} failed: ${message}`);
    } finally {
      clearTimeout(timeout);
      loop.stop();
      recordToolDuration(tool.name, outcome, performance.now() - started);
    }
  };
  // The tool's input and result go through the task's guardrails; the next model call refers to the result its step
  // recorded (the guarded one): keep it for that call (transcript-cache.ts).
  return async function callTool(input: ToolCallInput): Promise<ToolCallResult> {
    const ctx = Context.current();
    const guards = guardrails.select(input.guardrails);
    const where = { runId: input.runId ?? ctx.info.workflowExecution?.workflowId ?? '', stepIndex: input.stepIndex, toolName: input.toolName };
    const guarded = async <T>(check: () => Promise<T>): Promise<T> => {
      try {
        return await check();
      } catch (err) {
        if (err instanceof ApplicationFailure && err.type === FailureTypes.guardrailBlocked) recordGuardrails([], err.details?.[0] as GuardrailBlock);
        throw err;
      }
    };
    const guardedInput = await guarded(() => guards.toolInput(input.input, where));
    const ran = await callToolOnce(guardedInput.value === input.input ? input : { ...input, input: guardedInput.value });
    const guardedOutput = await guarded(() => guards.toolOutput(ran.content, where));
    const notes = [...guardedInput.notes, ...guardedOutput.notes];
    recordGuardrails(notes);
    const result: ToolCallResult = notes.length ? { ...ran, content: guardedOutput.value, guardrails: notes } : ran;
    transcripts?.rememberToolResult(result, input.toolUseId);
    return result;
  };
}
