// The long section's other process: continues a cancelled run from a process that did not start it (as any client
// may), and says when it asked. Configured through BENCH_CONTINUE_CONFIG (JSON: address, taskQueue, runId); tells the
// parent `asking` just before it calls continueRun and `started` with the new execution's id once the start is accepted.
import { Agent } from '../src/client/agent.js';
import { closeConnections } from '../src/client/connection.js';

const config = JSON.parse(process.env.BENCH_CONTINUE_CONFIG ?? '{}') as { address: string; taskQueue: string; runId: string };
const agent = new Agent('anthropic/claude-sonnet-4-6', { address: config.address, taskQueue: config.taskQueue });
process.send?.('asking');
const handle = await agent.startContinueRun({ runId: config.runId });
process.send?.({ started: handle.executionRunId });
await closeConnections();
process.disconnect?.();
