// The model activity: one streamed Anthropic Messages call. It heartbeats on every stream event and on a timer,
// aborts the HTTP request when Temporal cancels it, and reports the partial text and usage when it is cut.
import type Anthropic from '@anthropic-ai/sdk';
import type { Tool as AnthropicTool } from '@anthropic-ai/sdk/resources/messages';
import { Context } from '@temporalio/activity';
import { type ContentBlockParam, type ModelCallInput, type ModelCallProgress, type ModelCallResult } from '../types.js';
import { startHeartbeatLoop, whenAborted } from './heartbeat-loop.js';
import { stepStopped } from './step-stopped.js';
import { recordTokens } from './agent-metrics.js';
import { classifyModelError, ModelStreamStalledError } from './model-errors.js';
import type { ToolRegistry } from './tool-registry.js';
import type { TranscriptCache } from './transcript-cache.js';
import { withCacheBreakpoints } from './prompt-cache.js';
import { checkOutput, outputFormat } from './output-check.js';
import { textOf } from '../workflows/conversation.js';
import { cacheField, cacheTokensOf } from '../workflows/model-result.js';

export interface ModelActivityDeps {
  anthropic: () => Anthropic;
  registry: ToolRegistry;
  transcripts: TranscriptCache;
  heartbeatIntervalMs: number;
  /** A stream silent for this long is abandoned and retried: a hung connection must not hold the step forever. */
  streamIdleTimeoutMs: number;
  /** Mark the stable prefix of each request for Anthropic's prompt cache (src/activities/prompt-cache.ts). */
  promptCaching: boolean;
}

/** The usage a stream event reports, prompt-cache tokens apart (present when nonzero). */
function usageOf(usage: { input_tokens: number; output_tokens: number; cache_read_input_tokens?: number | null; cache_creation_input_tokens?: number | null }) {
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    ...(usage.cache_read_input_tokens ? { cacheReadInputTokens: usage.cache_read_input_tokens } : {}),
    ...(usage.cache_creation_input_tokens ? { cacheCreationInputTokens: usage.cache_creation_input_tokens } : {}),
  };
}

/** Keeps the fields the API accepts back in a later request; drops response-only decoration. */
function toParam(block: Anthropic.Messages.ContentBlock): ContentBlockParam {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'tool_use':
      return { type: 'tool_use', id: block.id, name: block.name, input: block.input };
    case 'thinking':
      return { type: 'thinking', thinking: block.thinking, signature: block.signature };
    default:
      return block as ContentBlockParam;
  }
}

export function createModelActivity(deps: ModelActivityDeps) {
  return async function callModel(input: ModelCallInput): Promise<ModelCallResult> {
    const ctx = Context.current();
    const progress: ModelCallProgress = { partialText: '', usage: { inputTokens: 0, outputTokens: 0 }, events: 0, attempt: ctx.info.attempt };
    // Heartbeat from the start: a worker that lacks the transcript asks the workflow for it (a query the worker answers
    // by replaying the run), which can outlast a short heartbeat timeout on a worker that has just started.
    const loop = startHeartbeatLoop(deps.heartbeatIntervalMs, () => progress);
    let idleCheck: NodeJS.Timeout | undefined;
    let model = input.model;
    try {
      const [settings, messages] = await Promise.race([Promise.all([deps.transcripts.settingsOf(input), deps.transcripts.resolve(input)]), whenAborted(loop.signal)]);
      model = settings.model;
      const tools: AnthropicTool[] = settings.toolNames.map((name) => {
        const tool = deps.registry.require(name);
        return { name: tool.name, description: tool.description, input_schema: tool.inputSchema as AnthropicTool['input_schema'] };
      });
      let lastEventAt = Date.now();
      idleCheck = setInterval(() => {
        if (Date.now() - lastEventAt > deps.streamIdleTimeoutMs) {
          loop.abort(new ModelStreamStalledError(`no stream event for ${deps.streamIdleTimeoutMs} ms`));
        }
      }, Math.min(1000, deps.streamIdleTimeoutMs));
      const { system, output } = settings;
      const prompt = deps.promptCaching ? withCacheBreakpoints({ tools, messages, ...(system !== undefined ? { system } : {}) }) : { tools, messages, system };
      const stream = deps.anthropic().messages.stream(
        {
          model: settings.model,
          max_tokens: settings.maxTokens,
          messages: prompt.messages,
          ...(prompt.system !== undefined ? { system: prompt.system } : {}),
          ...(prompt.tools.length ? { tools: prompt.tools } : {}),
          ...(output ? { output_config: { format: outputFormat(output.schema) } } : {}),
        },
        { signal: loop.signal },
      );
      for await (const event of stream) {
        lastEventAt = Date.now();
        progress.events++;
        if (event.type === 'message_start') {
          progress.usage = usageOf(event.message.usage);
        } else if (event.type === 'message_delta') {
          progress.usage = { ...progress.usage, outputTokens: event.usage.output_tokens };
        } else if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
          progress.partialText += event.delta.text;
        }
        // The heartbeat timer sends `progress` as it stands; heartbeating per event would only queue more RPCs.
      }
      const message = await stream.finalMessage();
      const content = message.content.map(toParam);
      deps.transcripts.append(input, { role: 'assistant', content });
      const { cache_read_input_tokens: cacheRead, cache_creation_input_tokens: cacheCreation } = message.usage;
      const usage = usageOf(message.usage);
      const result: ModelCallResult = {
        content,
        stopReason: message.stop_reason,
        usage,
        model: message.model,
        // Cache tokens are in usage already; `cache` only tells that the API reported them as zero.
        ...cacheField(usage, typeof cacheRead === 'number' || typeof cacheCreation === 'number'),
        // A final answer (no tool call) of a task with an output schema: the worker checks it, the loop acts on it.
        ...(output && !content.some((b) => b.type === 'tool_use') ? { output: checkOutput(textOf(content), output.schema) } : {}),
      };
      recordTokens(settings.model, result.usage, cacheTokensOf(result));
      return result;
    } catch (err) {
      if (ctx.cancellationSignal.aborted) {
        recordTokens(model ?? 'unknown', progress.usage);
        throw stepStopped('model call', progress, ctx);
      }
      const reason: unknown = loop.signal.aborted ? loop.signal.reason : err;
      throw classifyModelError(reason);
    } finally {
      clearInterval(idleCheck);
      loop.stop();
    }
  };
}
