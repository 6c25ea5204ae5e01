// What a tool's value or failure becomes as the tool_result the model reads. Pure and bundle-safe: the tool activity,
// the loop (for activityTools and agentTools, whose steps are the user's activity or a child workflow) and the history
// reader all turn values into results here, so a recorded step reads back as exactly what the model saw.
import { ApplicationFailure } from '@temporalio/common';
import type { ToolCallResult } from '../core/types.js';
import { utf8Bytes } from '../core/payload-size.js';

/** Keeps one tool result well inside Temporal's 2 MB payload limit, with room for the rest of the event. */
export const MAX_TOOL_RESULT_BYTES = 1_000_000;

export function errorResult(content: string): ToolCallResult {
  return { content, isError: true };
}

/** A string as it is, anything else as JSON; throws TypeError for values JSON cannot express. */
export function serialiseToolValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`a value of type ${typeof value} has no JSON form`);
  return json;
}

/** The tool's returned value as the model reads it, or the error result that says why it cannot. */
export function toolValueResult(toolName: string, value: unknown): ToolCallResult {
  let content: string;
  try {
    content = serialiseToolValue(value);
  } catch (err) {
    return errorResult(`Tool ${toolName} returned a value that cannot be serialised: ${(err as Error).message}`);
  }
  const bytes = utf8Bytes(content);
  if (bytes > MAX_TOOL_RESULT_BYTES) {
    return errorResult(
      `Tool ${toolName} returned ${bytes} bytes, over the ${MAX_TOOL_RESULT_BYTES}-byte limit ` +
        `for one result (Temporal payloads are capped at 2 MB). Ask for less, or have the tool store large output elsewhere.`,
    );
  }
  return { content, isError: false };
}

/** An agentTool's sub-run cancelled on its own (cancelRun on its run id), not through the run that called it. */
export function subRunCancelledResult(toolName: string, subRunId: string): ToolCallResult {
  return errorResult(`Tool ${toolName} was stopped: its agent run ${subRunId} was cancelled.`);
}

/** A Temporal activity's or child workflow's final failure (its cause, as history records it) as the model reads it. */
export function failedToolResult(toolName: string, failure: Error): ToolCallResult {
  const what = failure instanceof ApplicationFailure && failure.type ? failure.type : failure.name;
  return errorResult(`Tool ${toolName} failed: ${what}: ${failure.message}`);
}

/**
 * The result of a call to a tool that is not safe to repeat (`idempotent: false`) which was cut mid-flight: it is not
 * run again, and the model is told it may or may not have taken effect, with the last progress the call reported.
 */
export function interruptedResult(toolName: string, checkpoint: unknown): ToolCallResult {
  let last = '';
  if (checkpoint !== undefined && checkpoint !== null) {
    try {
      last = ` Its last checkpoint: ${serialiseToolValue(checkpoint)}.`;
    } catch {
      last = '';
    }
  }
  return errorResult(
    `Tool ${toolName} was interrupted mid-call (a cancel or a worker failure cut it) and may or may not have taken effect. ` +
      `It is not safe to repeat, so it was not run again.${last} Check whether it took effect before calling it again.`,
  );
}
