// Model ids as users write them ('<provider>/<model>') → the id a run records, and a recorded id → its provider.
// Pure: clients and workflow code (durable-agent/workflow) both read it.
//
// Anthropic models are recorded without their prefix ('anthropic/claude-sonnet-4-6' → 'claude-sonnet-4-6'), as every
// run recorded before other providers existed was; every other provider keeps its prefix ('openai/gpt-5',
// 'bedrock/anthropic.claude-sonnet-4-6-v1:0'), and the worker routes the call by it (src/models/providers.ts).

/** The provider of Claude through `@anthropic-ai/sdk`, the reference provider: its ids are recorded bare. */
export const ANTHROPIC_PROVIDER = 'anthropic';

/** A provider name: lower-case letters, digits, `-` and `_`, starting with a letter (the key it is registered under). */
const PROVIDER_NAME = /^[a-z][a-z0-9_-]*$/;

/** True for a name a provider can be registered under (what a model id's `<provider>/` part must be). */
export function isProviderName(name: string): boolean {
  return PROVIDER_NAME.test(name);
}

/** A model id as a run records it, taken apart: which provider the worker asks, and that provider's own model id. */
export interface ModelRoute {
  provider: string;
  /** The provider's own id for the model (after the first `/`; it may hold more, e.g. OpenRouter's `vendor/model`). */
  model: string;
}

/** Thrown for a model id that names no model: the message says what a model id looks like. */
export class InvalidModelIdError extends TypeError {
  override name = 'InvalidModelIdError';
}

/**
 * The id a run records for a model id as users write it: `anthropic/<model>` (or a bare Claude id) → `<model>`;
 * `<provider>/<model>` → unchanged. Which providers a worker has is the worker's business: a run that names one its
 * worker lacks fails before its first model call with ModelProviderNotRegisteredError.
 */
export function modelId(model: string): string {
  if (!model) throw new InvalidModelIdError('Agent needs a model, e.g. "anthropic/claude-sonnet-4-6" or "openai/gpt-5".');
  const route = modelRoute(model);
  return route.provider === ANTHROPIC_PROVIDER ? route.model : `${route.provider}/${route.model}`;
}

/** The provider and provider-local model of a model id, as written or as recorded (a bare id is Anthropic's). */
export function modelRoute(model: string): ModelRoute {
  const slash = model.indexOf('/');
  if (slash < 0) return { provider: ANTHROPIC_PROVIDER, model };
  const provider = model.slice(0, slash);
  const id = model.slice(slash + 1);
  if (!isProviderName(provider) || !id.trim()) {
    throw new InvalidModelIdError(
      `Invalid model id "${model}": write "<provider>/<model>", e.g. "anthropic/claude-sonnet-4-6", "openai/gpt-5" or ` +
        '"bedrock/anthropic.claude-sonnet-4-6-v1:0"; the provider is the name its worker registers it under (lower case).',
    );
  }
  return { provider, model: id };
}

/** The provider a recorded model id names ('anthropic' for bare ids), for traces and metrics. */
export function providerName(model: string | undefined): string {
  const slash = model?.indexOf('/') ?? -1;
  return model && slash > 0 ? model.slice(0, slash) : ANTHROPIC_PROVIDER;
}
