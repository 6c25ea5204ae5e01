// Structured outputs (`output_config.format`), as the API checks them: a json_schema format with an object schema
// whose objects all set additionalProperties: false. The fake does not decode under the schema: a scripted turn's
// text is what the model answers (so tests can script an answer that breaks a constraint the API does not enforce).
import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages';

type Schema = Record<string, unknown>;

function objectProblem(schema: unknown, path: string): string | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const s = schema as Schema;
  if (s.type === 'object' && s.additionalProperties !== false) {
    return `output_config.format.schema${path}: For 'object' type, 'additionalProperties' must be explicitly set to false`;
  }
  for (const [key, value] of Object.entries(s)) {
    if (key === 'properties' || key === '$defs') {
      for (const [name, sub] of Object.entries((value ?? {}) as Schema)) {
        const problem = objectProblem(sub, `${path}.${key}.${name}`);
        if (problem) return problem;
      }
    } else if (key === 'items' || key === 'anyOf' || key === 'allOf') {
      for (const [i, sub] of (Array.isArray(value) ? value : [value]).entries()) {
        const problem = objectProblem(sub, `${path}.${key}${Array.isArray(value) ? `.${i}` : ''}`);
        if (problem) return problem;
      }
    }
  }
  return undefined;
}

/** Why the API would refuse the request's output_config, or undefined. */
export function outputConfigProblem(body: Partial<MessageCreateParams>): string | undefined {
  const config = (body as { output_config?: unknown }).output_config;
  if (config === undefined) return undefined;
  const format = (config as { format?: { type?: unknown; schema?: unknown } } | null)?.format;
  if (format === undefined || format === null) return undefined;
  if (format.type !== 'json_schema') return "output_config.format.type: Input should be 'json_schema'";
  if (typeof format.schema !== 'object' || format.schema === null) return 'output_config.format.schema: Field required';
  return objectProblem(format.schema, '');
}
