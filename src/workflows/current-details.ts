// The run as the Temporal Web UI shows it in the workflow's "Current Details" (user metadata set with
// setCurrentDetails: a query answers it, nothing is added to history): status and reason, then the transcript as it
// grows — the task, the model's turns, each tool call with its input, status and result — truncated to stay readable.
// Pure: a function of the loop's state.
import type { ContentBlockParam, MessageParam, RunStatus, RunWarning, StepResult } from '../core/types.js';
import { describeStepContext } from './context-window.js';

export interface DetailsState {
  status: RunStatus;
  /** Why the run is in that status: the stop reason, the error, what it waits for, a cancel in progress. */
  reason?: string;
  execution: number;
  /** Temporal run id of the execution this one continues. */
  continuedFrom?: string;
  messages: MessageParam[];
  /** Every step so far, earlier executions' included (since the last continue-as-new: see `earlierSteps`). */
  steps: StepResult[];
  /** Steps of the executions before the last continue-as-new, which `steps` leaves out (they are counted, not shown). */
  earlierSteps?: number;
  /** Limits the run approaches and cannot pass, with what to change (run-warnings.ts). */
  warnings?: RunWarning[];
}

const TEXT_LIMIT = 600;
const INPUT_LIMIT = 300;
const RESULT_LIMIT = 400;
/** The whole text; older turns are dropped first (the UI stays quick, the query answer stays small). */
const TOTAL_LIMIT = 12_000;

function clip(text: string, limit: number): string {
  const flat = text.trim();
  return flat.length > limit ? `${flat.slice(0, limit - 1)}… (${flat.length} chars)` : flat;
}

function oneLine(text: string, limit: number): string {
  return clip(text.replace(/\s+/g, ' '), limit);
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Inline code, so markdown leaves JSON as it is (no smart quotes, no emphasis). */
function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((block: { type?: string; text?: string }) => (block.type === 'text' ? (block.text ?? '') : `[${block.type ?? 'block'}]`)).join('');
  }
  return json(content);
}

/** One line per block: what a person reading the run wants to see of it. */
function renderBlocks(role: MessageParam['role'], content: MessageParam['content'], steps: Map<string, StepResult>, isTask: boolean): string[] {
  if (typeof content === 'string') return [isTask ? `**Task:** ${clip(content, TEXT_LIMIT)}` : `**${role === 'user' ? 'User' : 'Model'}:** ${clip(content, TEXT_LIMIT)}`];
  const lines: string[] = [];
  for (const block of content as ContentBlockParam[]) {
    if (block.type === 'text') {
      if (block.text.trim()) lines.push(`**${role === 'user' ? 'User' : 'Model'}:** ${clip(block.text, TEXT_LIMIT)}`);
    } else if (block.type === 'tool_use') {
      const step = steps.get(block.id);
      const status = step ? ` · ${step.status}${step.execution > 1 ? ` (execution ${step.execution})` : ''}` : '';
      lines.push(`**Tool call** \`${block.name}\` ${code(oneLine(json(block.input), INPUT_LIMIT))}${status}`);
    } else if (block.type === 'tool_result') {
      const step = steps.get(block.tool_use_id);
      const name = step?.name.replace(/^tool:/, '') ?? block.tool_use_id;
      lines.push(`**Tool result** \`${name}\`${block.is_error ? ' (error)' : ''}: ${oneLine(resultText(block.content), RESULT_LIMIT)}`);
    } else if (block.type === 'thinking') {
      lines.push(`**Model (thinking):** ${oneLine(block.thinking, INPUT_LIMIT)}`);
    }
  }
  return lines;
}

/**
 * A user message's text as rendered, once each tool result in it is named by its step: the results (up to a payload
 * each) are flattened once, not at every activation. The model's messages show their calls' status and are rendered
 * each time.
 */
const renderedResults = new WeakMap<MessageParam, string>();

function renderMessage(message: MessageParam, steps: Map<string, StepResult>): string {
  const cached = renderedResults.get(message);
  if (cached !== undefined) return cached;
  const text = renderBlocks(message.role, message.content, steps, false).join('\n\n');
  const named = typeof message.content !== 'string' && message.content.every((block) => block.type !== 'tool_result' || steps.has(block.tool_use_id));
  if (message.role === 'user' && named) renderedResults.set(message, text);
  return text;
}

export function renderCurrentDetails(state: DetailsState): string {
  const steps = new Map<string, StepResult>();
  // The latest record of a tool call wins: a cancelled call that ran again in a continuation shows its new status.
  for (const step of state.steps) if (step.toolUseId) steps.set(step.toolUseId, step);
  const header = [
    `**Status:** ${state.status}${state.reason ? ` — ${oneLine(state.reason, TEXT_LIMIT)}` : ''}`,
    `**Execution:** ${state.execution}${state.continuedFrom ? ` (continues ${state.continuedFrom})` : ''} · **Steps:** ${state.steps.length + (state.earlierSteps ?? 0)}`,
  ];
  // Tool calls still running have no result yet: list them where the transcript will show their results.
  const running = state.steps.filter((s) => s.status === 'running').map((s) => `${s.name} (step ${s.index})`);
  if (running.length) header.push(`**Running:** ${running.join(', ')}`);
  // What the last compacted request sent (Task `context`): the transcript below is the whole one, as history has it.
  const compacted = state.steps.filter((s) => s.context).at(-1);
  if (compacted?.context) header.push(`**Context:** step ${compacted.index} (${compacted.name}): ${describeStepContext(compacted.context)}`);
  for (const warning of state.warnings ?? []) header.push(`**Warning:** ${oneLine(warning.message, TEXT_LIMIT)}`);
  // Keep the task and as many of the latest turns as fit; render newest first so a long run costs only what is shown.
  const budget = TOTAL_LIMIT - header.join('\n\n').length;
  const task = state.messages[0] ? renderBlocks(state.messages[0].role, state.messages[0].content, steps, true).join('\n\n') : '';
  const latest: string[] = [];
  let used = task.length;
  let first = state.messages.length;
  for (let i = state.messages.length - 1; i >= 1; i--) {
    const message = state.messages[i] as MessageParam;
    const text = renderMessage(message, steps);
    if (latest.length && used + text.length > budget) break;
    if (text) latest.unshift(text);
    used += text.length;
    first = i;
  }
  const dropped = first - 1;
  const gap = dropped > 0 ? [`… ${dropped} earlier message${dropped === 1 ? '' : 's'} not shown …`] : [];
  const body = [task, ...gap, ...latest].filter(Boolean).join('\n\n');
  return `${header.join('\n\n')}\n\n---\n\n${clip(body, TOTAL_LIMIT)}`;
}
