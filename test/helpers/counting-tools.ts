// Tools that count their executions, so tests can prove a completed tool never runs twice.
import { z } from 'zod';
import { sleep, tool } from '../../src/tools/tool-definition.js';

export class ToolCounter {
  readonly started = new Map<string, number>();
  readonly completed = new Map<string, number>();
  readonly aborted = new Map<string, number>();
  readonly abortedAt: number[] = [];

  bump(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  reset(): void {
    this.started.clear();
    this.completed.clear();
    this.aborted.clear();
    this.abortedAt.length = 0;
  }
}

export function countingTools(counter: ToolCounter, delayMs: { value: number } = { value: 0 }) {
  const track = async <T>(key: string, signal: AbortSignal, ms: number, value: T): Promise<T> => {
    counter.bump(counter.started, key);
    try {
      if (ms > 0) await sleep(ms, signal);
    } catch (err) {
      counter.bump(counter.aborted, key);
      counter.abortedAt.push(Date.now());
      throw err;
    }
    counter.bump(counter.completed, key);
    return value;
  };
  return [
    tool({
      name: 'long_running_task',
      description: 'A task that takes time to complete.',
      input: z.object({ seconds: z.number().int() }),
      run: ({ seconds }, { signal }) => track(`long_running_task:${seconds}`, signal, seconds * 1000, `Completed after ${seconds} seconds`),
    }),
    tool({
      name: 'lookup',
      description: 'Looks a key up.',
      input: z.object({ key: z.string() }),
      run: ({ key }, { signal }) => track(`lookup:${key}`, signal, delayMs.value, `value-of-${key}`),
    }),
  ];
}
