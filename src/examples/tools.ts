// The tools of the quick start: the CLI's `dev` worker and the demo register these.
import { z } from 'zod';
import { sleep, tool } from '../activities/tool-definition.js';

// The quick start's tool exactly as the README (and a user's copy of it) defines it: a run whose client copy differs from
// the worker's in any part (here, a bound on `seconds`) is refused with ToolMismatchError before its first model call.
export const longRunningTask = tool({
  name: 'long_running_task',
  description: 'A task that takes time to complete.',
  input: z.object({ seconds: z.number().int() }),
  run: async ({ seconds }, { signal }) => {
    await sleep(seconds * 1000, signal);
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
