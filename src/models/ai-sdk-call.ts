// One streamed model call through a Vercel AI SDK language model (LanguageModelV4.doStream): OpenAI, Gemini, Mistral,
// Bedrock's Converse API, OpenAI-compatible servers… The model activity's abort signal goes into the provider's
// request, so a cancel stops the HTTP call; text is reported as it streams. Usage arrives with the stream's end
// (as OpenAI's include_usage sends it), so a cut call's usage is unknown, and the progress says so.
import type { LanguageModelV4, LanguageModelV4StreamPart, LanguageModelV4Usage } from '@ai-sdk/provider';
import type { Usage } from '../core/types.js';
import { answerBlocks, languageModelPrompt, languageModelTools, stopReasonOf } from './ai-sdk-prompt.js';
import type { ModelAnswer, ModelCallRequest, ModelCallSink } from './model-call-request.js';

function usageOf(usage: LanguageModelV4Usage): { usage: Usage; cacheReported: boolean; reported: boolean } {
  const { total, noCache, cacheRead, cacheWrite } = usage.inputTokens;
  const uncached = noCache ?? (total !== undefined ? total - (cacheRead ?? 0) - (cacheWrite ?? 0) : undefined);
  return {
    usage: {
      inputTokens: uncached ?? 0,
      outputTokens: usage.outputTokens.total ?? 0,
      ...(cacheRead ? { cacheReadInputTokens: cacheRead } : {}),
      ...(cacheWrite ? { cacheCreationInputTokens: cacheWrite } : {}),
    },
    cacheReported: cacheRead !== undefined || cacheWrite !== undefined,
    reported: total !== undefined || usage.outputTokens.total !== undefined,
  };
}

export async function streamLanguageModel(provider: string, model: LanguageModelV4, request: ModelCallRequest, sink: ModelCallSink): Promise<ModelAnswer> {
  const { settings } = request;
  const { progress } = sink;
  progress.usageReported = false;
  const { stream } = await model.doStream({
    prompt: languageModelPrompt(settings.system, request.messages),
    maxOutputTokens: settings.maxTokens,
    ...(request.tools.length ? { tools: languageModelTools(request.tools) } : {}),
    ...(settings.output ? { responseFormat: { type: 'json', schema: settings.output.schema as never, name: 'output' } } : {}),
    abortSignal: request.signal,
  });
  let text = '';
  const calls: Extract<LanguageModelV4StreamPart, { type: 'tool-call' }>[] = [];
  let finish: Extract<LanguageModelV4StreamPart, { type: 'finish' }> | undefined;
  let answeredBy = model.modelId;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value: part } = await reader.read();
      if (done) break;
      progress.events++;
      switch (part.type) {
        case 'text-delta':
          text += part.delta;
          progress.partialText += part.delta;
          sink.output(part.delta.length);
          break;
        case 'tool-input-delta':
        case 'reasoning-delta':
          sink.output(part.delta.length);
          break;
        case 'tool-call':
          if (!part.providerExecuted) calls.push(part);
          break;
        case 'response-metadata':
          if (part.modelId) answeredBy = part.modelId;
          break;
        case 'finish':
          finish = part;
          break;
        case 'error':
          throw part.error;
        default:
          break;
      }
      sink.touch();
    }
  } finally {
    reader.releaseLock();
  }
  if (!finish) throw new Error(`the ${provider} stream ended without a finish event`);
  const { usage, cacheReported, reported } = usageOf(finish.usage);
  if (reported) {
    progress.usage = usage;
    delete progress.usageReported;
  }
  return {
    content: answerBlocks(text, calls),
    stopReason: stopReasonOf(finish.finishReason.unified, finish.finishReason.raw),
    usage,
    model: `${provider}/${answeredBy}`,
    cacheReported,
  };
}
