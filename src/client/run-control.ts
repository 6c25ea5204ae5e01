// Run-level operations that need no Agent: cancel a run, read what it did.
import type { RunOutput, StepResult } from '../types.js';
import { stepsQuery } from '../workflows/definitions.js';
import { getClient, type ConnectionOptions } from './connection.js';
import { RunNotFoundError, RunNotRunningError } from './errors.js';
import { isNotFound, readExecution, toRunOutput } from './history-reader.js';

/**
 * Requests cancellation of the run's open execution and resolves once Temporal accepted the request.
 * The run then stops promptly: running model and tool calls are aborted through their activities' heartbeats.
 */
export async function cancelRun(runId: string, options: ConnectionOptions = {}): Promise<void> {
  const client = await getClient(options);
  const handle = client.workflow.getHandle(runId);
  let status: string;
  try {
    status = (await handle.describe()).status.name;
  } catch (err) {
    if (isNotFound(err)) throw new RunNotFoundError(runId);
    throw err;
  }
  if (status !== 'RUNNING') throw new RunNotRunningError(runId, status);
  try {
    await handle.cancel();
  } catch (err) {
    // It closed between describe() and cancel().
    if (isNotFound(err)) throw new RunNotRunningError(runId, 'closed');
    throw err;
  }
}

/** The run as its history shows it now (latest execution), running or closed. */
export async function getRunOutput(runId: string, options: ConnectionOptions = {}): Promise<RunOutput> {
  return toRunOutput(await readExecution(await getClient(options), runId));
}

/** The live step list of an open run (a query); earlier executions' steps included. */
export async function getLiveSteps(runId: string, options: ConnectionOptions = {}): Promise<StepResult[]> {
  const client = await getClient(options);
  try {
    return await client.workflow.getHandle(runId).query(stepsQuery);
  } catch (err) {
    if (isNotFound(err)) throw new RunNotFoundError(runId);
    throw err;
  }
}
