// createChatHandler: a chat app's backend on durable runs, as one Web-standard `(request) => Promise<Response>`.
// Each chat is a session (session id = chat id); each message starts a run in it (or redirects the chat's running
// run, per `whileRunning`); streams speak the AI SDK UI message protocol over SSE with offsets as event ids; Stop is
// the durable cancel, Play the continuation, answers go to answerRun. Routes (under `basePath`, default `/api/chat`):
//   POST /chats/:chatId/messages  { message }            → SSE: the new (or redirected) run's stream
//   GET  /chats/:chatId                                   → { chatId, runs, activeRunId, messages } (the transcript)
//   GET  /chats/:chatId/stream?from=N | Last-Event-ID     → SSE: the chat's latest run from offset N (204: no run)
//   GET  /runs/:runId/stream?from=N | Last-Event-ID       → SSE: that run from offset N
//   POST /runs/:runId/stop    { mode?: 'now'|'afterStep', reason? } → { runId, status }
//   POST /runs/:runId/play    { message? }                → { runId, status: 'running' }
//   POST /runs/:runId/answer  { answers: [{ id, approve?, note?, values?, result? }] } → { runId, answered }
// A chat belongs to the caller who sent its first message; anyone else gets 404 for it and its runs (no content).
import type { Client } from '@temporalio/client';
import { Agent, type AgentOptions } from '../../client/agent.js';
import { getClient, type ConnectionOptions } from '../../client/connection.js';
import { cancelRun, executionSteps, getRunOutput } from '../../client/run-control.js';
import { streamRun } from '../../client/run-stream.js';
import { Task } from '../../client/task.js';
import {
  InvalidRequirementError,
  InvalidRunIdError,
  RunAlreadyCompletedError,
  RunNotFoundError,
  RunNotPausedError,
  RunNotRunningError,
  RunPausedError,
  RunStillRunningError,
} from '../../core/errors.js';
import type { RequirementResolution, RunOutput, StreamEvent } from '../../core/types.js';
import type { Tool } from '../../tools/tool-definition.js';
import { HttpError, errorResponse, json, readJsonBody, resumeOffset, sseResponse, type Authorize, type FetchHandler, type SseEvent } from '../http/index.js';
import { UiChunkMapper, type UiChunk } from './ui-chunks.js';

/** What to do with a message sent while the chat's run is still running. */
export type WhileRunningPolicy = 'interrupt' | 'reject';

/** Options of `createChatHandler`. */
export interface ChatHandlerOptions {
  /** The Temporal connection: a client, or connection options (address, namespace, task queue...). */
  connection?: ConnectionOptions & { client?: Client };
  /** The model of new runs, e.g. `anthropic/claude-sonnet-4-6`. */
  model: string;
  /** The tools a chat's runs may call (their implementations live on the worker: `createWorker({ tools })`). */
  tools?: Tool[];
  /** The system prompt of every run. */
  system?: string;
  /** Who is calling: a `{ userId }`, or null (401). Required: a chat serves its owner only. */
  authorize: Authorize;
  /** A message sent while the chat's run runs: `interrupt` (default) stops it and continues it with the message; `reject` answers 409. */
  whileRunning?: WhileRunningPolicy;
  /** Every path starts with this. Default `/api/chat`. */
  basePath?: string;
  /** Largest request body, bytes. Default 64 KiB. */
  bodyLimit?: number;
  /** Runs remember the chat's earlier runs (Task memory; needs the DurableAgent* search attributes). Default true. */
  memory?: boolean;
  /** More Agent options for new runs (the session and user are the chat's and the caller's). */
  agentOptions?: Omit<AgentOptions, 'sessionId' | 'userId'>;
  /** Where chats and their runs are recorded. Default: in this process's memory (`new MemoryChatStore()`). */
  store?: ChatStore;
}

/** A chat as the handler records it. */
export interface ChatRecord {
  chatId: string;
  ownerId: string;
  /** Run ids, oldest first; the last is the chat's current run. */
  runs: string[];
  /** Each run's user message, by run id (the transcript's user turns). */
  asks: Record<string, string>;
}

/** Where the handler keeps chats (who owns them, which runs they have). Implement it over your database to share chats across processes. */
export interface ChatStore {
  /** The chat, or undefined. */
  getChat(chatId: string): Promise<ChatRecord | undefined>;
  /** The chat a run belongs to, or undefined. */
  chatOfRun(runId: string): Promise<string | undefined>;
  /** Records a chat (new or changed). */
  saveChat(chat: ChatRecord): Promise<void>;
}

/** The default ChatStore: chats live in this process's memory. */
export class MemoryChatStore implements ChatStore {
  private readonly chats = new Map<string, ChatRecord>();
  private readonly runs = new Map<string, string>();
  /** The chat, or undefined. */
  async getChat(chatId: string): Promise<ChatRecord | undefined> {
    return this.chats.get(chatId);
  }
  /** The chat a run belongs to, or undefined. */
  async chatOfRun(runId: string): Promise<string | undefined> {
    return this.runs.get(runId);
  }
  /** Records a chat (new or changed). */
  async saveChat(chat: ChatRecord): Promise<void> {
    this.chats.set(chat.chatId, structuredClone(chat));
    for (const runId of chat.runs) this.runs.set(runId, chat.chatId);
  }
}

const CHAT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const UI_STREAM_HEADERS = { 'x-vercel-ai-ui-message-stream': 'v1', 'x-accel-buffering': 'no' };

/** The errors of durable-agent's client as HTTP errors (status and stable code). */
function httpErrorOf(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof RunNotFoundError) return new HttpError(404, 'run_not_found', 'No such run.');
  if (err instanceof InvalidRunIdError) return new HttpError(400, 'invalid_run_id', err.message);
  if (err instanceof RunNotRunningError) return new HttpError(409, 'run_not_running', 'The run is not running: there is nothing to stop.');
  if (err instanceof RunStillRunningError) return new HttpError(409, 'run_still_running', 'The run is still running: stop it first.');
  if (err instanceof RunAlreadyCompletedError) return new HttpError(409, 'run_completed', 'The run has completed: there is nothing to continue.');
  if (err instanceof RunPausedError) return new HttpError(409, 'run_paused', 'The run waits for an answer: answer it instead.');
  if (err instanceof RunNotPausedError) return new HttpError(409, 'already_answered', 'The run waits for no answer (already answered?).');
  if (err instanceof InvalidRequirementError) return new HttpError(409, 'already_answered', err.message);
  return undefined;
}

/**
 * The chat app's backend: a Web-standard handler (Next.js route handlers, Hono, `toNodeHandler` for node:http). See
 * docs/guides/chat-apps.md for the routes, the policy and the authorization rule.
 */
export function createChatHandler(options: ChatHandlerOptions): FetchHandler {
  const base = (options.basePath ?? '/api/chat').replace(/\/$/, '');
  const store = options.store ?? new MemoryChatStore();
  const connection = options.connection ?? {};
  const policy = options.whileRunning ?? 'interrupt';
  const limit = options.bodyLimit;

  const agentFor = (chatId: string, userId: string): Agent =>
    new Agent(options.model, { ...connection, ...options.agentOptions, sessionId: chatId, userId });

  /** The chat if the caller owns it; otherwise 404 whether or not it exists (no telling). */
  const ownedChat = async (chatId: string, userId: string): Promise<ChatRecord> => {
    const chat = await store.getChat(chatId);
    if (!chat || chat.ownerId !== userId) throw new HttpError(404, 'chat_not_found', 'No such chat.');
    return chat;
  };
  const ownedRun = async (runId: string, userId: string): Promise<ChatRecord> => {
    const chatId = await store.chatOfRun(runId);
    if (!chatId) throw new HttpError(404, 'run_not_found', 'No such run.');
    const chat = await store.getChat(chatId);
    if (!chat || chat.ownerId !== userId) throw new HttpError(404, 'run_not_found', 'No such run.');
    return chat;
  };

  /** A run's events as SSE of UI chunks; the ids are offsets. It follows the run through pauses until it closes. */
  const uiStream = (runId: string, events: AsyncIterable<StreamEvent>, from: number): Response => {
    async function* frames(): AsyncGenerator<SseEvent> {
      const mapper = new UiChunkMapper(runId);
      let offset = from;
      const send = (chunks: UiChunk[]): SseEvent[] => chunks.map((c) => ({ id: offset, data: c }));
      yield* send(mapper.start());
      for await (const event of events) {
        offset = event.nextOffset;
        // A tool call that starts: its input is in the open execution's live step list (the event names the step only);
        // only that list is asked, so a long run's earlier executions are not read at every tool call.
        const toolInput =
          event.type === 'step_started' && event.step.name.startsWith('tool:')
            ? (await getClient(connection).then((client) => executionSteps(client, runId)).catch(() => [])).find((s) => s.activityId === event.step.activityId)?.toolInput
            : undefined;
        yield* send(mapper.map(event, toolInput));
      }
      yield { data: '[DONE]' };
    }
    return sseResponse(frames(), {
      headers: { ...UI_STREAM_HEADERS, 'x-durable-run-id': runId },
      onError: (err) => ({ data: { type: 'error', errorText: httpErrorOf(err)?.message ?? 'the stream failed' } }),
    });
  };
  const follow = (runId: string, from: number): AsyncGenerator<StreamEvent> =>
    streamRun(runId, { ...connection, fromOffset: from, stopAtPause: false });

  const isActive = (output: RunOutput): boolean => output.status === 'running' || output.status === 'paused';

  async function postMessage(request: Request, chatId: string, userId: string): Promise<Response> {
    const body = await readJsonBody(request, limit);
    const message = typeof body.message === 'string' ? body.message.trim() : '';
    if (!message) throw new HttpError(400, 'malformed_body', 'Send { "message": "<text>" }.');
    let chat = await store.getChat(chatId);
    if (chat && chat.ownerId !== userId) throw new HttpError(404, 'chat_not_found', 'No such chat.');
    chat ??= { chatId, ownerId: userId, runs: [], asks: {} };
    const agent = agentFor(chatId, userId);
    const current = chat.runs[chat.runs.length - 1];
    if (current) {
      const output = await getRunOutput(current, connection);
      if (isActive(output)) {
        if (policy === 'reject') throw new HttpError(409, 'run_still_running', 'The chat has a run still running: stop it first, or wait.');
        // Interrupt: stop the run now, then continue it with the message (the model reads it next).
        await cancelRun(current, { ...connection, mode: 'now', reason: 'a new message interrupted it', wait: true }).catch((err: unknown) => {
          if (!(err instanceof RunNotRunningError)) throw err;
        });
      }
      if (isActive(output) || output.status === 'cancelled') {
        chat.asks[current] = `${chat.asks[current] ?? ''}\n${message}`.trim();
        await store.saveChat(chat);
        const events = agent.continueRunStream({ runId: current, message, stopAtPause: false });
        const first = await events.next();
        const from = first.done ? 0 : first.value.offset;
        return uiStream(current, prepend(first, events), from);
      }
    }
    const memory = (options.memory ?? true) ? { include: chat.runs } : undefined;
    const task = new Task({ description: message, ...(options.tools ? { tools: options.tools } : {}), ...(options.system ? { system: options.system } : {}), ...(memory ? { memory } : {}) });
    const handle = await agent.start(task);
    chat.runs.push(handle.runId);
    chat.asks[handle.runId] = message;
    await store.saveChat(chat);
    return uiStream(handle.runId, follow(handle.runId, 0), 0);
  }

  async function chatState(chat: ChatRecord): Promise<Response> {
    const messages: Array<{ id: string; role: 'user' | 'assistant'; parts: Array<{ type: 'text'; text: string }> }> = [];
    let activeRunId: string | null = null;
    let status: string | null = null;
    for (const runId of chat.runs) {
      messages.push({ id: `${runId}-user`, role: 'user', parts: [{ type: 'text', text: chat.asks[runId] ?? '' }] });
      const output = await getRunOutput(runId, connection);
      status = output.status;
      if (isActive(output) || output.status === 'cancelled') activeRunId = runId;
      else if (typeof output.output === 'string' && output.output) messages.push({ id: runId, role: 'assistant', parts: [{ type: 'text', text: output.output }] });
    }
    // The current run's answer is not in `messages`: a client replays it from its stream (GET .../stream).
    return json(200, { chatId: chat.chatId, runs: chat.runs, activeRunId, status, messages });
  }

  async function stop(request: Request, runId: string): Promise<Response> {
    const body = await readJsonBody(request, limit);
    const mode = body.mode ?? 'now';
    if (mode !== 'now' && mode !== 'afterStep') throw new HttpError(400, 'malformed_body', 'mode is "now" or "afterStep".');
    const reason = typeof body.reason === 'string' ? body.reason : 'stopped from the chat';
    const output = await cancelRun(runId, { ...connection, mode, reason, wait: true, signal: AbortSignal.timeout(30_000) });
    return json(200, { runId, status: output.status });
  }

  async function play(request: Request, chat: ChatRecord, runId: string, userId: string): Promise<Response> {
    const body = await readJsonBody(request, limit);
    if (body.message !== undefined && typeof body.message !== 'string') throw new HttpError(400, 'malformed_body', 'message is a string.');
    const message = typeof body.message === 'string' && body.message.trim() ? body.message.trim() : undefined;
    const handle = await agentFor(chat.chatId, userId).startContinueRun({ runId, ...(message ? { message } : {}) });
    if (message) {
      chat.asks[runId] = `${chat.asks[runId] ?? ''}\n${message}`.trim();
      await store.saveChat(chat);
    }
    return json(200, { runId: handle.runId, executionRunId: handle.executionRunId, status: 'running' });
  }

  async function answer(request: Request, chat: ChatRecord, runId: string, userId: string): Promise<Response> {
    const body = await readJsonBody(request, limit);
    const answers = body.answers;
    const valid = (a: unknown): a is RequirementResolution => typeof a === 'object' && a !== null && typeof (a as { id?: unknown }).id === 'string';
    if (!Array.isArray(answers) || !answers.length || !answers.every(valid)) {
      throw new HttpError(400, 'malformed_body', 'Send { "answers": [{ "id": "<request id>", "approve": true }] }.');
    }
    // What the run waits for now: an id it does not wait for was answered already (or never asked).
    const pending = new Set((await getRunOutput(runId, connection)).requirements.map((r) => r.id));
    const stale = answers.filter((a) => !pending.has(a.id));
    if (stale.length) throw new HttpError(409, 'already_answered', `The run does not wait for ${stale.map((a) => a.id).join(', ')}: already answered, or never asked.`);
    await agentFor(chat.chatId, userId).startAnswerRun({ runId, answers });
    return json(200, { runId, answered: answers.map((a) => a.id) });
  }

  return async (request: Request): Promise<Response> => {
    try {
      const url = new URL(request.url);
      if (!url.pathname.startsWith(`${base}/`)) throw new HttpError(404, 'not_found', 'Not a chat route.');
      const caller = await options.authorize(request);
      if (!caller) throw new HttpError(401, 'unauthorized', 'Sign in first.');
      const path = url.pathname.slice(base.length).split('/').filter(Boolean).map(decodeURIComponent);
      const [kind, id, action] = path;
      if (!id || path.length > 3) throw new HttpError(404, 'not_found', 'No such route.');
      const method = request.method;
      if (kind === 'chats') {
        if (!CHAT_ID.test(id)) throw new HttpError(400, 'invalid_chat_id', 'A chat id is 1-128 letters, digits and ._:-');
        if (action === 'messages' && method === 'POST') return await postMessage(request, id, caller.userId);
        if (action === undefined && method === 'GET') return await chatState(await ownedChat(id, caller.userId));
        if (action === 'stream' && method === 'GET') {
          const chat = await ownedChat(id, caller.userId);
          const runId = chat.runs[chat.runs.length - 1];
          if (!runId) return new Response(null, { status: 204 });
          const from = resumeOffset(request);
          return uiStream(runId, follow(runId, from), from);
        }
      } else if (kind === 'runs') {
        const chat = await ownedRun(id, caller.userId);
        if (action === 'stream' && method === 'GET') {
          const from = resumeOffset(request);
          return uiStream(id, follow(id, from), from);
        }
        if (action === 'stop' && method === 'POST') return await stop(request, id);
        if (action === 'play' && method === 'POST') return await play(request, chat, id, caller.userId);
        if (action === 'answer' && method === 'POST') return await answer(request, chat, id, caller.userId);
      }
      throw new HttpError(404, 'not_found', `No route ${method} ${url.pathname}.`);
    } catch (err) {
      const known = httpErrorOf(err);
      if (known) return errorResponse(known);
      return errorResponse(new HttpError(500, 'internal', err instanceof Error ? `${err.name}` : 'internal error'));
    }
  };
}

async function* prepend<T>(first: IteratorResult<T>, rest: AsyncGenerator<T>): AsyncGenerator<T> {
  if (first.done) return;
  yield first.value;
  yield* rest;
}
