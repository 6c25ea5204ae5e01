// The agent loop's bookkeeping as a pure state machine: which step comes next, its deterministic activity id, and
// how each result extends the transcript. The workflow drives it with activities; the history reader drives it
// with recorded results. Both therefore agree on step indices, activity ids and messages by construction.
import type { ContentBlockParam, ConversationSnapshot, MessageParam, ModelCallResult, Redirect, TaskSpec, ToolCallResult } from '../core/types.js';
import { problemOf, repairMessage } from './structured-output.js';

export interface ModelStepPlan {
  kind: 'model';
  index: number;
  turn: number;
  activityId: string;
  /** `summarize`: the summarisation turn before model step `index` (src/workflows/context-window.ts). */
  name: 'model' | 'summarize';
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

/** The activity id of the summarisation step that comes before model step `index` (Task `context`, strategy `summarize`). */
export function summarizeActivityId(index: number): string {
  return `step-${index}-summarize`;
}

/** The activity id is a summarisation step's (not a turn of the conversation). */
export function isSummarizeActivityId(activityId: string): boolean {
  return /^step-\d+-summarize$/.test(activityId);
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

/**
 * A tool call's result as the transcript holds it. The one place its keys are put in order: a worker that rebuilds a
 * message of tool results (src/activities/transcript-cache.ts) must send the very bytes the transcript has, or a
 * continuation's re-sent prompt would miss Anthropic's prompt cache.
 */
export function toolResultBlock(toolUseId: string, result: ToolCallResult): ContentBlockParam {
  return { type: 'tool_result', tool_use_id: toolUseId, content: result.content, is_error: result.isError };
}

export class Conversation {
  readonly messages: MessageParam[];
  private nextIndex = 0;
  private nextTurn = 0;
  private lastModel: ModelCallResult | undefined;
  private repairs = 0;
  private readonly maxRepairs: number;

  /**
   * `redirects`: user messages continuations added, each placed just before the model step it names. A run that
   * remembers its session starts after the session's earlier conversation (TaskSpec.memory). A run that continued as
   * new starts where its snapshot left off.
   */
  constructor(
    task: TaskSpec,
    private readonly redirects: readonly Redirect[] = [],
    snapshot?: ConversationSnapshot,
  ) {
    this.messages = snapshot ? [...snapshot.messages] : [...(task.memory?.messages ?? []), { role: 'user', content: task.description }];
    this.maxRepairs = task.output?.maxRepairs ?? 0;
    if (snapshot) {
      this.nextIndex = snapshot.steps;
      this.nextTurn = snapshot.turns;
      this.repairs = snapshot.repairs;
    }
  }

  /** The conversation as it stands, for the next execution to start from (`from`: this execution's Temporal run id). */
  snapshot(from: string): ConversationSnapshot {
    return { messages: [...this.messages], steps: this.nextIndex, turns: this.nextTurn, repairs: this.repairs, from };
  }

  /** The last answer failed the task's output schema and a repair is left: the next turn asks the model to fix it. */
  get repairDue(): boolean {
    return this.outputProblem !== undefined && this.repairs < this.maxRepairs;
  }

  /** What the worker found wrong with the last answer (tasks with an output schema). */
  get outputProblem(): string | undefined {
    return problemOf(this.lastModel?.output);
  }

  /** The answer parsed and checked against the task's output schema, once the worker found it valid. */
  get structuredOutput(): unknown {
    const check = this.lastModel?.output;
    return check?.valid ? check.value : undefined;
  }

  /** Model answers checked against the output schema so far: the first one and each repair. */
  get answers(): number {
    return this.repairs + 1;
  }

  /** Adds the user message that asks the model to fix its last answer (only when repairDue). */
  applyRepair(): void {
    const problem = this.outputProblem;
    if (problem === undefined) throw new Error('no answer to repair');
    this.repairs++;
    this.messages.push(repairMessage(problem));
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
    for (const redirect of this.redirects) if (redirect.beforeStep === index) this.addUserText(redirect.text);
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

  /** Adds text to the user message the next model step answers (after its tool results: the API wants those first). */
  private addUserText(text: string): void {
    const last = this.messages.length - 1;
    const message = this.messages[last];
    if (message?.role !== 'user') throw new Error('a redirect must follow a user message');
    const blocks: ContentBlockParam[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : [...message.content];
    this.messages[last] = { role: 'user', content: [...blocks, { type: 'text', text }] };
  }

  /** Records the results of one turn's tool calls, in the order the model asked for them. */
  applyToolResults(plans: ToolStepPlan[], results: ToolCallResult[]): void {
    this.messages.push({
      role: 'user',
      content: plans.map((plan, i) => {
        const result = results[i];
        if (!result) throw new Error(`missing result for ${plan.activityId}`);
        return toolResultBlock(plan.toolUseId, result);
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

export function replayConversation(task: TaskSpec, lookup: OutcomeLookup, redirects?: readonly Redirect[], snapshot?: ConversationSnapshot): Replay {
  const conversation = new Conversation(task, redirects, snapshot);
  for (;;) {
    const modelStep = conversation.planModelStep();
    const modelOutcome = lookup(modelStep.activityId);
    if (modelOutcome?.kind !== 'model') return { conversation, finished: false, openToolSteps: [] };
    const toolSteps = conversation.applyModelResult(modelOutcome.result);
    if (toolSteps.length === 0 && conversation.repairDue) {
      conversation.applyRepair();
      continue;
    }
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
