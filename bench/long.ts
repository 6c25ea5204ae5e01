// A run of thousands of steps (issue 31): 1,500 model turns, each calling a tool that returns 8 KiB, 3,000 steps in all,
// on one worker in its own process. The run continues as new every 200 steps (Task continueAsNewEvery; Temporal's own
// suggestion comes later, at its history-size limit, and a cancel far from a boundary would then have to carry every
// step since the boundary, results and all, in the continuation's seed) and keeps each request under a context budget
// (clear-tool-results). Cancelled at step 2,500 and continued from another
// process, it must start the next step promptly and ask the model for no turn it already answered. Measured: the
// executions it took, the most events and history bytes of any one execution, the worker's CPU per step early and late,
// the largest request's input tokens, the worker's RSS.
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from '../src/client/agent.js';
import { cancelRun, getRunOutput } from '../src/client/run-control.js';
import { Task } from '../src/client/task.js';
import { RunStatus, type Usage } from '../src/core/types.js';
import { readExecution, readPredecessors } from '../src/history/read-execution.js';
import { FakeAnthropicServer, textTurn, toolTurn } from '../src/testing/fake-anthropic/index.js';
import { ROOT } from '../test/helpers/servers.js';
import { cpuSeconds, procMemory, startChild, stopChild } from './concurrency.js';
import { historyBytes, now, type BenchContext, type Row, type SectionResult } from './context.js';
import { bytes, ms, round } from './stats.js';

const RESULT_BYTES = 8192;
const BUDGET_TOKENS = 50_000;
const CONTINUE_AS_NEW_EVERY = 200;
/** Temporal's limits: the Web UI warns at 10,240 events; the goal for one execution's history bytes. */
const EVENTS_GOAL = 10_240;
const BYTES_GOAL = 10 * 1024 * 1024;
const CPU_RATIO_GOAL = 1.2;
const FIRST_STEP_GOAL_MS = 2000;

export async function longSection(ctx: BenchContext): Promise<SectionResult> {
  const turns = ctx.quick ? 100 : 1500;
  const steps = 2 * turns + 1;
  // Step 2,500 of 3,000 is the model step of turn 1,250.
  const cancelTurn = Math.round((turns * 2500) / 3000);
  // CPU per step around step 100 (steps 50-150) and around step 2,900 (steps 2,850-2,950), scaled in quick mode.
  // And over 100 turns with one continue-as-new boundary in each (every 100 turns before the cancel; after it at 1,350
  // and 1,450).
  const windows = { early: [25, 75], late: [turns - 75, turns - 25], wholeEarly: [25, Math.min(125, turns)], wholeLate: [Math.max(0, turns - 100), turns] } as const;
  const fake = await FakeAnthropicServer.start();
  const dir = join(ROOT, '.artifacts', 'bench');
  mkdirSync(dir, { recursive: true });
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, ctx.bundle.code);
  const taskQueue = `${ctx.taskQueue}-long`;
  const child = await startChild({ address: ctx.address, taskQueue, fakeUrl: fake.url, bundlePath, workerOptions: {} });
  const pid = child.pid!;
  const requests = new Map<number, number>();
  const cpuAtTurn = new Map<number, number>();
  let cut: (() => void) | undefined;
  const cutReached = new Promise<void>((resolve) => (cut = resolve));
  let resumedAt: number | undefined;
  fake.setResponder((record) => {
    // The turn is the last blob call's n plus one: a request that left its oldest turns out (the context budget) has
    // fewer assistant messages than its turn, so record.turn (and the fake's ids made from it) would repeat.
    const calls = record.body.messages.flatMap((m) => (m.role === 'assistant' && typeof m.content !== 'string' ? m.content.filter((b) => b.type === 'tool_use') : []));
    const lastCall = calls.at(-1);
    const turn = lastCall?.type === 'tool_use' ? (lastCall.input as { n: number }).n + 1 : 0;
    const count = (requests.get(turn) ?? 0) + 1;
    requests.set(turn, count);
    if (!cpuAtTurn.has(turn)) cpuAtTurn.set(turn, cpuSeconds(pid));
    // The fake keeps every request it answered: drop them, or 1,500 requests of the budget's size stay in memory.
    fake.requests.length = 0;
    const call = toolTurn([{ id: `blob-${turn}`, name: 'blob', input: { n: turn, bytes: RESULT_BYTES } }], { text: `Turn ${turn}. ` });
    if (turn === cancelTurn && count === 1) {
      cut?.();
      // Streams slowly, so the cancel cuts this call.
      return toolTurn([{ id: `blob-${turn}`, name: 'blob', input: { n: turn, bytes: RESULT_BYTES } }], { text: 'A turn the cancel cuts in the middle of its text.', chunkDelayMs: 500 });
    }
    if (turn === cancelTurn && count === 2) resumedAt = now();
    return turn < turns ? call : textTurn('All turns done.');
  });
  let peakRss = 0;
  const sampler = setInterval(() => {
    if (child.exitCode === null) peakRss = Math.max(peakRss, procMemory(pid).rss);
  }, 250);
  const rows: Row[] = [];
  const row = (metric: string, measured: string, goal?: string, pass?: boolean): void => {
    rows.push({ section: 'long', metric, measured, ...(goal !== undefined ? { goal } : {}), ...(pass !== undefined ? { pass } : {}) });
  };
  try {
    const blob = ctx.tools.find((t) => t.name === 'blob')!;
    const agent = new Agent('anthropic/claude-sonnet-4-6', { client: ctx.client, taskQueue });
    const task = new Task({ description: `Call blob ${turns} times.`, tools: [blob], maxSteps: steps + 10, context: { budgetTokens: BUDGET_TOKENS }, continueAsNewEvery: CONTINUE_AS_NEW_EVERY });
    const t0 = now();
    const handle = await agent.start(task);
    ctx.log(`long: run ${handle.runId} started; ${steps} steps to go`);
    await cutReached;
    const cancelled = await cancelRun(handle.runId, { client: ctx.client, wait: true });
    if (cancelled.status !== RunStatus.cancelled) throw new Error(`the cancel at turn ${cancelTurn} left the run ${cancelled.status}`);
    ctx.log(`long: cancelled at turn ${cancelTurn} after ${ms(now() - t0)}; continuing from another process`);

    // Another process continues it.
    const other = fork(fileURLToPath(new URL('./long-continue.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_CONTINUE_CONFIG: JSON.stringify({ address: ctx.address, taskQueue, runId: handle.runId }) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let askedAt: number | undefined;
    await new Promise<void>((resolve, reject) => {
      other.on('message', (m) => {
        if (m === 'asking') askedAt = now();
        else resolve();
      });
      other.once('exit', (code) => (code ? reject(new Error(`the continuing process exited with ${code}`)) : resolve()));
    });
    await ctx.client.workflow.getHandle(handle.runId).result();
    const runMs = now() - t0;
    const output = await getRunOutput(handle.runId, { client: ctx.client });
    if (output.status !== RunStatus.completed) throw new Error(`long run ended ${output.status}: ${output.error?.message ?? ''}`);

    // Every execution of the run, read the way `show` reads them, and each one's history as the server holds it.
    const latest = await readExecution(ctx.client, handle.runId);
    const chain = [...(latest.earlier ?? (await readPredecessors(ctx.client, handle.runId, latest, new Map()))), latest];
    const perExecution = await Promise.all(
      chain.map(async (record) => {
        const history = await ctx.client.workflow.getHandle(handle.runId, record.executionRunId).fetchHistory();
        return { executionRunId: record.executionRunId, state: record.state, events: history.events?.length ?? 0, bytes: historyBytes(history) };
      }),
    );
    const maxEvents = Math.max(...perExecution.map((e) => e.events));
    const maxBytes = Math.max(...perExecution.map((e) => e.bytes));
    const cpuPerStep = (window: readonly [number, number]): number => {
      const [from, to] = window;
      return ((cpuAtTurn.get(to)! - cpuAtTurn.get(from)!) * 1000) / (2 * (to - from));
    };
    const early = cpuPerStep(windows.early);
    const late = cpuPerStep(windows.late);
    const modelSteps = output.stepResults.filter((s) => s.name === 'model');
    // All the request's input: the prompt cache's reads and writes count toward the window as much as the rest.
    const inputOf = (u: Usage | undefined): number => (u ? u.inputTokens + (u.cacheReadInputTokens ?? 0) + (u.cacheCreationInputTokens ?? 0) : 0);
    const peakInput = Math.max(...modelSteps.map((s) => inputOf(s.usage)));
    const peakStep = modelSteps.find((s) => inputOf(s.usage) === peakInput)?.index;
    const repeated = [...requests].filter(([turn, n]) => n > (turn === cancelTurn ? 2 : 1)).map(([turn]) => turn);
    const missing = Array.from({ length: turns + 1 }, (_, t) => t).filter((t) => !requests.has(t));
    const firstStepMs = resumedAt !== undefined && askedAt !== undefined ? resumedAt - askedAt : Number.NaN;
    const uniqueSteps = new Set(output.stepResults.filter((s) => s.status === 'completed').map((s) => s.index)).size;

    row('steps completed (model turns, 8 KiB tool results)', `${uniqueSteps} of ${steps} (${turns} turns) in ${ms(runMs)}`, `${steps}`, uniqueSteps === steps);
    row(`executions (continue-as-new every ${CONTINUE_AS_NEW_EVERY} steps, and the continuation after the cancel)`, String(chain.length));
    row('max events in one execution', String(maxEvents), `≤ ${EVENTS_GOAL}`, maxEvents <= EVENTS_GOAL);
    row('max history bytes in one execution', bytes(maxBytes), `≤ ${bytes(BYTES_GOAL)}`, maxBytes <= BYTES_GOAL);
    row(`worker CPU per step around step ${2 * 50} / ${2 * (turns - 50)}`, `${round(early, 2)} ms / ${round(late, 2)} ms (ratio ${round(late / early, 2)})`, `ratio ≤ ${CPU_RATIO_GOAL}`, late / early <= CPU_RATIO_GOAL);
    // The windows above are half an execution each, and only the late one has a boundary in it (step 2,900); over 200
    // steps each (steps 50-250 and the last 200), both have one, so what a continue-as-new costs is in both.
    const wholeEarly = cpuPerStep(windows.wholeEarly);
    const wholeLate = cpuPerStep(windows.wholeLate);
    row(`worker CPU per step over steps ${2 * windows.wholeEarly[0]}-${2 * windows.wholeEarly[1]} / ${2 * windows.wholeLate[0]}-${2 * windows.wholeLate[1]} (one continue-as-new in each)`, `${round(wholeEarly, 2)} ms / ${round(wholeLate, 2)} ms (ratio ${round(wholeLate / wholeEarly, 2)})`, `ratio ≤ ${CPU_RATIO_GOAL}`, wholeLate / wholeEarly <= CPU_RATIO_GOAL);
    row('peak input tokens of one request', `${peakInput} (step ${peakStep ?? '?'})`, `< ${BUDGET_TOKENS} (Task context budget)`, peakInput < BUDGET_TOKENS);
    row('worker RSS (peak, sampled every 250 ms)', bytes(peakRss));
    row(`continued from another process after a cancel at step ${2 * cancelTurn}: first new step`, ms(firstStepMs), `≤ ${FIRST_STEP_GOAL_MS} ms`, firstStepMs <= FIRST_STEP_GOAL_MS);
    row('model turns asked again after the continue (fake counts)', repeated.length ? repeated.join(', ') : 'none', 'none', repeated.length === 0 && missing.length === 0);
    return {
      rows,
      data: { turns, steps, runMs, cpuSecondsAtTurn: Object.fromEntries(cpuAtTurn), executions: perExecution, maxEvents, maxBytes, cpuPerStepMs: { early, late, wholeEarly, wholeLate, windows }, peakInput, peakStep, peakTurn: peakStep === undefined ? undefined : peakStep / 2, budgetTokens: BUDGET_TOKENS, peakRss, firstStepMs, repeated, missing },
    };
  } finally {
    clearInterval(sampler);
    await stopChild(child);
    await fake.close();
  }
}
