// The tools of the quick start: the CLI's `dev` worker and the demo register these.
import { z } from 'zod';
import { sleep, tool } from '../tools/tool-definition.js';

/** What long_running_task reports as it works: the milliseconds of its work done so far. */
export interface LongTaskProgress {
  elapsedMs: number;
}
const TICK_MS = 100;

function elapsedOf(checkpoint: unknown): number {
  const elapsedMs = (checkpoint as Partial<LongTaskProgress> | undefined)?.elapsedMs;
  return typeof elapsedMs === 'number' && elapsedMs > 0 ? elapsedMs : 0;
}

// The quick start's tool as the README (and a user's copy of it) defines it, in every part the fingerprint covers: a run
// whose client copy differs from the worker's in any of them (here, a bound on `seconds`) is refused with
// ToolMismatchError before its first model call. Its `run` is the README's checkpointing variant.
export const longRunningTask = tool({
  name: 'long_running_task',
  description: 'A task that takes time to complete.',
  input: z.object({ seconds: z.number().int() }),
  // Works in ticks and reports how far it got (`heartbeat`): cut by a cancel, a crash or a worker's shutdown, it
  // resumes from its checkpoint when it runs again instead of starting over.
  run: async ({ seconds }, { signal, heartbeat, checkpoint }) => {
    const totalMs = seconds * 1000;
    const resumedAt = elapsedOf(checkpoint);
    const started = performance.now();
    let elapsedMs = resumedAt;
    while (elapsedMs < totalMs) {
      await sleep(Math.min(TICK_MS, totalMs - elapsedMs), signal);
      // Measured, not counted in ticks: a busy machine's late timers do not stretch the work.
      elapsedMs = Math.min(totalMs, resumedAt + (performance.now() - started));
      heartbeat({ elapsedMs } satisfies LongTaskProgress);
    }
    return `Completed after ${seconds} seconds`;
  },
});

/** Pauses the run until a human approves or rejects each call (`durable-agent continue <runId> --approve <id>`). */
export const sendEmail = tool({
  name: 'send_email',
  description: 'Sends an email. A human confirms every email before it goes out.',
  input: z.object({ to: z.string(), subject: z.string() }),
  human: { kind: 'confirmation' },
  // An example: it reports what it would send rather than sending anything.
  run: ({ to, subject }) => `Email "${subject}" to ${to} approved and handed to the outbox.`,
});

export const exampleTools = [longRunningTask, sendEmail];
export default exampleTools;
