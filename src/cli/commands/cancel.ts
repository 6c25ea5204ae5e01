// `durable-agent cancel <runId>`: cancel a running run, at once or after its running steps.
import { cancelRun } from '../../client/run-control.js';
import { positional } from '../args.js';
import { command } from '../command.js';

export const cancel = command({
  name: 'cancel',
  args: '<runId>',
  description: 'Cancel a running run: at once, or --after-step (running steps finish and keep their results).',
  options: {
    'after-step': { type: 'boolean', help: 'let the running steps finish first' },
    reason: { type: 'string', value: 'TEXT', help: "why, kept in the run's stop" },
  },
  async run(values, positionals) {
    const runId = positional(positionals, 'run id');
    await cancelRun(runId, { mode: values['after-step'] ? 'afterStep' : 'now', ...(values.reason !== undefined ? { reason: values.reason } : {}) });
    console.log(`cancellation of ${runId} requested${values['after-step'] ? ' (after the running steps)' : ''}`);
    return 0;
  },
});
