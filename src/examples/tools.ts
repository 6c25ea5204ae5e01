// The tools of the quick start: the CLI's `dev` worker and the demo register these.
import { z } from 'zod';
import { sleep, tool } from '../activities/tool-definition.js';

export const longRunningTask = tool({
  name: 'long_running_task',
  description: 'A task that takes time to complete.',
  input: z.object({ seconds: z.number().int().min(0).max(3600) }),
  run: async ({ seconds }, { signal }) => {
    await sleep(seconds * 1000, signal);
    return `Completed after ${seconds} seconds`;
  },
});

export const exampleTools = [longRunningTask];
export default exampleTools;
