// The guardrail concept: a check a worker runs on a step's text where it crosses a boundary — what leaves for the
// model, what the model answers, a tool call's input and its result — that lets it through, blocks it with a reason
// (the run stops, continuable, with reason `guardrail`) or rewrites it (e.g. redacts it; the rewritten text is what the
// model gets and what the step records). Guardrails are code on the worker (createWorker({ guardrails })); a task picks
// some of them by name (Task({ guardrails })).
import type { GuardrailStage } from '../core/types.js';

export type { GuardrailStage };

/** What a guardrail decided about one text. */
export type GuardrailVerdict =
  | { action: 'allow' }
  | { action: 'block'; reason: string }
  /** `detail` says in words what changed (e.g. `2 email addresses`); it is recorded, so it must not quote what was taken out. */
  | { action: 'rewrite'; text: string; detail: string };

/** Where the text a guardrail looks at comes from. */
export interface GuardrailContext {
  stage: GuardrailStage;
  /** The run id (the workflow id). */
  runId: string;
  stepIndex: number;
  /** The model the step calls (model stages) or the tool (tool stages). */
  model?: string;
  toolName?: string;
}

/** A guardrail, registered on the worker. */
export interface Guardrail {
  /** Unique on the worker: tasks name it (Task({ guardrails: [name] })), stops and records say which one acted. */
  name: string;
  /** The stages it looks at. */
  stages: readonly GuardrailStage[];
  /**
   * Looks at one text: a user message's or tool result's text before a model call (`modelInput`), the model's answer
   * text (`modelOutput`), a tool call's input as JSON (`toolInput`; a rewrite must stay JSON) or its result (`toolOutput`).
   * It may run again on the same text (a retried step, a continuation): a rewrite should be idempotent.
   */
  check(text: string, context: GuardrailContext): GuardrailVerdict | Promise<GuardrailVerdict>;
}
