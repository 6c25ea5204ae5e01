// The quick start, end to end: dev server + worker, run the task, cancel it after 2 s, show the cancelled steps,
// continue it from a new Agent, show the result and where both executions are in the Web UI.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, Task, cancelRun, closeConnections, RunStatus } from '../src/index.js';
import { createWorker } from '../src/worker/index.js';
import { startDevServer } from '../src/cli/dev-server.js';
import { followProgress } from '../src/cli/progress.js';
import { getClient } from '../src/client/connection.js';
import { logEnd } from '../src/client/run-stream.js';
import { stepsTable } from '../src/cli/format.js';
import { resolveModelBackend } from '../src/cli/model-backend.js';
import { longRunningTask } from '../src/examples/tools.js';
import { installQuietRuntime } from '../src/worker/quiet-runtime.js';

installQuietRuntime();

// Defaults are the usual dev-server ports; tests run the demo on free ones.
const { values: flags } = parseArgs({ options: { port: { type: 'string' }, 'ui-port': { type: 'string' }, db: { type: 'string' } } });
const dbFile = flags.db ?? '.data/demo.db';
const taskQueue = 'durable-agent-demo';
const server = await startDevServer({
  dbFilename: resolve(dbFile),
  ...(flags.port ? { port: Number(flags.port) } : {}),
  ...(flags['ui-port'] ? { uiPort: Number(flags['ui-port']) } : {}),
});
console.log(`Temporal dev server ${server.started ? 'started' : 'already running'} at ${server.address}; Web UI: ${server.uiUrl}`);
const backend = await resolveModelBackend();
console.log(`Model: ${backend.description}`);

const worker = await createWorker({
  address: server.address,
  taskQueue,
  tools: [longRunningTask],
  ...(backend.settings ? { anthropic: backend.settings } : {}),
});
const workerRun = worker.run();
const connection = { address: server.address, taskQueue, searchAttributes: true };

try {
  const agent = new Agent('anthropic/claude-sonnet-4-6', { sessionId: 'session_1', userId: 'user_1', ...connection });
  const task = new Task({ description: 'Call long_running_task with 10 seconds.', tools: [longRunningTask] });

  const timer = setTimeout(() => {
    if (agent.runId) {
      console.log(`\n[2 s] cancelRun(${agent.runId})`);
      void cancelRun(agent.runId, connection);
    }
  }, 2000);
  const pending = agent.do(task);
  console.log(`run id: ${agent.runId}`);
  const output = await pending;
  clearTimeout(timer);

  console.log(`\nstatus: ${output.status} (isCancelled=${output.isCancelled})`);
  console.log(stepsTable(output.stepResults));

  if (output.status === RunStatus.cancelled) {
    console.log('\nContinuing from a new Agent (completed steps come from history; the cut tool call resumes from its checkpoint)...');
    const client = await getClient(connection);
    const from = await logEnd(client, output.runId);
    const handle = await new Agent('anthropic/claude-sonnet-4-6', connection).startContinueRun({ runId: output.runId });
    await followProgress(client, handle.runId, from, process.stdout);
    const result = await handle.result();
    console.log(`\nstatus: ${result.status}`);
    console.log(stepsTable(result.stepResults));
    console.log(`\noutput: ${String(result.output)}`);
    console.log(`steps: ${result.stepResults.map((s) => `${s.name}: ${s.status}`).join(', ')}`);
    console.log(`usage: ${result.usage.inputTokens} input / ${result.usage.outputTokens} output tokens over ${result.executions} executions`);
    console.log(`\nWeb UI: ${server.uiUrl}/namespaces/default/workflows/${result.runId}`);
    console.log(`  the cancelled execution: ${server.uiUrl}/namespaces/default/workflows/${output.runId}/${output.executionRunId}/history`);
    console.log(`  its continuation:        ${server.uiUrl}/namespaces/default/workflows/${result.runId}/${result.executionRunId}/history`);
    if (server.started) {
      console.log(`\nThe demo stops its dev server on exit; both executions stay in ${dbFile}. To browse them:`);
      console.log(`  npx durable-agent dev --db ${dbFile}     (then open the links above)`);
    }
  }
} finally {
  worker.shutdown();
  await workerRun;
  await closeConnections();
  await backend.close();
  await server.stop();
}
