// A tool that waits the given milliseconds (honouring its abort signal) and says so: the stream tests' plain step.
import { z } from 'zod';
import { sleep, tool } from '../../src/tools/tool-definition.js';

export const waitTool = tool({
  name: 'wait',
  description: 'Waits a while.',
  input: z.object({ ms: z.number() }),
  run: async ({ ms }, { signal }) => {
    await sleep(ms, signal);
    return `waited ${ms} ms`;
  },
});
