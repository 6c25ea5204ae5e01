// Type test, checked by `tsc` (the typecheck step) and never run: RunOutput.output is typed from the task's output
// schema, through do(), start().result(), continueRun({ task }); a task without one gives the final text.
import { z } from 'zod';
import type { Agent } from '../../src/client/agent.js';
import { Task } from '../../src/client/task.js';
import type { RunOutput } from '../../src/core/types.js';

/** true only when A and B are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T extends true>(): T | undefined {
  return undefined;
}

const weather = z.object({ city: z.string(), celsius: z.number().int(), tags: z.array(z.enum(['sun', 'rain'])).optional() });
type Weather = { city: string; celsius: number; tags?: ('sun' | 'rain')[] | undefined };

export async function structuredOutputTypes(agent: Agent): Promise<void> {
  const task = new Task({ description: 'd', output: weather });
  const done = await agent.do(task);
  expectType<Equal<typeof done.output, Weather | null>>();
  expectType<Equal<typeof done, RunOutput<Weather>>>();
  if (done.output) {
    const city: string = done.output.city;
    // @ts-expect-error celsius is a number, not a string
    const wrong: string = done.output.celsius;
    void city;
    void wrong;
  }

  const _started = await (await agent.start(task)).result();
  expectType<Equal<typeof _started.output, Weather | null>>();

  const _continued = await agent.continueRun({ task });
  expectType<Equal<typeof _continued.output, Weather | null>>();
  const _byId = await agent.continueRun({ runId: 'r' });
  expectType<Equal<typeof _byId.output, unknown>>();

  const _plain = await agent.do(new Task({ description: 'd' }));
  expectType<Equal<typeof _plain.output, string | null>>();
  // @ts-expect-error the inference is exact: a plain task's output is not the schema's type
  expectType<Equal<typeof _plain.output, Weather | null>>();
}

// @ts-expect-error the output must be a zod schema
export const notASchema = new Task({ description: 'd', output: { city: 'x' } });
