// What each soak run does, decided up front from a seeded random generator: its model turns and tool calls (random
// tool durations, sometimes a tool that needs a human's approval), whether the driver cancels it (and when) and
// whether it forks it once it completed. The plan travels in the task's text, so the fake model answers every request
// from the request alone: a retried or continued turn gets exactly the same answer, whichever worker asks.
import { textTurn, toolTurn, type FakeResponder } from '../../src/testing/fake-anthropic/index.js';

export interface PlannedToolUse {
  name: 'slow_tool' | 'fast_tool' | 'approved_tool';
  /** holdSeconds: the tool works on after its side effect (a worker killed then makes it run twice: at-least-once). */
  input: { key: string; seconds?: number; holdSeconds?: number };
}

export interface RunPlan {
  tag: string;
  /** Tool turns: turn t of the model answers with turns[t]; after the last one it ends its turn. */
  turns: PlannedToolUse[][];
  /** Cancel the first execution this long after its start (then continue it). */
  cancelAfterMs?: number;
  /** Fork the completed run from this step. */
  forkFromStep?: number;
}

/** mulberry32: small, fast, good enough to vary a soak reproducibly from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makePlan(index: number, random: () => number): RunPlan {
  const tag = `r${index}`;
  const turnCount = 1 + Math.floor(random() * 3);
  let approval = random() < 0.25;
  const turns: PlannedToolUse[][] = [];
  for (let t = 0; t < turnCount; t++) {
    const uses: PlannedToolUse[] = [];
    const count = 1 + Math.floor(random() * 2);
    for (let i = 0; i < count; i++) {
      const key = `${tag}.${t}.${i}`;
      if (approval && t === turnCount - 1 && i === 0) {
        uses.push({ name: 'approved_tool', input: { key } });
        approval = false;
      } else if (random() < 0.7) {
        const seconds = Math.round((0.2 + random() * 3.8) * 10) / 10;
        uses.push({ name: 'slow_tool', input: random() < 0.3 ? { key, seconds, holdSeconds: 1.5 } : { key, seconds } });
      } else {
        uses.push({ name: 'fast_tool', input: { key } });
      }
    }
    turns.push(uses);
  }
  const plan: RunPlan = { tag, turns };
  if (random() < 0.3) plan.cancelAfterMs = Math.round(300 + random() * 2700);
  // Steps: model, its tools, model, ... ; fork after step 1 at the earliest (there is always a step 0 to keep).
  const steps = turns.reduce((n, uses) => n + 1 + uses.length, 1);
  if (random() < 0.15) plan.forkFromStep = 1 + Math.floor(random() * (steps - 1));
  return plan;
}

export function taskText(plan: RunPlan): string {
  return `soak ${plan.tag} ${JSON.stringify(plan.turns)}`;
}

export function finalText(tag: string): string {
  return `soak ${tag} done`;
}

/** The run's tag and plan, from the first user message of a request ('' when it is not a soak request). */
export function planOf(firstMessage: unknown): { tag: string; turns: PlannedToolUse[][] } | undefined {
  const text = typeof firstMessage === 'string' ? firstMessage : Array.isArray(firstMessage) ? (firstMessage as { text?: string }[]).map((b) => b.text ?? '').join('') : '';
  const match = /^soak (\S+) (.*)$/s.exec(text);
  if (!match) return undefined;
  return { tag: match[1]!, turns: JSON.parse(match[2]!) as PlannedToolUse[][] };
}

/** Between stream events: a model call streams for ~0.5 s, long enough for a fault to land in one. */
const CHUNK_DELAY_MS = 25;

/** The fake model of the soak: turn t of a run answers with its planned tool calls, then it ends the turn. */
export const soakResponder: FakeResponder = (request) => {
  const plan = planOf(request.body.messages?.[0]?.content);
  if (!plan) throw new Error('not a soak request');
  const uses = plan.turns[request.turn];
  if (!uses) return textTurn(finalText(plan.tag), { chunkDelayMs: CHUNK_DELAY_MS });
  return toolTurn(uses.map((u) => ({ name: u.name, input: u.input })), { text: `turn ${request.turn}`, chunkDelayMs: CHUNK_DELAY_MS });
};
