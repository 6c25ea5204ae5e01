// Fallback models: a model step whose attempts on one model are used up by retryable failures (overloaded, 5xx,
// rate limits, lost connections, timeouts) is taken by the next model of the list, in the same step and activity, so
// history keeps one step per model call and the step's result names the model that answered. A request the provider
// refuses for good (400, 401, 404, …) fails at once: another model would be refused the same way.
// Pure: the loop reads it to size the model step's retry policy, the worker to pick the model of an attempt.
import { DEFAULT_ATTEMPTS_PER_MODEL, type FallbackModels, type ModelCallSettings } from '../core/types.js';

// The type and its default live in core (they cross the client ⇄ workflow boundary in RunInput).
export { DEFAULT_ATTEMPTS_PER_MODEL, type FallbackModels };

/** All attempts of a model step: each model's share, the run's own model first. */
export function fallbackAttempts(fallbacks: FallbackModels): number {
  return (fallbacks.attemptsPerModel ?? DEFAULT_ATTEMPTS_PER_MODEL) * (1 + fallbacks.models.length);
}

/** The model that takes attempt `attempt` (1-based) of a model step. */
export function modelForAttempt(settings: Pick<ModelCallSettings, 'model' | 'fallbacks'>, attempt: number): string {
  const { fallbacks } = settings;
  if (!fallbacks?.models.length) return settings.model;
  const index = Math.floor((Math.max(1, attempt) - 1) / (fallbacks.attemptsPerModel ?? DEFAULT_ATTEMPTS_PER_MODEL));
  return index === 0 ? settings.model : fallbacks.models[Math.min(index, fallbacks.models.length) - 1]!;
}
