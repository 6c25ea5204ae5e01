// What one model call asks and answers, whichever provider takes it: the model activity (src/activities/model-call.ts)
// builds the request, a provider family streams it (anthropic-messages.ts, ai-sdk-call.ts) and reports progress as it
// goes, so that a cut call still has its partial text (and partial usage, where the provider reports it).
import type { ContentBlockParam, MessageParam, ModelCallProgress, ModelCallSettings, Usage } from '../core/types.js';
import type { ModelTool } from './ai-sdk-prompt.js';

export interface ModelCallRequest {
  settings: ModelCallSettings;
  /** The provider's own id of the model (the part after `<provider>/`). */
  model: string;
  messages: MessageParam[];
  tools: ModelTool[];
  /** Aborted when Temporal cancels the step, its worker shuts down, or the stream stalls. */
  signal: AbortSignal;
}

/**
 * Where a streaming call reports what it has so far: `output(chars)` for every piece of output (text, tool input,
 * thinking), then `touch()` once the event is taken in, which keeps the stall check quiet and checks the money budget.
 */
export interface ModelCallSink {
  readonly progress: ModelCallProgress;
  output(chars: number): void;
  touch(): void;
}

export interface ModelAnswer {
  content: ContentBlockParam[];
  stopReason: string | null;
  usage: Usage;
  /** The model that answered, as runs record ids (`claude-…` for Anthropic, `<provider>/<model>` for the others). */
  model: string;
  /** The provider reported prompt-cache token counts (zero or not). */
  cacheReported: boolean;
}
