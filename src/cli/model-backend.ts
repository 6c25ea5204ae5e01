// Which models a worker started from the CLI talks to, said out loud:
// - `--offline`: the project's fakes with scripted answers (the demo's responder): Anthropic's Messages API for
//   `anthropic/…` ids and OpenAI's Chat Completions for `openai/…` ids;
// - keys in the environment: ANTHROPIC_API_KEY → `anthropic/…` (the Anthropic API, or ANTHROPIC_BASE_URL);
//   OPENAI_API_KEY → `openai/…` through @ai-sdk/openai's Chat Completions model (or the OpenAI-compatible server
//   OPENAI_BASE_URL names); `bedrock/…` and `vertex/…` use AWS's and Google's own credentials when a run asks for them;
//   a `--tools` module's `models` export adds any other AI SDK provider;
// - no key at all: `worker` refuses to start (a production worker must never answer with a scripted model), while
//   `dev` falls back to the offline fakes and says so.
import { createOpenAI } from '@ai-sdk/openai';
import type { AnthropicSettings } from '../activities/index.js';
import type { ModelProvider } from '../models/providers.js';
import { demoResponder } from '../testing/fake-anthropic/demo-responder.js';
import { FakeAnthropicServer } from '../testing/fake-anthropic/index.js';
import { FakeOpenAIServer, openAIDemoResponder } from '../testing/fake-openai/index.js';

export interface ModelBackend {
  settings: AnthropicSettings | undefined;
  /** Providers besides Anthropic's (createWorker's `models`). */
  models: Record<string, ModelProvider>;
  /** Where `anthropic/…` ids go. */
  description: string;
  /** Where the other providers' ids go, when this backend has any. */
  others?: string;
  close(): Promise<void>;
}

/** `durable-agent worker` without a key and without `--offline`. */
export class MissingApiKeyError extends Error {
  override name = 'MissingApiKeyError';
  constructor() {
    super(
      'ANTHROPIC_API_KEY is not set (nor OPENAI_API_KEY), so this worker could not call a model. Set it (or ' +
        'OPENAI_API_KEY; ANTHROPIC_BASE_URL or OPENAI_BASE_URL for another compatible endpoint), or pass --offline to ' +
        'answer with the scripted offline models instead.',
    );
  }
}

export interface ModelBackendOptions {
  /** Use the scripted offline models whatever the environment says. */
  offline?: boolean;
  /** Without a key: refuse (`worker`) rather than fall back to the offline models (`dev`). */
  requireKey?: boolean;
}

/** OpenAI's Chat Completions API (which OpenAI-compatible servers speak too) as the `openai` provider. */
function openAIChat(settings: { apiKey: string; baseURL?: string }): ModelProvider {
  const openai = createOpenAI(settings);
  return (id: string) => openai.chat(id);
}

export async function resolveModelBackend(options: ModelBackendOptions = {}): Promise<ModelBackend> {
  const { ANTHROPIC_API_KEY: anthropicKey, ANTHROPIC_BASE_URL: anthropicUrl, OPENAI_API_KEY: openaiKey, OPENAI_BASE_URL: openaiUrl } = process.env;
  if (!options.offline && (anthropicKey || openaiKey)) {
    return {
      settings: undefined,
      models: openaiKey ? { openai: openAIChat({ apiKey: openaiKey, ...(openaiUrl ? { baseURL: openaiUrl } : {}) }) } : {},
      description: !anthropicKey
        ? 'no Anthropic model (ANTHROPIC_API_KEY is not set)'
        : anthropicUrl
          ? `the Anthropic-compatible endpoint ${anthropicUrl} (ANTHROPIC_BASE_URL; key from ANTHROPIC_API_KEY)`
          : 'Claude through the Anthropic API (ANTHROPIC_API_KEY is set)',
      ...(openaiKey
        ? { others: openaiUrl ? `openai/ models at ${openaiUrl} (OPENAI_BASE_URL; key from OPENAI_API_KEY)` : 'openai/ models through the OpenAI API (OPENAI_API_KEY is set)' }
        : {}),
      close: async () => undefined,
    };
  }
  if (!options.offline && options.requireKey) throw new MissingApiKeyError();
  const [anthropic, openai] = await Promise.all([FakeAnthropicServer.start({ responder: demoResponder }), FakeOpenAIServer.start({ responder: openAIDemoResponder, models: '*' })]);
  const why = options.offline ? '--offline' : 'no ANTHROPIC_API_KEY set';
  return {
    settings: { baseURL: anthropic.url, apiKey: 'offline-fake' },
    models: { openai: openAIChat({ baseURL: `${openai.url}/v1`, apiKey: 'offline-fake' }) },
    description: `the offline Anthropic-compatible fake at ${anthropic.url} (${why}; answers are scripted)`,
    others: `openai/ models: the offline OpenAI-compatible fake at ${openai.url}`,
    close: async () => {
      await Promise.all([anthropic.close(), openai.close()]);
    },
  };
}
