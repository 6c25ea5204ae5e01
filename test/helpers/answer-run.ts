// Child process: answers what a paused run waits for from another OS process, as an approver's script would.
// argv: <address> <taskQueue> <runId> <answersJSON>
import { Agent, closeConnections, type RequirementResolution } from '../../src/index.js';

const [address, taskQueue, runId, answersJson] = process.argv.slice(2);
if (!address || !taskQueue || !runId || answersJson === undefined) throw new Error('usage: <address> <taskQueue> <runId> <answersJSON>');
const agent = new Agent('anthropic/claude-sonnet-4-6', { address, taskQueue });
const output = await agent.answerRun({ runId, answers: JSON.parse(answersJson) as RequirementResolution[] });
process.stdout.write(`${JSON.stringify({ status: output.status, output: output.output, pid: process.pid })}\n`);
await closeConnections();
