// Child process: resolves a paused run's external tool from another OS process, as an operator's script would.
// argv: <address> <taskQueue> <runId> <requirementId> <resultJSON>
import { Agent, closeConnections } from '../../src/index.js';

const [address, taskQueue, runId, id, resultJson] = process.argv.slice(2);
if (!address || !taskQueue || !runId || !id || resultJson === undefined) throw new Error('usage: <address> <taskQueue> <runId> <id> <resultJSON>');
const agent = new Agent('anthropic/claude-sonnet-4-6', { address, taskQueue });
const output = await agent.continueRun({ runId, requirements: [{ id, result: JSON.parse(resultJson) as unknown }] });
process.stdout.write(`${JSON.stringify({ status: output.status, output: output.output, pid: process.pid })}\n`);
await closeConnections();
