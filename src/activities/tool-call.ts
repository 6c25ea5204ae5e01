// The tool activity. What the tool does wrong (bad input, a throw, a timeout, an unserialisable result) becomes an
// `is_error` tool_result the model sees and the run goes on; only a cancel or a missing tool stops the step.
import { CancelledFailure, Context } from '@temporalio/activity';
import { z } from 'zod';
import type { ToolCallInput, ToolCallResult } from '../types.js';
import { startHeartbeatLoop, whenAborted, type QuietHeartbeats } from './heartbeat-loop.js';
import type { ToolRegistry } from './tool-registry.js';
import type { TranscriptCache } from './transcript-cache.js';
import { applyHumanResolution } from './human-resolution.js';
import { recordToolDuration } from './agent-metrics.js';

export const DEFAULT_TOOL_TIMEOUT_MS = 5 * 60_000;
/** Keeps one tool result well inside Temporal's 2 MB payload limit, with room for the rest of the event. */
export const MAX_TOOL_RESULT_BYTES = 1_000_000;

class ToolTimeoutError extends Error {
  override name = 'ToolTimeoutError';
}

function errorResult(content: string): ToolCallResult {
  return { content, isError: true };
}

function serialise(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`a value of type ${typeof value} has no JSON form`);
  return json;
}

export function createToolActivity(registry: ToolRegistry, heartbeatIntervalMs: number, transcripts?: TranscriptCache, quiet?: QuietHeartbeats) {
  const callToolOnce = async function callToolOnce(input: ToolCallInput): Promise<ToolCallResult> {
    const ctx = Context.current();
    if (input.availableTools) {
      const names = input.availableTools.length ? input.availableTools.join(', ') : 'none';
      return errorResult(`Tool "${input.toolName}" is not available in this run. Available tools: ${names}.`);
    }
    const tool = registry.require(input.toolName);
    const human = applyHumanResolution(tool, input, serialise);
    if (!human.run) return human.result;
    const run = tool.run?.bind(tool);
    if (!run) return errorResult(`Tool ${tool.name} runs outside the worker: its result is submitted by a human, not computed here.`);
    const parsed = tool.input.safeParse(human.input);
    if (!parsed.success) {
      return errorResult(`Invalid input for tool ${tool.name}: ${z.prettifyError(parsed.error)}`);
    }

    let progress: unknown = undefined;
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
          runId: input.runId,
          toolUseId: input.toolUseId,
          attempt: ctx.info.attempt,
        }),
      );
      // Racing the abort means a tool that ignores its signal is abandoned at once rather than awaited.
      const value = await Promise.race([running, whenAborted(loop.signal)]);
      let content: string;
      try {
        content = serialise(value);
      } catch (err) {
        return errorResult(`Tool ${tool.name} returned a value that cannot be serialised: ${(err as Error).message}`);
      }
      if (Buffer.byteLength(content) > MAX_TOOL_RESULT_BYTES) {
        return errorResult(
          `Tool ${tool.name} returned ${Buffer.byteLength(content)} bytes, over the ${MAX_TOOL_RESULT_BYTES}-byte limit ` +
            `for one result (Temporal payloads are capped at 2 MB). Ask for less, or have the tool store large output elsewhere.`,
        );
      }
      outcome = 'ok';
      return { content, isError: false };
    } catch (err) {
      if (ctx.cancellationSignal.aborted) {
        outcome = 'cancelled';
        throw new CancelledFailure(`tool ${tool.name} cancelled`, [progress]);
      }
      if (err instanceof ToolTimeoutError) return errorResult(`Tool ${tool.name} ${err.message} and was stopped.`);
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      return errorResult(`Tool ${tool.name} failed: ${message}`);
    } finally {
      clearTimeout(timeout);
      loop.stop();
      recordToolDuration(tool.name, outcome, performance.now() - started);
    }
  };
  // The next model call refers to the result its step recorded: keep it for that call (transcript-cache.ts).
  return async function callTool(input: ToolCallInput): Promise<ToolCallResult> {
    const result = await callToolOnce(input);
    transcripts?.rememberToolResult(result.content);
    return result;
  };
}
