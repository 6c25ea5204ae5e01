import type { Requirement } from '../types.js';

// Errors the client API throws, each with a stable `name` to match on (also across processes, by name).
export class DurableAgentError extends Error {
  override name = 'DurableAgentError';
}

export class RunNotFoundError extends DurableAgentError {
  override name = 'RunNotFoundError';
  constructor(readonly runId: string, detail = '') {
    super(`No run with id "${runId}" was found${detail ? `: ${detail}` : ''}.`);
  }
}

export class RunStillRunningError extends DurableAgentError {
  override name = 'RunStillRunningError';
  constructor(readonly runId: string) {
    super(`Run "${runId}" is still running: cancel it first (cancelRun("${runId}")) or wait for it to finish.`);
  }
}

export class RunAlreadyCompletedError extends DurableAgentError {
  override name = 'RunAlreadyCompletedError';
  constructor(readonly runId: string) {
    super(
      `Run "${runId}" already completed, so there is nothing to continue. ` +
        `Read its result with getRunOutput("${runId}") or \`durable-agent show ${runId}\`.`,
    );
  }
}

/** cancelRun() on a run whose latest execution is already closed. */
export class RunNotRunningError extends DurableAgentError {
  override name = 'RunNotRunningError';
  constructor(readonly runId: string, readonly status: string) {
    super(`Run "${runId}" is not running (its latest execution is ${status}); there is nothing to cancel.`);
  }
}

/** A Task passed to continueRun({ task }) that was never run by any Agent in this process. */
export class TaskNotRunError extends DurableAgentError {
  override name = 'TaskNotRunError';
  constructor() {
    super('This task has not been run yet, so it has no run to continue: pass { runId } or run it with agent.do(task).');
  }
}

/** continueRun() on a paused run without answers for what it waits for. */
export class RunPausedError extends DurableAgentError {
  override name = 'RunPausedError';
  constructor(readonly runId: string, readonly requirements: Requirement[]) {
    super(
      `Run "${runId}" is paused, waiting for: ${requirements.map((r) => `${r.kind} of ${r.toolName} (id ${r.id})`).join(', ')}. ` +
        'Pass continueRun({ runId, requirements: [{ id, ... }] }).',
    );
  }
}

/** A human's answer that the run refused (unknown id, wrong shape, values that fail the tool's schema). */
export class InvalidRequirementError extends DurableAgentError {
  override name = 'InvalidRequirementError';
  constructor(readonly runId: string, readonly requirementId: string, detail: string) {
    super(`Run "${runId}" refused the answer for ${requirementId}: ${detail} The run stays paused.`);
  }
}

/** continueRun({ fromStep }) outside the run's steps. */
export class InvalidForkError extends DurableAgentError {
  override name = 'InvalidForkError';
}

/** A continuation (or fork) whose seed — the results of the steps it keeps — would not fit in one Temporal payload. */
export class RunTooLargeToContinueError extends DurableAgentError {
  override name = 'RunTooLargeToContinueError';
  constructor(readonly runId: string, readonly bytes: number, readonly limit: number) {
    super(
      `Run "${runId}" cannot be continued: the results of its completed steps come to ${bytes} bytes, over the ` +
        `${limit}-byte budget of one Temporal payload (2 MB). Its history is intact (getRunOutput("${runId}")); ` +
        'start a new run, or fork it from an earlier step (continueRun({ runId, fromStep })) to keep fewer results.',
    );
  }
}
