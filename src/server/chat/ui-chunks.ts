// A run's StreamEvents as Vercel AI SDK UI message chunks (the `x-vercel-ai-ui-message-stream: v1` protocol that
// `useChat` reads): one assistant message per run (its id is the run id, so a continuation extends the same message),
// each model step a step with its text, each tool call a tool part (input, output, or its approval request when the
// run pauses on it), and the run's status as a `data-run` part that is replaced in place. The chunk types are the
// AI SDK's (`UIMessageChunk` in the `ai` package); they are written out here so the server needs no `ai` at run time.
import type { Requirement, StreamEvent } from '../../core/types.js';
import { isSummarizeActivityId } from '../../workflows/conversation.js';

/** The part of the `data-run` data: where the run is and why it stopped, for a page's status line. */
export interface RunStatusData {
  runId: string;
  status: 'running' | 'paused' | 'cancelled' | 'completed' | 'error';
  execution: number;
  /** Why it stopped (cancelled runs) or failed (error runs). */
  reason?: string;
  /** The offset after this event: where a stream resumes. */
  offset: number;
}

/** A UI message chunk as this server writes it (a subset of the AI SDK's UIMessageChunk union). */
export type UiChunk =
  | { type: 'start'; messageId: string }
  | { type: 'finish'; finishReason?: 'stop' | 'error' | 'other' }
  | { type: 'start-step' }
  | { type: 'finish-step' }
  | { type: 'reset-step' }
  | { type: 'text-start' | 'text-end'; id: string }
  | { type: 'text-delta'; id: string; delta: string }
  | { type: 'tool-input-start'; toolCallId: string; toolName: string }
  | { type: 'tool-input-available'; toolCallId: string; toolName: string; input: unknown }
  | { type: 'tool-output-available'; toolCallId: string; output: unknown }
  | { type: 'tool-output-error'; toolCallId: string; errorText: string }
  | { type: 'tool-approval-request'; approvalId: string; toolCallId: string }
  | { type: 'data-run'; id: string; data: RunStatusData }
  | { type: 'error'; errorText: string };

/** The tool_use id at the end of a tool step's activity id (`step-4-tool-<name>-<toolUseId>`). */
function toolCallIdOf(activityId: string, toolName: string): string {
  const prefix = /^step-\d+-tool-/.exec(activityId)?.[0] ?? '';
  return activityId.slice(prefix.length + toolName.length + 1) || activityId;
}

/** Turns one stream's events into chunks; keeps what it needs to pair starts and ends (one per HTTP response). */
export class UiChunkMapper {
  private openText: string | undefined;
  private openStep = false;
  private attempts = new Map<string, number>();
  private toolInput = new Set<string>();
  private toolStarted = new Set<string>();
  private paused = false;

  constructor(private readonly runId: string) {}

  /** The chunks that open the response: the run's assistant message. */
  start(): UiChunk[] {
    return [{ type: 'start', messageId: this.runId }];
  }

  /** The chunks of one event; `toolInput`: the input of a tool step that starts, when the caller looked it up. */
  map(event: StreamEvent, toolInput?: unknown): UiChunk[] {
    const out: UiChunk[] = [];
    // A summarisation step (Task `context`, strategy summarize) is no part of the chat: its summary is not an answer.
    const activityId = 'step' in event ? event.step.activityId : 'activityId' in event ? event.activityId : undefined;
    if (activityId !== undefined && isSummarizeActivityId(activityId)) return out;
    const status = (s: RunStatusData['status'], reason?: string): UiChunk => {
      this.paused = s === 'paused';
      return {
        type: 'data-run',
        id: 'status',
        data: { runId: event.runId, status: s, execution: event.execution, offset: event.nextOffset, ...(reason ? { reason } : {}) },
      };
    };
    // An answered pause: the run moves on.
    if (this.paused && (event.type === 'step_started' || event.type === 'tool_result' || event.type === 'step_completed')) out.push(status('running'));
    switch (event.type) {
      case 'run_started':
        out.push(status('running'));
        break;
      case 'step_started':
        if (event.step.name === 'model') {
          this.closeStep(out);
          out.push({ type: 'start-step' });
          this.openStep = true;
        } else {
          const toolName = event.step.name.slice('tool:'.length);
          const toolCallId = toolCallIdOf(event.step.activityId, toolName);
          // A call re-run by a continuation keeps its part (a second start would blank its input).
          if (!this.toolStarted.has(toolCallId)) out.push({ type: 'tool-input-start', toolCallId, toolName });
          this.toolStarted.add(toolCallId);
          this.inputOf(out, toolCallId, toolName, toolInput);
        }
        break;
      case 'text_delta': {
        const id = `${event.activityId}-e${event.execution}-a${this.attempts.get(event.activityId) ?? 1}`;
        if (this.openText !== id) {
          this.closeText(out);
          if (!this.openStep) {
            out.push({ type: 'start-step' });
            this.openStep = true;
          }
          out.push({ type: 'text-start', id });
          this.openText = id;
        }
        if (event.text) out.push({ type: 'text-delta', id, delta: event.text });
        break;
      }
      case 'step_restarted':
        this.attempts.set(event.activityId, event.attempt);
        this.openText = undefined;
        out.push({ type: 'reset-step' });
        break;
      case 'step_completed': {
        const { step } = event;
        if (step.name === 'model') {
          this.closeStep(out);
        } else {
          const toolName = step.name.slice('tool:'.length);
          const toolCallId = step.toolUseId ?? toolCallIdOf(step.activityId, toolName);
          this.inputOf(out, toolCallId, toolName, step.toolInput, true);
          if (step.status === 'cancelled') out.push({ type: 'tool-output-error', toolCallId, errorText: 'stopped' });
        }
        break;
      }
      case 'tool_result': {
        const toolCallId = toolCallIdOf(event.activityId, event.toolName);
        out.push(
          event.isError
            ? { type: 'tool-output-error', toolCallId, errorText: event.content }
            : { type: 'tool-output-available', toolCallId, output: event.content },
        );
        break;
      }
      case 'paused':
        this.closeStep(out);
        for (const r of event.requirements) out.push(...this.approval(r));
        out.push(status('paused'));
        break;
      case 'cancelled':
        this.closeStep(out);
        out.push(status('cancelled', event.output.stop?.reason ?? 'cancelled'), { type: 'finish', finishReason: 'other' });
        break;
      case 'completed':
        this.closeStep(out);
        out.push(status('completed'), { type: 'finish', finishReason: 'stop' });
        break;
      case 'error':
        this.closeStep(out);
        out.push(status('error', event.output.error?.message), { type: 'error', errorText: event.output.error?.message ?? 'the run failed' });
        break;
    }
    return out;
  }

  private approval(r: Requirement): UiChunk[] {
    const out: UiChunk[] = [];
    this.inputOf(out, r.id, r.toolName, r.toolInput, true);
    // Only confirmations are approvals in the AI SDK's sense; input and external results go through POST answer.
    if (r.kind === 'confirmation') out.push({ type: 'tool-approval-request', approvalId: r.id, toolCallId: r.id });
    return out;
  }

  /** The call's input, once it is known (a call cut by a stop records none; its re-run does). */
  private inputOf(out: UiChunk[], toolCallId: string, toolName: string, input: unknown, force = false): void {
    if (input === undefined || (this.toolInput.has(toolCallId) && !force)) return;
    this.toolInput.add(toolCallId);
    out.push({ type: 'tool-input-available', toolCallId, toolName, input });
  }

  private closeText(out: UiChunk[]): void {
    if (this.openText) out.push({ type: 'text-end', id: this.openText });
    this.openText = undefined;
  }

  private closeStep(out: UiChunk[]): void {
    this.closeText(out);
    if (this.openStep) out.push({ type: 'finish-step' });
    this.openStep = false;
  }
}
