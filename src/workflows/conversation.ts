// The agent loop's bookkeeping as a pure state machine: which step comes next, its deterministic activity id, and
// how each result extends the transcript. The workflow drives it with activities; the history reader drives it
// with recorded results. Both therefore agree on step indices, activity ids and messages by construction.
import type { ContentBlockParam, MessageParam, ModelCallResult, TaskSpec, ToolCallResult } from '../types.js';

export interface ModelStepPlan {
  kind: 'model';
  index: number;
  turn: number;
  activityId: string;
  name: 'model';
}

export interface ToolStepPlan {
  kind: 'tool';
  index: number;
  activityId: string;
  name: `tool:${string}`;
  toolName: string;
  toolUseId: string;
  input: unknown;
}

export type StepPlan = ModelStepPlan | ToolStepPlan;

export function modelActivityId(index: number): string {
  return `step-${index}-model`;
}

export function toolActivityId(index: number, toolName: string, toolUseId: string): string {
  return `step-${index}-tool-${toolName}-${toolUseId}`;
}

interface ToolUseLike {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
}

function isToolUse(block: ContentBlockParam): block is ContentBlockParam & ToolUseLike {
  return block.type === 'tool_use';
}

export function textOf(content: ContentBlockParam[]): string {
  return content
    .map((block) => (block.type === 'text' ? block.text : ''))
    .join('');
}

export class Conversation {
  readonly messages: MessageParam[];
  private nextIndex = 0;
  private nextTurn = 0;
  private lastModel: ModelCallResult | undefined;

  constructor(task: TaskSpec) {
    this.messages = [{ role: 'user', content: task.description }];
  }

  /** Steps planned so far (model and tool calls), i.e. the index the next step gets. */
  get stepCount(): number {
    return this.nextIndex;
  }

  get finalText(): string {
    return this.lastModel ? textOf(this.lastModel.content) : '';
  }

  get stopReason(): string | null {
    return this.lastModel?.stopReason ?? null;
  }

  planModelStep(): ModelStepPlan {
    const index = this.nextIndex++;
    return { kind: 'model', index, turn: this.nextTurn++, activityId: modelActivityId(index), name: 'model' };
  }

  /** Records the model's answer; returns the tool calls it asked for (none means the run is finished). */
  applyModelResult(result: ModelCallResult): ToolStepPlan[] {
    this.lastModel = result;
    this.messages.push({ role: 'assistant', content: result.content });
    return result.content.filter(isToolUse).map((block) => {
      const index = this.nextIndex++;
      return {
        kind: 'tool',
        index,
        activityId: toolActivityId(index, block.name, block.id),
        name: `tool:${block.name}`,
        toolName: block.name,
        toolUseId: block.id,
        input: block.input,
      };
    });
  }

  /** Records the results of one turn's tool calls, in the order the model asked for them. */
  applyToolResults(plans: ToolStepPlan[], results: ToolCallResult[]): void {
    this.messages.push({
      role: 'user',
      content: plans.map((plan, i) => {
        const result = results[i];
        if (!result) throw new Error(`missing result for ${plan.activityId}`);
        return { type: 'tool_result', tool_use_id: plan.toolUseId, content: result.content, is_error: result.isError };
      }),
    });
  }
}

export type OutcomeLookup = (activityId: string) => { kind: 'model'; result: ModelCallResult } | { kind: 'tool'; result: ToolCallResult } | undefined;

/**
 * Replays the loop over recorded results, stopping at the first step that has none.
 * Returns the conversation as far as it got and the plans of the steps that had no result.
 */
export interface Replay {
  conversation: Conversation;
  finished: boolean;
  /** The tool calls of the turn the replay stopped in (empty when it stopped at a model step). */
  openToolSteps: ToolStepPlan[];
}

export function replayConversation(task: TaskSpec, lookup: OutcomeLookup): Replay {
  const conversation = new Conversation(task);
  for (;;) {
    const modelStep = conversation.planModelStep();
    const modelOutcome = lookup(modelStep.activityId);
    if (modelOutcome?.kind !== 'model') return { conversation, finished: false, openToolSteps: [] };
    const toolSteps = conversation.applyModelResult(modelOutcome.result);
    if (toolSteps.length === 0) return { conversation, finished: true, openToolSteps: [] };
    const results: ToolCallResult[] = [];
    for (const step of toolSteps) {
      const outcome = lookup(step.activityId);
      if (outcome?.kind !== 'tool') return { conversation, finished: false, openToolSteps: toolSteps };
      results.push(outcome.result);
    }
    conversation.applyToolResults(toolSteps, results);
  }
}

/** The step index encoded in a deterministic activity id (`step-<index>-...`). */
export function stepIndexOf(activityId: string): number | undefined {
  const match = /^step-(\d+)-/.exec(activityId);
  return match ? Number(match[1]) : undefined;
}

/**
 * The step of a tool call that is not a `callTool` activity (an activityTool's activity, an agentTool's sub-run), read
 * back from its activity id, given the names it may have; undefined when the id is no such step.
 */
export function toolStepOf(activityId: string, toolNames: Iterable<string>): { index: number; toolName: string; toolUseId: string } | undefined {
  const match = /^step-(\d+)-tool-(.+)$/.exec(activityId);
  if (!match) return undefined;
  const rest = match[2]!;
  const toolName = [...toolNames].filter((name) => rest.startsWith(`${name}-`)).sort((a, b) => b.length - a.length)[0];
  return toolName ? { index: Number(match[1]), toolName, toolUseId: rest.slice(toolName.length + 1) } : undefined;
}
