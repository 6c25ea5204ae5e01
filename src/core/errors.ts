import type { Requirement } from './types.js';
import { shownId } from './workflow-id.js';

/**
 * The base of the errors the client API throws, each with a stable `name` to match on (also across processes, by name).
 */
export class DurableAgentError extends Error {
  override name = 'DurableAgentError';
}

/** No run has this id (no workflow execution with it in the namespace). */
export class RunNotFoundError extends DurableAgentError {
  override name = 'RunNotFoundError';
  constructor(readonly runId: string, detail = '') {
    super(`No run with id "${runId}" was found${detail ? `: ${detail}` : ''}.`);
  }
}

/**
 * The run is still running, so it cannot be continued, answered or forked yet: cancel it first or wait for it to
 * finish.
 */
export class RunStillRunningError extends DurableAgentError {
  override name = 'RunStillRunningError';
  constructor(readonly runId: string, detail?: string) {
    super(detail ?? `Run "${runId}" is still running: cancel it first (cancelRun("${runId}")) or wait for it to finish.`);
  }
}

/** A run id Temporal would refuse (empty, too long, not valid UTF-16 text), caught before any request is sent. */
export class InvalidRunIdError extends DurableAgentError {
  override name = 'InvalidRunIdError';
  constructor(readonly runId: unknown, reason: string) {
    super(`Invalid run id ${shownId(runId)}: ${reason}.`);
  }
}

/** The run's payloads are encrypted and this client has no key to read them. */
export class RunEncryptedError extends DurableAgentError {
  override name = 'RunEncryptedError';
  constructor(readonly runId: string) {
    super(
      `Run "${runId}" is encrypted (its payloads are binary/encrypted) and this client has no key to read it: set ` +
        'DURABLE_AGENT_CODEC_KEY to the key its workers use (or pass the same dataConverter as they do).',
    );
  }
}

/** The run's payloads are compressed and this client does not inflate them. */
export class RunCompressedError extends DurableAgentError {
  override name = 'RunCompressedError';
  constructor(readonly runId: string) {
    super(
      `Run "${runId}" is compressed (its payloads are binary/zlib) and this client does not inflate them: set ` +
        'DURABLE_AGENT_COMPRESSION=zlib as its workers do (or pass the same dataConverter as they do).',
    );
  }
}

/**
 * The run completed, so there is nothing to continue; the message says how to read its result (`getRunOutput`,
 * `durable-agent show`).
 */
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

/** continueRun() on a paused run: it needs answers (answerRun) for what it waits for. */
export class RunPausedError extends DurableAgentError {
  override name = 'RunPausedError';
  constructor(readonly runId: string, readonly requirements: Requirement[]) {
    super(
      `Run "${runId}" is paused, waiting for: ${requirements.map((r) => `${r.kind} of ${r.toolName} (id ${r.id})`).join(', ')}. ` +
        `Answer it with agent.answerRun({ runId: "${runId}", answers: [{ id, ... }] }).`,
    );
  }
}

/** answerRun() on a run that waits for no answer: it is closed (continue it with continueRun instead). */
export class RunNotPausedError extends DurableAgentError {
  override name = 'RunNotPausedError';
  constructor(readonly runId: string, readonly state: string) {
    super(`Run "${runId}" is not paused (its latest execution is ${state}), so it waits for no answer; continue it with continueRun({ runId }).`);
  }
}

/** A human's answer that the run refused (unknown id, wrong shape, values that fail the tool's schema). */
export class InvalidRequirementError extends DurableAgentError {
  override name = 'InvalidRequirementError';
  constructor(readonly runId: string, readonly requirementId: string, detail: string) {
    super(`Run "${runId}" refused the answer for ${requirementId}: ${detail} The run stays paused.`);
  }
}

/** forkRun({ fromStep }) outside the run's steps. */
export class InvalidForkError extends DurableAgentError {
  override name = 'InvalidForkError';
}

/**
 * forkRun({ edit }) with an edit the fork cannot make: a step it does not keep (at or after `fromStep`, or outside the
 * run), a step that is not a completed tool call, or empty text. The original run is left as it is.
 */
export class InvalidForkEditError extends InvalidForkError {
  override name = 'InvalidForkEditError';
}

/** A continuation (or fork) whose seed — the results of the steps it keeps — would not fit in one Temporal payload. */
export class RunTooLargeToContinueError extends DurableAgentError {
  override name = 'RunTooLargeToContinueError';
  constructor(readonly runId: string, readonly bytes: number, readonly limit: number) {
    super(
      `Run "${runId}" cannot be continued: the results of its completed steps come to ${bytes} bytes, over the ` +
        `${limit}-byte budget of one Temporal payload (2 MB). Its history is intact (getRunOutput("${runId}")); ` +
        'start a new run, or fork it from an earlier step (forkRun({ runId, fromStep })) to keep fewer results.',
    );
  }
}

/**
 * The Temporal connection settings cannot be used as given: a TLS file that does not exist or is not PEM, a client
 * certificate without its key, a config file or profile that is missing or malformed. `source` names where the bad
 * value came from (an environment variable or a config file key).
 */
export class ConnectionConfigError extends DurableAgentError {
  override name = 'ConnectionConfigError';
  constructor(readonly source: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The first connection to Temporal failed or did not complete within the connect timeout (wrong certificate, API key refused, nothing listening). */
export class ConnectionFailedError extends DurableAgentError {
  override name = 'ConnectionFailedError';
  constructor(readonly address: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * DurableAgentPlugin registered more than once on one worker or bundle (twice in `plugins`, or on the worker's
 * NativeConnection too): the second copy would add the agent's activities and workflow again and wrap the bundle's entry
 * twice. Register it once per worker (a Client takes its own).
 */
export class PluginRegisteredTwiceError extends DurableAgentError {
  override name = 'PluginRegisteredTwiceError';
  constructor(readonly where: 'worker' | 'bundle', readonly count: number) {
    super(
      `DurableAgentPlugin is registered ${count} times on this ${where} (Worker.create's plugins, its NativeConnection's ` +
        `plugins, or bundleWorkflowCode's plugins): register it once.`,
    );
  }
}
