// `durable-agent show <runId>`: a run's steps table and result.
import { getRunOutput } from '../../client/run-control.js';
import { positional } from '../args.js';
import { command } from '../command.js';
import { outputSummary, stepsTable } from '../format.js';
import { answerHint } from '../run-output.js';

export const show = command({
  name: 'show',
  args: '<runId>',
  description: 'Steps table and result of a run.',
  async run(_values, args) {
    const output = await getRunOutput(positional(args, 'run id'));
    console.log(stepsTable(output.stepResults));
    console.log(outputSummary(output));
    for (const r of output.requirements) console.log(`answer it with: durable-agent continue ${output.runId} ${answerHint(r)}`);
    return 0;
  },
});
