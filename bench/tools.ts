// The benchmark's tools and the probe that timestamps what they do (in the bench process, on performance.now()).
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { sleep, tool, type Tool } from '../src/tools/tool-definition.js';

export interface ToolEvent {
  runId: string;
  tool: string;
  at: number;
}

export class ToolProbe {
  readonly starts: ToolEvent[] = [];
  readonly aborts: ToolEvent[] = [];
  /** Runs whose `gate` tool returns at once (a continuation) instead of blocking until cancelled. */
  readonly released = new Set<string>();

  startsOf(runId: string, name?: string): ToolEvent[] {
    return this.starts.filter((e) => e.runId === runId && (name === undefined || e.tool === name));
  }

  abortsOf(runId: string, name?: string): ToolEvent[] {
    return this.aborts.filter((e) => e.runId === runId && (name === undefined || e.tool === name));
  }

  reset(): void {
    this.starts.length = 0;
    this.aborts.length = 0;
    this.released.clear();
  }
}

/** Words for filler text: a small vocabulary, so the text compresses about as model prose does (not as one repeated phrase). */
const FILLER_WORDS = (
  'the agent read a page of the ledger and found three invoices whose totals did not match what each customer was ' +
  'billed for in march so it asked for the original receipts checked every line against the contract noted two late ' +
  'fees one refund still pending and a duplicate charge then wrote a short report with exact figures for the team'
).split(' ');

/** `size` bytes of ASCII prose-like text, the same for the same `seed`: the history section's model text and tool results. */
export function filler(size: number, seed: number): string {
  let state = (seed * 2654435761 + 1) % 2 ** 31;
  const words: string[] = [`turn ${seed}`];
  let length = words[0]!.length;
  while (length < size) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const word = FILLER_WORDS[(state >>> 8) % FILLER_WORDS.length]!;
    words.push(word);
    length += word.length + 1;
  }
  return words.join(' ').slice(0, size);
}

export function benchTools(probe: ToolProbe): Tool[] {
  const started = (runId: string, name: string, signal: AbortSignal): void => {
    probe.starts.push({ runId, tool: name, at: performance.now() });
    signal.addEventListener('abort', () => probe.aborts.push({ runId, tool: name, at: performance.now() }), { once: true });
  };
  return [
    tool({
      name: 'sleeper',
      description: 'Sleeps for the given milliseconds, honouring its abort signal.',
      input: z.object({ ms: z.number().int() }),
      run: async ({ ms }, { signal, runId }) => {
        started(runId, 'sleeper', signal);
        await sleep(ms, signal);
        return `slept ${ms} ms`;
      },
    }),
    tool({
      name: 'instant',
      description: 'Returns at once.',
      input: z.object({ n: z.number().int() }),
      run: ({ n }, { signal, runId }) => {
        started(runId, 'instant', signal);
        return `ok ${n}`;
      },
    }),
    tool({
      name: 'blob',
      description: 'Returns a text of the given size.',
      input: z.object({ n: z.number().int(), bytes: z.number().int() }),
      run: ({ n, bytes }, { signal, runId }) => {
        started(runId, 'blob', signal);
        return filler(bytes, n);
      },
    }),
    tool({
      name: 'gate',
      description: 'Blocks for a minute unless the run was released; returns at once once it was.',
      input: z.object({}),
      run: async (_input, { signal, runId }) => {
        started(runId, 'gate', signal);
        if (!probe.released.has(runId)) await sleep(60_000, signal);
        return 'gate passed';
      },
    }),
  ];
}
