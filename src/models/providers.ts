// The worker's model providers: which backend answers a recorded model id. Models, like tools, live on the worker:
// provider objects and keys never enter a payload; a run names `<provider>/<model>` and the worker routes it.
//   anthropic/<model>  → @anthropic-ai/sdk (the reference provider; ids recorded bare)
//   bedrock/<model>    → @anthropic-ai/bedrock-sdk (Claude on AWS Bedrock; AWS credentials as the AWS SDK finds them)
//   vertex/<model>     → @anthropic-ai/vertex-sdk (Claude on Google Vertex; region, project and Google auth)
//   <name>/<model>     → the Vercel AI SDK provider the worker registered under <name> (createWorker({ models }))
import type Anthropic from '@anthropic-ai/sdk';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { ApplicationFailure } from '@temporalio/common';
import { isProviderName, modelRoute, type ModelRoute } from '../core/model-id.js';
import { FailureTypes } from '../core/types.js';

/** A client of Anthropic's Messages API: `new Anthropic(…)`, `new AnthropicBedrock(…)` or `new AnthropicVertex(…)`. */
export interface MessagesClient {
  messages: Pick<Anthropic['messages'], 'stream'>;
}

/** A Vercel AI SDK provider (`createOpenAI(…)`, `createGoogleGenerativeAI(…)`, `createOpenAICompatible(…)`, …). */
export interface LanguageModelProvider {
  /** The provider's language model for one of its model ids (the part of a run's model id after `<provider>/`). */
  languageModel(modelId: string): LanguageModelV4;
}

/**
 * What a worker can register under a provider name (createWorker({ models: { name: provider } })): a Vercel AI SDK
 * provider, a function from a model id to an AI SDK language model (e.g. `(id) => openai.chat(id)` for the Chat
 * Completions API), or a client of Anthropic's Messages API (for Claude through Anthropic's own SDKs). Build clients
 * with `maxRetries: 0` and AI SDK providers need none: Temporal's retry policy is the only one.
 */
export type ModelProvider = LanguageModelProvider | ((modelId: string) => LanguageModelV4) | MessagesClient;

/** What answers one model call: the Messages API through an Anthropic SDK client, or an AI SDK language model. */
export type ModelBackend =
  | { kind: 'messages'; provider: string; client: MessagesClient; model: string }
  | { kind: 'ai-sdk'; provider: string; model: LanguageModelV4 };

/** Built on first use, so a worker that never calls a provider never loads its SDK nor needs its credentials. */
export type ProviderFactory = () => Promise<MessagesClient>;

function isMessagesClient(provider: ModelProvider): provider is MessagesClient {
  return typeof provider === 'object' && 'messages' in provider && typeof provider.messages?.stream === 'function';
}

function isLanguageModelProvider(provider: ModelProvider): provider is LanguageModelProvider {
  return 'languageModel' in provider && typeof provider.languageModel === 'function';
}

/** The defaults for Claude on Bedrock and Vertex: Anthropic's SDKs configured from the environment, as they document. */
export const CLOUD_CLAUDE_PROVIDERS: Record<'bedrock' | 'vertex', ProviderFactory> = {
  bedrock: async () => {
    const { AnthropicBedrock } = await import('@anthropic-ai/bedrock-sdk');
    return new AnthropicBedrock({ maxRetries: 0 });
  },
  vertex: async () => {
    const { AnthropicVertex } = await import('@anthropic-ai/vertex-sdk');
    return new AnthropicVertex({ maxRetries: 0 });
  },
};

/** Where the environment configures each built-in provider, for the error that says what to fix. */
const CONFIGURED_BY: Record<string, string> = {
  anthropic: 'ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL), or createWorker({ anthropic })',
  bedrock: "AWS credentials and AWS_REGION as the AWS SDK reads them, or createWorker({ models: { bedrock: new AnthropicBedrock({ … }) } })",
  vertex: "CLOUD_ML_REGION, ANTHROPIC_VERTEX_PROJECT_ID and Google application default credentials, or createWorker({ models: { vertex: new AnthropicVertex({ … }) } })",
};

export class ModelProviders {
  private readonly built = new Map<string, Promise<MessagesClient>>();

  constructor(
    private readonly registered: Readonly<Record<string, ModelProvider>>,
    private readonly factories: Readonly<Record<string, ProviderFactory>>,
  ) {
    // A name no model id can spell would leave its provider unreachable: say so when the worker is made.
    const unreachable = Object.keys(registered).filter((name) => !isProviderName(name));
    if (unreachable.length) {
      throw new TypeError(
        `models: ${unreachable.map((name) => JSON.stringify(name)).join(', ')} cannot be the provider of a model id: use lower-case letters, ` +
          'digits, "-" and "_", starting with a letter (the <provider> of "<provider>/<model>").',
      );
    }
  }

  /** The provider names this worker answers, sorted. */
  names(): string[] {
    return [...new Set([...Object.keys(this.factories), ...Object.keys(this.registered)])].sort();
  }

  /** The backend for a recorded model id; ModelProviderNotRegisteredError when this worker has no such provider. */
  async backend(recordedModel: string, taskQueue: string): Promise<ModelBackend> {
    const route = modelRoute(recordedModel);
    const provider = this.registered[route.provider];
    if (provider !== undefined) return this.fromRegistered(route, provider);
    const factory = this.factories[route.provider];
    if (!factory) throw this.notRegistered(route, taskQueue);
    let client = this.built.get(route.provider);
    if (!client) {
      client = factory();
      this.built.set(route.provider, client);
      // A failed build (missing configuration) is tried again by the next call, after the operator fixed it.
      client.catch(() => this.built.delete(route.provider));
    }
    try {
      return { kind: 'messages', provider: route.provider, client: await client, model: route.model };
    } catch (err) {
      throw ApplicationFailure.create({
        type: FailureTypes.modelProviderNotConfigured,
        nonRetryable: true,
        message:
          `The worker could not set up the "${route.provider}" provider for model "${recordedModel}": ${err instanceof Error ? err.message : String(err)}. ` +
          `Configure it with ${CONFIGURED_BY[route.provider] ?? `createWorker({ models: { ${route.provider}: … } })`}.`,
      });
    }
  }

  private fromRegistered(route: ModelRoute, provider: ModelProvider): ModelBackend {
    if (isMessagesClient(provider)) return { kind: 'messages', provider: route.provider, client: provider, model: route.model };
    const model = isLanguageModelProvider(provider) ? provider.languageModel(route.model) : provider(route.model);
    return { kind: 'ai-sdk', provider: route.provider, model };
  }

  private notRegistered(route: ModelRoute, taskQueue: string): ApplicationFailure {
    const names = this.names();
    return ApplicationFailure.create({
      type: FailureTypes.modelProviderNotRegistered,
      nonRetryable: true,
      message:
        `The run asks for model "${route.provider}/${route.model}", but the worker on task queue "${taskQueue}" has no provider ` +
        `"${route.provider}" (it has: ${names.join(', ')}). Register it on the worker: ` +
        `createWorker({ models: { ${route.provider}: <AI SDK provider> } }) or DurableAgentPlugin({ models }).`,
      details: [{ provider: route.provider, taskQueue, providers: names }],
    });
  }
}
