// The settings of a run's model calls (model, max tokens, system prompt, tool names, output schema): a function of the
// run's input, the same for every call of an execution. Pure: the loop builds its calls from it and answers the
// callSettings query with it.
import { DEFAULT_MAX_TOKENS, type ModelCallInput, type ModelCallSettings, type RunInput } from '../core/types.js';

export function modelCallSettings(input: RunInput): ModelCallSettings {
  const { task } = input;
  return {
    model: input.model,
    maxTokens: task.maxTokens ?? DEFAULT_MAX_TOKENS,
    ...(task.system !== undefined ? { system: task.system } : {}),
    toolNames: task.tools.map((ref) => ref.name),
    ...(task.output ? { output: { schema: task.output.schema } } : {}),
    ...(input.fallbacks?.models.length ? { fallbacks: input.fallbacks } : {}),
    ...(task.guardrails ? { guardrails: task.guardrails } : {}),
  };
}

/** The settings a model call carries; undefined for one that carries none (a later call of a lean execution). */
export function carriedSettings(input: ModelCallInput): ModelCallSettings | undefined {
  const { model, maxTokens, system, toolNames, output, fallbacks, guardrails } = input;
  if (model === undefined || maxTokens === undefined || toolNames === undefined) return undefined;
  return {
    model,
    maxTokens,
    ...(system !== undefined ? { system } : {}),
    toolNames,
    ...(output ? { output } : {}),
    ...(fallbacks ? { fallbacks } : {}),
    ...(guardrails ? { guardrails } : {}),
  };
}

/** The call without its settings. */
export function withoutSettings(input: ModelCallInput): ModelCallInput {
  const { model: _m, maxTokens: _t, system: _s, toolNames: _n, output: _o, fallbacks: _f, guardrails: _g, ...rest } = input;
  return rest;
}
