// `durable-agent continue <runId>`: continue a cancelled or stopped run, answer a paused one, or fork it from a step.
import { Agent } from '../../client/agent.js';
import { getClient } from '../../client/connection.js';
import { logEnd } from '../../client/run-stream.js';
import { modelId } from '../../core/model-id.js';
import type { RequirementResolution } from '../../core/types.js';
import { positional, usage, UsageError, wholeNumber } from '../args.js';
import { command } from '../command.js';
import { limitsFrom, LIMIT_FLAGS } from '../limit-flags.js';
import { exitCodeOf, finish } from '../run-output.js';

function parseJson(flag: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`${flag} takes <id>=<JSON>; "${text}" is not JSON`);
  }
}

/** `--approve ID`, `--reject ID [--note TEXT]`, `--input ID=JSON`, `--result ID=JSON`: answers for a paused run. */
function answersFrom(values: { approve?: string[]; reject?: string[]; note?: string; input?: string[]; result?: string[] }): RequirementResolution[] {
  const pair = (flag: string, spec: string): [string, unknown] => {
    const at = spec.indexOf('=');
    if (at <= 0) throw new UsageError(`${flag} takes <id>=<JSON>, got "${spec}"`);
    return [spec.slice(0, at), parseJson(flag, spec.slice(at + 1))];
  };
  return [
    ...(values.approve ?? []).map((id) => ({ id, approve: true })),
    ...(values.reject ?? []).map((id) => ({ id, approve: false, ...(values.note !== undefined ? { note: values.note } : {}) })),
    ...(values.input ?? []).map((spec) => {
      const [id, input] = pair('--input', spec);
      if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new UsageError(`--input ${id}= takes a JSON object`);
      return { id, values: input as Record<string, unknown> };
    }),
    ...(values.result ?? []).map((spec) => {
      const [id, result] = pair('--result', spec);
      return { id, result };
    }),
  ];
}

export const continueRun = command({
  name: 'continue',
  args: '<runId>',
  description:
    'Continue a cancelled or stopped run from where it stopped (or fork it from step K), on the run\'s own task queue ' +
    'unless --task-queue moves it; answer what a paused run waits for (see `show`; repeat a flag for several answers).',
  options: {
    approve: { type: 'string', multiple: true, value: 'ID', help: 'approve the confirmation ID' },
    reject: { type: 'string', multiple: true, value: 'ID', help: 'reject the confirmation ID (--note says why)' },
    note: { type: 'string', value: 'TEXT', help: "the rejections' note, which the model reads" },
    input: { type: 'string', multiple: true, value: 'ID=JSON', help: 'answer the user input ID with a JSON object' },
    result: { type: 'string', multiple: true, value: 'ID=JSON', help: 'the JSON result of the external execution ID' },
    'from-step': { type: 'string', value: 'K', help: 'fork the run from step K (from 0) into a new run' },
    'task-queue': { type: 'string', value: 'Q', help: "continue on task queue Q instead of the run's own" },
    message: { type: 'string', value: 'TEXT', help: 'a user message the model reads next' },
    model: { type: 'string', value: 'M', help: 'continue on another model, of any provider (e.g. openai/gpt-5)' },
    ...LIMIT_FLAGS,
  },
  async run(values, positionals) {
    const runId = positional(positionals, 'run id');
    const steer = {
      ...(values.message !== undefined ? { message: values.message } : {}),
      ...(values.model !== undefined ? { model: usage('--model', () => (modelId(values.model!), values.model!)) } : {}),
      ...limitsFrom(values),
    };
    const requirements = answersFrom(values);
    const fromStep = wholeNumber('--from-step', values['from-step'], 0);
    // Follow only what the continuation adds to the run's log (a fork has a log of its own).
    const from = fromStep === undefined ? await logEnd(await getClient(), runId) : 0;
    // The model named here is not used: a continuation, an answer and a fork keep the run's own model (--model moves it).
    const agent = new Agent('anthropic/claude-sonnet-4-6');
    const taskQueue = values['task-queue'] !== undefined ? { taskQueue: values['task-queue'] } : {};
    const handle =
      fromStep !== undefined
        ? await agent.startForkRun({ runId, fromStep, ...taskQueue })
        : requirements.length
          ? await agent.startAnswerRun({ runId, answers: requirements })
          : await agent.startContinueRun({ runId, ...taskQueue, ...steer });
    const what = fromStep !== undefined ? `fork of ${runId} from step ${fromStep}` : requirements.length ? 'resuming' : 'continuing';
    console.log(`run id: ${handle.runId} (${what}, execution ${handle.executionRunId})`);
    return exitCodeOf(await finish(handle, from, true));
  },
});
