/**
 * durable-agent's chat transport for the Vercel AI SDK: `useChat({ transport: new DurableChatTransport() })` talks to
 * a `createChatHandler` backend. `stop()` is the durable cancel (the run stops in Temporal, its tool call aborted),
 * `resumeStream()` reattaches to the chat's run after a reload, `transport.play(chatId)` continues a stopped run from
 * where it stopped, and approvals are useChat's own: a response ends where the run waits for an approval (as the AI
 * SDK's streams end at an approval request), and the approval responses useChat sends on
 * (`addToolApprovalResponse` with `sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses`)
 * answer the run (`answerRun`), whose stream then reads on where it waited. Runs in browsers and Node (Web streams
 * and `fetch` only); `ai` is needed for its types only.
 *
 * @module durable-agent/ui
 */
import type { ChatRequestOptions, ChatTransport, UIMessage, UIMessageChunk } from 'ai';
import { RunFeed } from './run-feed.js';

/** Where a chat's run is, as the `data-run` parts of its stream tell it. */
export interface ChatRunStatus {
  runId: string;
  /** `stopping` between a Stop and the run's stop; the rest are the run's own statuses. */
  status: 'running' | 'paused' | 'stopping' | 'cancelled' | 'completed' | 'error';
  /** 1 for the run's first execution, 2 after one Play, ... */
  execution: number;
  reason?: string;
  /** The offset after the last event received: where a stream of this run resumes. */
  offset: number;
}

/** Options of `DurableChatTransport`. */
export interface DurableChatTransportOptions {
  /** The handler's base path or URL. Default `/api/chat`. */
  api?: string;
  /** Headers sent with every request (e.g. an auth token), or a function that returns them. */
  headers?: Record<string, string> | (() => Record<string, string>);
  /** What `stop()` does: `now` (default) aborts the running model or tool call; `afterStep` lets it finish first. */
  stopMode?: 'now' | 'afterStep';
  /** The fetch to use. Default globalThis.fetch. */
  fetch?: typeof fetch;
  /** How many times a dropped stream is reopened at its offset before the error reaches useChat. Default 3. */
  reconnects?: number;
}

/** A typed error answer of the chat handler: HTTP `status` and the stable `code`. */
export class ChatRequestError extends Error {
  override readonly name = 'ChatRequestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Listener = (chatId: string, status: ChatRunStatus) => void;

/** The parts of a message this transport reads: text, and tool parts with an approval answered in the page. */
interface PartLike {
  type: string;
  text?: string;
  state?: string;
  toolCallId?: string;
  approval?: { id: string; approved?: boolean; reason?: string };
}

/**
 * A ChatTransport whose Stop is a durable cancel and whose streams resume by offset: see the module comment. One
 * transport can serve several chats (keyed by chat id).
 */
export class DurableChatTransport<M extends UIMessage = UIMessage> implements ChatTransport<M> {
  /** A resumed stream replays the run's answer from its start: useChat rebuilds the message, with no gap or duplicate. */
  readonly resumeStreamIsReplay = true;
  private readonly api: string;
  private readonly runs = new Map<string, ChatRunStatus>();
  private readonly listeners = new Set<Listener>();
  private readonly answered = new Set<string>();
  /** Each chat's run stream, read on after a response ended at an approval. */
  private readonly feeds = new Map<string, RunFeed>();

  constructor(private readonly options: DurableChatTransportOptions = {}) {
    this.api = (options.api ?? '/api/chat').replace(/\/$/, '');
  }

  /**
   * Sends the chat's new user message (starts or redirects its run) and streams the run; or, when useChat sends on
   * the approval responses of the last assistant message (trigger `submit-message`), answers the run with them and
   * streams it on from where it waited.
   */
  async sendMessages(options: { trigger: 'submit-message' | 'regenerate-message'; chatId: string; messageId: string | undefined; messages: M[]; abortSignal: AbortSignal | undefined } & ChatRequestOptions): Promise<ReadableStream<UIMessageChunk>> {
    const { chatId, messages, abortSignal } = options;
    const last = messages[messages.length - 1];
    if (last?.role === 'assistant') return this.sendApprovals(chatId, last.parts as PartLike[], abortSignal);
    const text = ((last?.parts ?? []) as PartLike[])
      .filter((p) => p.type === 'text')
      .map((p) => p.text ?? '')
      .join('');
    const response = await this.request('POST', `/chats/${encodeURIComponent(chatId)}/messages`, { message: text });
    return this.respond(chatId, this.open(chatId, response, 0), abortSignal);
  }

  /** useChat's approval responses: answer the run with those not sent yet, then read its stream on. */
  private async sendApprovals(chatId: string, parts: PartLike[], abortSignal: AbortSignal | undefined): Promise<ReadableStream<UIMessageChunk>> {
    const run = this.runs.get(chatId) ?? (await this.state(chatId));
    if (!run) throw new ChatRequestError(409, 'no_run', 'This chat has no run to answer.');
    const answers = parts
      .filter((p) => p.state === 'approval-responded' && p.approval && !this.answered.has(p.approval.id))
      .map((p) => ({ id: p.approval!.id, approve: p.approval!.approved === true, ...(p.approval!.reason ? { note: p.approval!.reason } : {}) }));
    if (!answers.length && run.status !== 'running' && run.status !== 'paused') {
      // Nothing to send and nothing to follow (the run closed before the approved call ran): end useChat's resending.
      throw new ChatRequestError(409, 'run_not_running', `The run is ${run.status}: there is nothing to answer.`);
    }
    if (answers.length) {
      try {
        await this.request('POST', `/runs/${encodeURIComponent(run.runId)}/answer`, { answers });
      } catch (err) {
        // Answered already (in another tab): the run goes on all the same; follow it.
        if (!(err instanceof ChatRequestError && err.code === 'already_answered')) throw err;
      }
      for (const a of answers) this.answered.add(a.id);
    }
    const feed = this.feeds.get(chatId);
    if (feed?.live && feed.runId === run.runId) return this.respond(chatId, feed, abortSignal);
    const response = await this.request('GET', `/runs/${encodeURIComponent(run.runId)}/stream?from=${run.offset}`);
    return this.respond(chatId, this.open(chatId, response, run.offset), abortSignal);
  }

  /** Reattaches to the chat's current run after a reload (its whole answer, replayed, then live); null when it has none. */
  async reconnectToStream(options: { chatId: string; abortSignal?: AbortSignal } & ChatRequestOptions): Promise<ReadableStream<UIMessageChunk> | null> {
    const response = await this.request('GET', `/chats/${encodeURIComponent(options.chatId)}/stream?from=0`);
    if (response.status === 204) return null;
    return this.respond(options.chatId, this.open(options.chatId, response, 0), options.abortSignal);
  }

  /** Stops the chat's run durably (what useChat's stop() triggers): resolves with the stopped status. */
  async stop(chatId: string, mode = this.options.stopMode ?? 'now'): Promise<ChatRunStatus> {
    const run = this.runs.get(chatId);
    if (!run) throw new ChatRequestError(409, 'no_run', 'This chat has no run to stop.');
    this.update(chatId, { ...run, status: 'stopping' });
    try {
      const body = (await (await this.request('POST', `/runs/${encodeURIComponent(run.runId)}/stop`, { mode })).json()) as { status: ChatRunStatus['status'] };
      return this.update(chatId, { ...this.runs.get(chatId)!, status: body.status });
    } catch (err) {
      this.update(chatId, run);
      throw err;
    }
  }

  /** Continues the chat's stopped run from where it stopped (optionally with a message); then `resumeStream()` shows it. */
  async play(chatId: string, message?: string): Promise<void> {
    const run = this.runs.get(chatId) ?? (await this.state(chatId));
    if (!run) throw new ChatRequestError(409, 'no_run', 'This chat has no run to continue.');
    await this.request('POST', `/runs/${encodeURIComponent(run.runId)}/play`, message ? { message } : {});
    this.update(chatId, { ...run, status: 'running' });
  }

  /**
   * Answers the chat run's pending request directly: an input (`values`) or an external result, which useChat has no
   * part for (approvals go through useChat's `addToolApprovalResponse`). A second answer to the same request rejects
   * with a 409 ChatRequestError.
   */
  async answer(chatId: string, answer: { id: string; approve?: boolean; note?: string; values?: Record<string, unknown> }): Promise<void> {
    const run = this.runs.get(chatId) ?? (await this.state(chatId));
    if (!run) throw new ChatRequestError(409, 'no_run', 'This chat has no run to answer.');
    this.answered.add(answer.id);
    await this.request('POST', `/runs/${encodeURIComponent(run.runId)}/answer`, { answers: [answer] });
  }

  /** The chat's transcript of finished turns and its current run, as the server knows it (load it before resumeStream()). */
  async loadChat(chatId: string): Promise<{ messages: M[]; activeRunId: string | null } | null> {
    const response = await this.request('GET', `/chats/${encodeURIComponent(chatId)}`, undefined, [404]);
    if (response.status === 404) return null;
    return (await response.json()) as { messages: M[]; activeRunId: string | null };
  }

  /** The last status seen for the chat's run. */
  status(chatId: string): ChatRunStatus | undefined {
    return this.runs.get(chatId);
  }

  /** Calls `listener` on every status change of any chat's run; returns the unsubscribe function. */
  subscribe(listener: (chatId: string, status: ChatRunStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async state(chatId: string): Promise<ChatRunStatus | undefined> {
    const chat = (await this.loadChat(chatId)) as { runs?: string[] } | null;
    const runId = chat?.runs?.[chat.runs.length - 1];
    if (!runId) return undefined;
    return this.update(chatId, { runId, status: 'running', execution: 1, offset: 0 });
  }

  private update(chatId: string, status: ChatRunStatus): ChatRunStatus {
    this.runs.set(chatId, status);
    for (const l of this.listeners) l(chatId, status);
    return status;
  }

  private async request(method: string, path: string, body?: unknown, allow: number[] = []): Promise<Response> {
    const headers = typeof this.options.headers === 'function' ? this.options.headers() : (this.options.headers ?? {});
    const response = await (this.options.fetch ?? fetch)(`${this.api}${path}`, {
      method,
      headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok && !allow.includes(response.status)) {
      const error = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
      throw new ChatRequestError(response.status, error.error?.code ?? 'http_error', error.error?.message ?? `HTTP ${response.status}`);
    }
    return response;
  }

  /** Starts reading a run's stream (the chat's previous one is released). */
  private open(chatId: string, response: Response, from: number): RunFeed {
    const runId = response.headers.get('x-durable-run-id') ?? this.runs.get(chatId)?.runId ?? '';
    if (runId && this.runs.get(chatId)?.runId !== runId) this.update(chatId, { runId, status: 'running', execution: 1, offset: from });
    this.feeds.get(chatId)?.close();
    const feed = new RunFeed(runId, response, {
      reconnects: this.options.reconnects ?? 3,
      reopen: () => this.request('GET', `/runs/${encodeURIComponent(runId)}/stream?from=${this.runs.get(chatId)?.offset ?? from}`),
      accept: (chunk, offset) => {
        const run = this.runs.get(chatId);
        if (run && offset !== undefined) run.offset = offset;
        // An approval this transport sent already, asked again by a stream that saw the pause before the answer.
        if (chunk.type === 'tool-approval-request' && this.answered.has(chunk.approvalId)) return false;
        if (chunk.type === 'data-run' && (chunk as { data?: ChatRunStatus }).data) this.update(chatId, { ...(chunk as { data: ChatRunStatus }).data });
        return true;
      },
    });
    this.feeds.set(chatId, feed);
    return feed;
  }

  /**
   * One useChat response from the run's feed: it ends when the run closes, or where the run waits for approvals this
   * response asked for (useChat then shows them and sends the answers on; the feed is read on by that response).
   * Stop (the abort) is the durable cancel.
   */
  private respond(chatId: string, feed: RunFeed, abortSignal: AbortSignal | undefined): ReadableStream<UIMessageChunk> {
    const asked = new Set<string>();
    let ended = false;
    const onAbort = (): void => {
      ended = true;
      feed.close();
      const run = this.runs.get(chatId);
      if (run && (run.status === 'running' || run.status === 'paused')) this.stop(chatId).catch(() => undefined);
    };
    abortSignal?.addEventListener('abort', onAbort, { once: true });
    const end = (controller: ReadableStreamDefaultController<UIMessageChunk>): void => {
      ended = true;
      abortSignal?.removeEventListener('abort', onAbort);
      try {
        controller.close();
      } catch {
        // Cancelled by its reader already.
      }
    };
    return new ReadableStream<UIMessageChunk>({
      pull: async (controller) => {
        const chunk = ended ? undefined : await feed.next();
        if (!chunk || ended) return end(controller);
        controller.enqueue(chunk);
        if (chunk.type === 'tool-approval-request') asked.add(chunk.approvalId);
        const data = chunk.type === 'data-run' ? (chunk as { data?: ChatRunStatus }).data : undefined;
        if (data?.status === 'paused' && asked.size) {
          controller.enqueue({ type: 'finish', finishReason: 'tool-calls' });
          end(controller);
        }
      },
      cancel: () => {
        ended = true;
        feed.close();
      },
    });
  }
}
