// A task's output schema: the zod schema becomes the JSON Schema the run carries (TaskSpec.output), so any worker
// checks answers against exactly what the client asked for. Refuses what the API cannot take.
import { z } from 'zod';
import type { OutputSpec } from '../core/types.js';
import { DEFAULT_OUTPUT_REPAIRS } from '../workflows/structured-output.js';

export function outputSpecOf(schema: z.ZodType, maxRepairs: number | undefined): OutputSpec {
  if (maxRepairs !== undefined && (!Number.isInteger(maxRepairs) || maxRepairs < 0)) {
    throw new TypeError(`Task outputRepairs must be a whole number, 0 or more, got ${String(maxRepairs)}.`);
  }
  let json: Record<string, unknown>;
  try {
    json = z.toJSONSchema(schema) as Record<string, unknown>;
  } catch (err) {
    throw new TypeError(`Task output schema cannot be sent to the model as JSON Schema: ${(err as Error).message}.`);
  }
  if (json.type !== 'object') throw new TypeError(`Task output schema must describe an object (z.object(...)), got ${JSON.stringify(json.type ?? 'no type')}.`);
  return { schema: json, maxRepairs: maxRepairs ?? DEFAULT_OUTPUT_REPAIRS };
}
