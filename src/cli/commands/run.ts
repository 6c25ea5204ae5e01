// `durable-agent run "<task>"`: start a run, print its id, follow its steps, print the result.
import { Agent } from '../../client/agent.js';
import { Task } from '../../client/task.js';
import { modelId } from '../../core/model-id.js';
import type { Tool } from '../../tools/tool-definition.js';
import { usage, UsageError, wholeNumber } from '../args.js';
import { command } from '../command.js';
import { limitsFrom, LIMIT_FLAGS } from '../limit-flags.js';
import { closeToolModule, loadToolModule, taskTools } from '../load-tools.js';
import { exitCodeOf, finish } from '../run-output.js';

export const run = command({
  name: 'run',
  args: '"<task>"',
  description: 'Start a run, print its id, follow its steps, print the result.',
  options: {
    tools: { type: 'string', value: 'MODULE', help: "the task's tools: a module's tools and MCP servers (else the example tools)" },
    session: { type: 'string', value: 'S', help: 'the session the run belongs to' },
    memory: { type: 'boolean', help: "the run starts after the conversation of the session's earlier runs" },
    user: { type: 'string', value: 'U', help: 'the user the run belongs to' },
    model: { type: 'string', value: 'M', help: '<provider>/<model> (anthropic/claude-sonnet-4-6)' },
    fallback: { type: 'string', multiple: true, value: 'M', help: 'a model that takes a step when the model keeps failing (overloaded, 5xx, rate limits); repeat for several' },
    'max-steps': { type: 'string', value: 'N', help: "the task's hard bound on steps (MaxStepsReachedError)" },
    ...LIMIT_FLAGS,
  },
  async run(values, positionals) {
    const description = positionals.join(' ').trim();
    if (!description) throw new UsageError('missing the task text: durable-agent run "<task>"');
    const maxSteps = wholeNumber('--max-steps', values['max-steps']);
    const limits = limitsFrom(values);
    // The task needs the tools' definitions only: the MCP connections close as soon as they are read.
    const module = await loadToolModule(values.tools);
    let tools: Tool[];
    try {
      tools = taskTools(module);
    } finally {
      await closeToolModule(module);
    }
    const task = new Task({
      description,
      tools,
      ...(maxSteps !== undefined ? { maxSteps } : {}),
      ...(values.memory ? { memory: true } : {}),
    });
    const fallbacks = usage('--fallback', () => values.fallback?.map((model) => (modelId(model), model)));
    const agent = usage('--model', () =>
      new Agent(values.model ?? 'anthropic/claude-sonnet-4-6', {
        ...(fallbacks?.length ? { fallbacks } : {}),
        ...(values.session !== undefined ? { sessionId: values.session } : {}),
        ...(values.user !== undefined ? { userId: values.user } : {}),
      }),
    );
    const handle = await agent.start(task, limits);
    console.log(`run id: ${handle.runId}`);
    console.log(`cancel it with: durable-agent cancel ${handle.runId}`);
    return exitCodeOf(await finish(handle, 0, true));
  },
});
