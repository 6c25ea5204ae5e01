// One run's stream as the chat transport reads it: the handler's SSE (UI message chunks, offsets as event ids) read as
// it arrives into a queue of chunks, whoever takes them. The transport hands the queue to useChat one response at a
// time: a response ends where the run waits for an approval, and the response that carries the answer reads on from
// the same feed (the same HTTP stream), so nothing is fetched twice and no second run starts. A dropped connection is
// reopened at the last offset; the opening chunks a reopened stream repeats (`start`, an open text or step) are dropped.
import type { UIMessageChunk } from 'ai';

/** What a feed asks of its owner. */
export interface RunFeedHooks {
  /** Opens the run's stream again at the last offset (a dropped connection). */
  reopen(): Promise<Response>;
  /** Each chunk as it arrives, with its event id (the offset after it): false drops it. */
  accept(chunk: UIMessageChunk, offset: number | undefined): boolean;
  /** How many times a dropped stream is reopened before the feed fails. */
  reconnects: number;
}

/** A run's SSE stream read into UI chunks as they arrive; `next()` takes them in order. */
export class RunFeed {
  private readonly queue: UIMessageChunk[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private closed = false;
  private failed: { error: unknown } | undefined;
  private reader: ReadableStreamDefaultReader<string> | undefined;
  // What useChat has been sent of this run's message: a reopened stream repeats its opening chunks.
  private readonly openText = new Set<string>();
  private stepOpen = false;
  private started = false;

  constructor(
    readonly runId: string,
    first: Response,
    private readonly hooks: RunFeedHooks,
  ) {
    void this.pump(first).catch((error: unknown) => {
      this.failed = { error };
      this.notify();
    });
  }

  /** True while the stream is read (the run has not closed it, nobody closed the feed, no error). */
  get live(): boolean {
    return !this.ended && !this.closed && !this.failed;
  }

  /** The next chunk, waiting for it; undefined once the stream has ended (or the feed was closed). */
  async next(): Promise<UIMessageChunk | undefined> {
    for (;;) {
      const chunk = this.queue.shift();
      if (chunk) return chunk;
      if (this.failed) throw this.failed.error;
      if (this.ended || this.closed) return undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Stops reading: the HTTP stream is released. */
  close(): void {
    this.closed = true;
    void this.reader?.cancel().catch(() => undefined);
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async pump(first: Response): Promise<void> {
    let response = first;
    let retries = this.hooks.reconnects;
    let buffer = '';
    for (;;) {
      if (this.closed) return;
      let next: Awaited<ReturnType<ReadableStreamDefaultReader<string>["read"]>>;
      try {
        this.reader ??= response.body!.pipeThrough(new TextDecoderStream()).getReader();
        next = await this.reader.read();
      } catch (err) {
        if (this.closed) return;
        try {
          if (retries-- <= 0) throw err;
          // Dropped: reopen at the last offset (Last-Event-ID); the repeated opening chunks are dropped below.
          this.reader = undefined;
          buffer = '';
          response = await this.hooks.reopen();
          continue;
        } catch (error) {
          this.failed = { error };
          return this.notify();
        }
      }
      if (next.done) {
        this.ended = true;
        return this.notify();
      }
      buffer += next.value;
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
        const chunk = JSON.parse(data) as UIMessageChunk;
        if (this.hooks.accept(chunk, id === undefined ? undefined : Number(id)) && this.fresh(chunk)) this.queue.push(chunk);
      }
      this.notify();
    }
  }

  /** False for an opening chunk a reopened stream repeats. */
  private fresh(chunk: UIMessageChunk): boolean {
    switch (chunk.type) {
      case 'start':
        if (this.started) return false;
        this.started = true;
        return true;
      case 'text-start':
        if (this.openText.has(chunk.id)) return false;
        this.openText.add(chunk.id);
        return true;
      case 'text-end':
        this.openText.delete(chunk.id);
        return true;
      case 'start-step':
        if (this.stepOpen) return false;
        this.stepOpen = true;
        return true;
      case 'finish-step':
        this.stepOpen = false;
        return true;
      default:
        return true;
    }
  }
}
