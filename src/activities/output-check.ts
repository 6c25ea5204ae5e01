// Structured output, the worker's side: the task's JSON Schema as the Messages API takes it (`output_config.format`,
// constrained decoding) and the check of the model's final answer against the full schema. The API enforces the
// schema's shape but not every constraint (string lengths, number bounds, ...: the SDK moves those into descriptions),
// so the worker is the one that decides an answer is valid; src/workflows/structured-output.ts acts on its verdict.
import type { JSONOutputFormat } from '@anthropic-ai/sdk/resources/messages';
import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema';
import { z } from 'zod';
import type { OutputCheck } from '../core/types.js';

type Schema = Record<string, unknown>;

/** The output format the API accepts for this schema: the SDK's transform to the supported subset. */
export function outputFormat(schema: Schema): JSONOutputFormat {
  return { type: 'json_schema', schema: transformJSONSchema(schema) as JSONOutputFormat['schema'] };
}

const validators = new Map<string, z.ZodType>();

function validatorOf(schema: Schema): z.ZodType {
  const key = JSON.stringify(schema);
  let validator = validators.get(key);
  if (!validator) {
    validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    if (validators.size >= 100) validators.clear();
    validators.set(key, validator);
  }
  return validator;
}

/** Parses the answer's text as JSON and checks it against the schema; a problem names each failing path. */
export function checkOutput(text: string, schema: Schema): OutputCheck {
  let value: unknown;
  try {
    value = JSON.parse(text.trim());
  } catch (err) {
    return { valid: false, problem: `the answer is not valid JSON (${(err as Error).message})` };
  }
  const parsed = validatorOf(schema).safeParse(value);
  return parsed.success ? { valid: true, value: parsed.data } : { valid: false, problem: z.prettifyError(parsed.error) };
}
