// What `run`, `continue` and `show` print at the end of a run, and the exit code its status maps to.
import { getClient } from '../client/connection.js';
import type { RunHandle } from '../client/agent.js';
import type { Requirement, RunOutput, RunStatus } from '../core/types.js';
import { outputSummary, stepsTable } from './format.js';
import { followProgress } from './progress.js';

/** Follows the run's progress from `fromOffset` of its log, then prints its result and how to continue or answer it. */
export async function finish(handle: RunHandle, fromOffset: number, printSteps: boolean): Promise<RunOutput> {
  await followProgress(await getClient(), handle.runId, fromOffset, process.stdout);
  const output = await handle.result();
  if (printSteps) console.log(stepsTable(output.stepResults));
  console.log(outputSummary(output));
  if (output.isCancelled) console.log(`continue it with: durable-agent continue ${output.runId}`);
  for (const r of output.requirements) console.log(`answer it with: durable-agent continue ${output.runId} ${answerHint(r)}`);
  return output;
}

const EXIT_CODES: Record<RunStatus, number> = { completed: 0, error: 1, cancelled: 3, paused: 5, running: 6 };

export function answerHint(r: Requirement): string {
  switch (r.kind) {
    case 'confirmation':
      return `--approve ${r.id}   (or --reject ${r.id} --note "why")`;
    case 'userInput':
      return `--input '${r.id}={...}'`;
    case 'externalExecution':
      return `--result '${r.id}=<JSON result>'`;
  }
}

export function exitCodeOf(output: RunOutput): number {
  return EXIT_CODES[output.status];
}
