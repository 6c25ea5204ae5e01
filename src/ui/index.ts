/**
 * durable-agent's chat transport for the Vercel AI SDK: `useChat({ transport: new DurableChatTransport() })` talks to
 * a `createChatHandler` backend. `stop()` is the durable cancel (the run stops in Temporal, its tool call aborted),
 * `resumeStream()` reattaches to the chat's run after a reload, `transport.play(chatId)` continues a stopped run from
 * where it stopped, and `transport.answer(chatId, …)` (or an approval response that `useChat` sends on) reaches the
 * run's pending approval. Runs in browsers and Node (Web streams and `fetch` only); `ai` is needed for its types only.
 *
 * @module durable-agent/ui
 */
import type { ChatRequestOptions, ChatTransport, UIMessage, UIMessageChunk } from 'ai';

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

  constructor(private readonly options: DurableChatTransportOptions = {}) {
    this.api = (options.api ?? '/api/chat').replace(/\/$/, '');
  }

  /** Sends the chat's new user message (starts or redirects its run), or the approvals useChat sends on; streams the run. */
  async sendMessages(options: { trigger: 'submit-message' | 'regenerate-message'; chatId: string; messageId: string | undefined; messages: M[]; abortSignal: AbortSignal | undefined } & ChatRequestOptions): Promise<ReadableStream<UIMessageChunk>> {
    const { chatId, messages, abortSignal } = options;
    const last = messages[messages.length - 1];
    if (last?.role === 'assistant') {
      // useChat sends on after addToolApprovalResponse (sendAutomaticallyWhen): answer the run, then follow it on.
      const answers = (last.parts as PartLike[])
        .filter((p) => p.state === 'approval-responded' && p.approval && !this.answered.has(p.approval.id))
        .map((p) => ({ id: p.approval!.id, approve: p.approval!.approved === true, ...(p.approval!.reason ? { note: p.approval!.reason } : {}) }));
      const run = this.runs.get(chatId);
      if (!run) throw new ChatRequestError(409, 'no_run', 'This chat has no run to answer.');
      for (const a of answers) await this.answer(chatId, a);
      return this.follow(chatId, run.runId, run.offset, abortSignal);
    }
    const text = ((last?.parts ?? []) as PartLike[])
      .filter((p) => p.type === 'text')
      .map((p) => p.text ?? '')
      .join('');
    const response = await this.request('POST', `/chats/${encodeURIComponent(chatId)}/messages`, { message: text });
    return this.chunks(chatId, response, abortSignal, 0);
  }

  /** Reattaches to the chat's current run after a reload (its whole answer, replayed, then live); null when it has none. */
  async reconnectToStream(options: { chatId: string; abortSignal?: AbortSignal } & ChatRequestOptions): Promise<ReadableStream<UIMessageChunk> | null> {
    const response = await this.request('GET', `/chats/${encodeURIComponent(options.chatId)}/stream?from=0`);
    if (response.status === 204) return null;
    return this.chunks(options.chatId, response, options.abortSignal, 0);
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

  /** Answers the chat run's pending approval (or input): a second answer to the same request rejects with a 409 ChatRequestError. */
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

  private async follow(chatId: string, runId: string, from: number, abortSignal: AbortSignal | undefined): Promise<ReadableStream<UIMessageChunk>> {
    const response = await this.request('GET', `/runs/${encodeURIComponent(runId)}/stream?from=${from}`);
    return this.chunks(chatId, response, abortSignal, from);
  }

  /** The SSE body as UI chunks; tracks the run's offset and status; Stop (the abort) is the durable cancel; a drop reopens at the offset. */
  private chunks(chatId: string, first: Response, abortSignal: AbortSignal | undefined, from: number): ReadableStream<UIMessageChunk> {
    const runId = first.headers.get('x-durable-run-id') ?? '';
    const known = this.runs.get(chatId);
    if (runId && known?.runId !== runId) this.update(chatId, { runId, status: 'running', execution: 1, offset: from });
    const openText = new Set<string>();
    let stepOpen = false;
    let started = false;
    let reader: ReadableStreamDefaultReader<string> | undefined;
    let stopped = false;
    const onAbort = (): void => {
      stopped = true;
      void reader?.cancel().catch(() => undefined);
      const run = this.runs.get(chatId);
      if (run && (run.status === 'running' || run.status === 'paused')) this.stop(chatId).catch(() => undefined);
    };
    abortSignal?.addEventListener('abort', onAbort, { once: true });
    let response = first;
    let retries = this.options.reconnects ?? 3;
    let buffer = '';
    return new ReadableStream<UIMessageChunk>({
      pull: async (controller) => {
        for (;;) {
          if (stopped) return controller.close();
          let next: Awaited<ReturnType<ReadableStreamDefaultReader<string>["read"]>>;
          try {
            reader ??= response.body!.pipeThrough(new TextDecoderStream()).getReader();
            next = await reader.read();
          } catch (err) {
            if (stopped) return controller.close();
            const run = this.runs.get(chatId);
            if (!run || retries-- <= 0) throw err;
            // Dropped: reopen at the last offset (Last-Event-ID); repeated starts are filtered below.
            reader = undefined;
            buffer = '';
            response = await this.request('GET', `/runs/${encodeURIComponent(run.runId)}/stream?from=${run.offset}`);
            continue;
          }
          if (next.done) {
            abortSignal?.removeEventListener('abort', onAbort);
            return controller.close();
          }
          buffer += next.value;
          let emitted = false;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const id = /^id: (\d+)$/m.exec(frame)?.[1];
            const data = frame
              .split('\n')
              .filter((l) => l.startsWith('data: '))
              .map((l) => l.slice(6))
              .join('\n');
            if (!data || data === '[DONE]') continue;
            const chunk = JSON.parse(data) as UIMessageChunk & { data?: ChatRunStatus };
            const run = this.runs.get(chatId);
            if (run && id !== undefined) run.offset = Number(id);
            if (chunk.type === 'start') {
              if (started) continue;
              started = true;
            } else if (chunk.type === 'text-start') {
              if (openText.has(chunk.id)) continue;
              openText.add(chunk.id);
            } else if (chunk.type === 'text-end') {
              openText.delete(chunk.id);
            } else if (chunk.type === 'start-step') {
              if (stepOpen) continue;
              stepOpen = true;
            } else if (chunk.type === 'finish-step') {
              stepOpen = false;
            } else if (chunk.type === 'data-run' && chunk.data) {
              this.update(chatId, { ...chunk.data });
            }
            controller.enqueue(chunk);
            emitted = true;
          }
          if (emitted) return;
        }
      },
      cancel: async () => {
        stopped = true;
        await reader?.cancel().catch(() => undefined);
      },
    });
  }
}
