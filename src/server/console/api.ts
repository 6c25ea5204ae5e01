// The console's JSON API: reads runs only through Temporal (visibility for the list, the one history reader for a run)
// and acts on them only through the client API, as the operator's own Temporal identity (access.ts). Routes:
//   GET  /api/runs?status=&session=&user=&model=&q=&pageSize=&pageToken=→ { runs, nextPageToken? } (one page, visibility)
//   GET  /api/runs/count?status=&session=&user=&model=&q=&open=1    → { count }
//   GET  /api/runs/:runId                                           → { run: RunOutput, webUiUrl? }
//   GET  /api/runs/:runId/events?from=N | Last-Event-ID              → SSE: the run's events (the run follower)
//   POST /api/runs/:runId/cancel     { mode?: 'now'|'afterStep', reason? }
//   POST /api/runs/:runId/continue   { message?, model?, limits? }
//   POST /api/runs/:runId/answer     { answers: [{ id, approve?, note?, values?, result? }] }
//   POST /api/runs/:runId/interrupt  { message, reason? }
//   POST /api/runs/:runId/fork       { fromStep, edit?: { step, toolResult } | { userText } | { system } }
//   POST /api/bulk/cancel            { filter, mode?, reason? }       → { done, skipped }
//   POST /api/bulk/continue          { filter, message?, model?, limits? } → { done, skipped }
// Every refusal is `{ error: { code, message } }`: the code is the typed error's name, the message says why and what to do.
import { Client } from '@temporalio/client';
import { Agent } from '../../client/agent.js';
import { bulkCancel, bulkContinue } from '../../client/bulk-actions.js';
import { countRuns, listRuns, type RunFilter } from '../../client/run-list.js';
import { cancelRun, getRunOutput } from '../../client/run-control.js';
import { checkRunId } from '../../client/run-id.js';
import { streamEvents } from '../../client/run-stream.js';
import {
  DurableAgentError,
  InvalidForkError,
  InvalidRequirementError,
  InvalidRunIdError,
  RunCompressedError,
  RunEncryptedError,
  RunNotFoundError,
} from '../../core/errors.js';
import { InvalidModelIdError } from '../../core/model-id.js';
import type { RequirementResolution, RunLimits, StopMode } from '../../core/types.js';
import type { ForkEdit } from '../../history/fork-edit.js';
import { isNotFound } from '../../history/read-execution.js';
import { HttpError, errorResponse, json, readJsonBody, resumeOffset, sseResponse, type SseEvent } from '../http/index.js';
import { operatorIdentity, type ConsoleOperator } from './access.js';

/** Options of the console's API. */
export interface ConsoleApiOptions {
  /** The console's Temporal client: it reads with it; each operator acts through a copy that carries their identity. */
  client: Client;
  /** The Temporal Web UI's address (`http://localhost:8233`): a run page links to the run there. */
  webUiUrl?: string;
}

// The model the console's Agent is constructed with is never used: a continuation or fork keeps the run's own model
// unless the operator names another (as `durable-agent continue` does).
const UNUSED_MODEL = 'anthropic/claude-sonnet-4-6';

/** The typed errors of the client API as HTTP errors: the error's name is the code, its message the explanation. */
function httpErrorOf(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof RunNotFoundError) return new HttpError(404, err.name, err.message);
  if (err instanceof InvalidRunIdError || err instanceof InvalidForkError || err instanceof InvalidModelIdError || err instanceof InvalidRequirementError) {
    return new HttpError(400, err.name, err.message);
  }
  if (err instanceof RunEncryptedError || err instanceof RunCompressedError) return new HttpError(422, err.name, err.message);
  if (err instanceof DurableAgentError) return new HttpError(409, err.name, err.message);
  if (err instanceof TypeError) return new HttpError(400, 'invalid_request', err.message);
  return undefined;
}

function text(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new HttpError(400, 'invalid_request', `${field} must be text.`);
  return value;
}

const LIMIT_FIELDS = ['timeoutMs', 'maxInputTokens', 'maxOutputTokens', 'maxSteps', 'maxWallTimeMs'] as const;

function limitsOf(body: Record<string, unknown>): RunLimits | undefined {
  const given = body.limits;
  if (given === undefined || given === null) return undefined;
  if (typeof given !== 'object' || Array.isArray(given)) throw new HttpError(400, 'invalid_request', 'limits must be an object.');
  const limits: RunLimits = {};
  for (const field of LIMIT_FIELDS) {
    const value = (given as Record<string, unknown>)[field];
    if (value === undefined || value === null || value === '') continue;
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new HttpError(400, 'invalid_request', `limits.${field} must be a positive whole number.`);
    limits[field] = n;
  }
  return Object.keys(limits).length ? limits : undefined;
}

function modeOf(body: Record<string, unknown>): StopMode | undefined {
  const mode = text(body, 'mode');
  if (mode !== undefined && mode !== 'now' && mode !== 'afterStep') throw new HttpError(400, 'invalid_request', 'mode must be "now" or "afterStep".');
  return mode;
}

function editOf(body: Record<string, unknown>): ForkEdit | undefined {
  const edit = body.edit;
  if (edit === undefined || edit === null) return undefined;
  if (typeof edit !== 'object' || Array.isArray(edit)) throw new HttpError(400, 'invalid_request', 'edit must be an object.');
  const e = edit as Record<string, unknown>;
  if (typeof e.toolResult === 'string') return { step: Number(e.step), toolResult: e.toolResult, ...(e.isError === true ? { isError: true } : {}) };
  if (typeof e.userText === 'string') return { userText: e.userText };
  if (typeof e.system === 'string') return { system: e.system };
  throw new HttpError(400, 'invalid_request', 'edit must be { step, toolResult }, { userText } or { system }.');
}

/**
 * The list's filter from the query string: status, session, user, model, and free text `q` (a prefix of the run id,
 * the session or the user).
 */
function filterOf(params: URLSearchParams | Record<string, unknown>): RunFilter {
  const get = (name: string): string | undefined => {
    const value = params instanceof URLSearchParams ? params.get(name) : params[name];
    return typeof value === 'string' && value.trim() ? value.trim() : undefined;
  };
  const [status, sessionId, userId, model, text] = [get('status'), get('session'), get('user'), get('model'), get('q')];
  return {
    ...(status ? { status } : {}),
    ...(sessionId ? { sessionId } : {}),
    ...(userId ? { userId } : {}),
    ...(model ? { model } : {}),
    ...(text ? { text } : {}),
    ...(get('open') === '1' ? { openOnly: true } : {}),
  };
}

function filterFromBody(body: Record<string, unknown>): RunFilter {
  const filter = body.filter;
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) throw new HttpError(400, 'invalid_request', 'filter must be an object.');
  const selected = filterOf(filter as Record<string, unknown>);
  // A bulk action over every run there is is a typo more often than a wish: it needs at least one narrowing field.
  if (!selected.status && !selected.sessionId && !selected.userId && !selected.model && !selected.text) {
    throw new HttpError(400, 'filter_too_wide', 'A bulk action needs a filter: a status, session, user, model or text.');
  }
  return selected;
}

/** The console's API as `(request, operator) => Response` (the caller has checked access). */
export function createConsoleApi(options: ConsoleApiOptions): (request: Request, operator: ConsoleOperator) => Promise<Response> {
  const { client } = options;
  const clients = new Map<string, Client>();
  /** The console's client under the operator's identity: what Temporal records as who asked. */
  const clientFor = (operator: ConsoleOperator): Client => {
    const identity = operatorIdentity(operator);
    let own = clients.get(identity);
    if (!own) {
      // Names come from a header: keep a few, not one per name ever sent.
      if (clients.size >= 64) clients.clear();
      const { namespace, dataConverter, interceptors } = client.options;
      own = new Client({ connection: client.connection, namespace, dataConverter, interceptors, identity });
      clients.set(identity, own);
    }
    return own;
  };
  const agentFor = (operator: ConsoleOperator): Agent => new Agent(UNUSED_MODEL, { client: clientFor(operator) });
  const webUiLink = (runId: string, executionRunId: string): string | undefined =>
    options.webUiUrl
      ? `${options.webUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(client.options.namespace)}/workflows/${encodeURIComponent(runId)}/${executionRunId}/history`
      : undefined;

  const runAction = async (action: string, runId: string, request: Request, operator: ConsoleOperator): Promise<Response> => {
    const body = await readJsonBody(request);
    const agent = agentFor(operator);
    switch (action) {
      case 'cancel': {
        const mode = modeOf(body);
        const reason = text(body, 'reason');
        await cancelRun(runId, { client: clientFor(operator), ...(mode ? { mode } : {}), ...(reason !== undefined ? { reason } : {}) });
        return json(202, { runId, accepted: 'cancel', ...(mode ? { mode } : {}) });
      }
      case 'continue': {
        const [message, model, limits] = [text(body, 'message'), text(body, 'model'), limitsOf(body)];
        const handle = await agent.startContinueRun({
          runId,
          ...(message !== undefined ? { message } : {}),
          ...(model !== undefined ? { model } : {}),
          ...(limits ? { limits } : {}),
          stopWaitMs: 10_000,
        });
        return json(202, { runId: handle.runId, executionRunId: handle.executionRunId });
      }
      case 'answer': {
        const answers = body.answers;
        if (!Array.isArray(answers) || !answers.length || answers.some((a) => typeof a !== 'object' || a === null || typeof (a as { id?: unknown }).id !== 'string')) {
          throw new HttpError(400, 'invalid_request', 'answers must be a non-empty list of { id, approve?, note?, values?, result? }.');
        }
        const handle = await agent.startAnswerRun({ runId, answers: answers as RequirementResolution[] });
        return json(202, { runId: handle.runId, answered: answers.length });
      }
      case 'interrupt': {
        const message = text(body, 'message');
        if (!message) throw new HttpError(400, 'invalid_request', 'An interrupt needs a message: the words the model reads next.');
        const reason = text(body, 'reason');
        // interruptRun waits for the continued run's end; the console answers once it is under way.
        const done = agent.interruptRun({ runId, message, ...(reason !== undefined ? { reason } : {}) });
        const settled = new AbortController();
        try {
          const outcome = await Promise.race([done.then(() => 'finished' as const), waitForNewExecution(client, runId, settled.signal)]);
          return json(202, { runId, interrupted: outcome });
        } finally {
          settled.abort();
          done.catch(() => undefined);
        }
      }
      case 'fork': {
        const fromStep = Number(body.fromStep);
        if (body.fromStep === undefined || body.fromStep === null || body.fromStep === '' || !Number.isFinite(fromStep)) {
          throw new HttpError(400, 'invalid_request', 'A fork needs fromStep: the first step it runs anew.');
        }
        const edit = editOf(body);
        const handle = await agent.startForkRun({ runId, fromStep, ...(edit ? { edit } : {}) });
        return json(202, { runId: handle.runId, forkedFrom: runId, fromStep });
      }
      default:
        throw new HttpError(404, 'not_found', `No action "${action}": cancel, continue, answer, interrupt or fork.`);
    }
  };

  const routes = async (request: Request, operator: ConsoleOperator): Promise<Response> => {
    const url = new URL(request.url);
    const path = url.pathname;
    if (request.method === 'GET' && path === '/api/runs') {
      const pageSize = Math.min(200, Math.max(1, Number(url.searchParams.get('pageSize') ?? 50) || 50));
      const pageToken = url.searchParams.get('pageToken') ?? undefined;
      return json(200, await listRuns(filterOf(url.searchParams), { client, pageSize, ...(pageToken ? { pageToken } : {}) }));
    }
    if (request.method === 'GET' && path === '/api/runs/count') return json(200, { count: await countRuns(filterOf(url.searchParams), { client }) });
    if (request.method === 'POST' && (path === '/api/bulk/cancel' || path === '/api/bulk/continue')) {
      const body = await readJsonBody(request);
      const filter = filterFromBody(body);
      if (path === '/api/bulk/cancel') {
        const [mode, reason] = [modeOf(body), text(body, 'reason')];
        return json(200, await bulkCancel(filter, { client: clientFor(operator), ...(mode ? { mode } : {}), ...(reason !== undefined ? { reason } : {}) }));
      }
      const [message, model, limits] = [text(body, 'message'), text(body, 'model'), limitsOf(body)];
      const steer = { ...(message !== undefined ? { message } : {}), ...(model !== undefined ? { model } : {}), ...(limits ? { limits } : {}) };
      return json(200, await bulkContinue(agentFor(operator), filter, { client: clientFor(operator), ...steer }));
    }
    const match = /^\/api\/runs\/([^/]+)(?:\/([a-z]+))?$/.exec(path);
    if (!match) throw new HttpError(404, 'not_found', `No route ${request.method} ${path}.`);
    const runId = checkRunId(decodeURIComponent(match[1]!));
    const sub = match[2];
    if (request.method === 'GET' && sub === undefined) {
      const run = await getRunOutput(runId, { client });
      const webUiUrl = webUiLink(run.runId, run.executionRunId);
      return json(200, { run, ...(webUiUrl ? { webUiUrl } : {}) });
    }
    if (request.method === 'GET' && sub === 'events') {
      const from = resumeOffset(request);
      const stream = streamEvents(client, runId, { fromOffset: from, stopAtPause: false });
      const events = (async function* (): AsyncGenerator<SseEvent> {
        for await (const event of stream) yield { id: event.nextOffset, event: event.type, data: event };
        yield { event: 'end', data: {} };
      })();
      return sseResponse(events, { onError: (err) => ({ event: 'failure', data: { message: err instanceof Error ? err.message : String(err) } }) });
    }
    if (request.method === 'POST' && sub !== undefined) return runAction(sub, runId, request, operator);
    throw new HttpError(405, 'method_not_allowed', `${request.method} ${path} is not a route.`);
  };

  return async (request, operator) => {
    try {
      return await routes(request, operator);
    } catch (err) {
      const known = httpErrorOf(err);
      if (known) return errorResponse(known);
      throw err;
    }
  };
}

/** Resolves once the run has an open execution newer than the one open now (an interrupt's continuation), or `stop` aborts. */
async function waitForNewExecution(client: Client, runId: string, stop: AbortSignal): Promise<'continuing'> {
  const first = (
    await client.workflow
      .getHandle(runId)
      .describe()
      .catch((err: unknown) => {
        throw isNotFound(err) ? new RunNotFoundError(runId) : err;
      })
  ).runId;
  while (!stop.aborted) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await client.workflow.getHandle(runId).describe();
    if (now.runId !== first && now.status.name === 'RUNNING') return 'continuing';
  }
  return 'continuing';
}
