// The models the fake serves (GET /v1/models; a request for another is 404 model_not_found, as the real API answers).

/** The models the fake accepts by default. */
export const DEFAULT_OPENAI_MODELS: readonly string[] = [
  'gpt-5',
  'gpt-5-mini',
  'gpt-5-nano',
  'gpt-4.1',
  'gpt-4.1-mini',
  'gpt-4.1-nano',
  'gpt-4o',
  'gpt-4o-mini',
  'o3',
  'o3-mini',
  'o4-mini',
];

/** The models a server with these options lists: the defaults and the extra ones. */
export function listedModels(extra: readonly string[] | '*' | undefined): string[] {
  return [...new Set([...DEFAULT_OPENAI_MODELS, ...(Array.isArray(extra) ? extra : [])])];
}

export function modelAccepted(model: string, extra: readonly string[] | '*' | undefined): boolean {
  return extra === '*' || listedModels(extra).includes(model);
}

/** Reasoning models (o-series, gpt-5): the API refuses `max_tokens` and a non-default temperature for them. */
export function isReasoningModel(model: string): boolean {
  return /^(o\d|gpt-5)(-|$)/.test(model);
}

/** GET /v1/models's entry for a model. */
export function modelObject(id: string): { id: string; object: 'model'; created: number; owned_by: string } {
  return { id, object: 'model', created: 1_700_000_000, owned_by: 'system' };
}

/** A model's context window in tokens as OpenAI documents it (gpt-5: 400k, gpt-4.1: about 1M, gpt-4o: 128k, o-series: 200k). */
export function openAIContextWindow(model: string): number {
  if (/^gpt-5(-|$)/.test(model)) return 400_000;
  if (/^gpt-4\.1(-|$)/.test(model)) return 1_047_576;
  if (/^o\d(-|$)/.test(model)) return 200_000;
  return 128_000;
}
