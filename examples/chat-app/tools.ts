// The example's tools: a slow one that works in units and checkpoints each (Stop aborts it mid-unit; Play resumes it
// from its checkpoint), and one that needs a human's approval before it runs. Both write to `toolLog`, the side
// effects the tests (and the console) read: what started, each unit done, what was aborted and when.
import { z } from 'zod';
import { sleep, tool } from 'durable-agent';

/** One side effect of a tool, in order. */
export interface ToolLogEntry {
  at: number;
  tool: string;
  event: 'start' | 'unit' | 'aborted' | 'done';
  /** start: the unit it starts from (its checkpoint); unit: the unit done. */
  unit?: number;
  attempt: number;
}

/** What the tools did, in this process (the worker's). */
export const toolLog: ToolLogEntry[] = [];

const log = (entry: Omit<ToolLogEntry, 'at'>): void => {
  toolLog.push({ at: Date.now(), ...entry });
};

/** Crunches `units` units of `unitMs` each, reporting each one done (its checkpoint): a continued call starts after the last. */
export const crunchNumbers = tool({
  name: 'crunch_numbers',
  description: 'Crunches numbers, unit by unit (slow). Resumes from its checkpoint.',
  input: z.object({ units: z.number().int().min(1), unitMs: z.number().int().min(1) }),
  run: async ({ units, unitMs }, { signal, attempt, heartbeat, checkpoint }) => {
    const from = (checkpoint as { done?: number } | undefined)?.done ?? 0;
    log({ tool: 'crunch_numbers', event: 'start', unit: from, attempt });
    for (let unit = from; unit < units; unit++) {
      try {
        await sleep(unitMs, signal);
      } catch (err) {
        log({ tool: 'crunch_numbers', event: 'aborted', unit, attempt });
        throw err;
      }
      log({ tool: 'crunch_numbers', event: 'unit', unit, attempt });
      heartbeat({ done: unit + 1 });
    }
    log({ tool: 'crunch_numbers', event: 'done', attempt });
    return `crunched ${units} units (resumed from unit ${from})`;
  },
});

/** Deploys a service: the run pauses for a human's approval first. */
export const deployService = tool({
  name: 'deploy_service',
  description: 'Deploys a service to production. Needs approval.',
  input: z.object({ service: z.string() }),
  requiresConfirmation: true,
  run: async ({ service }, { attempt }) => {
    log({ tool: 'deploy_service', event: 'start', attempt });
    log({ tool: 'deploy_service', event: 'done', attempt });
    return `deployed ${service}`;
  },
});

/** The tools of the example's runs (the worker registers the same ones). */
export const chatTools = [crunchNumbers, deployService];
