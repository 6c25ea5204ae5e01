// A session's memory, kept in Temporal only: the session's runs are the executions whose DurableAgentSessionId search
// attribute names it (Temporal's visibility list), each run's conversation is read from its history with the one
// history reader (read-execution.ts). The client assembles the earlier runs' conversation into a new run's input
// (TaskSpec.memory) when the Task asks for it, so the run and its continuations replay from their input alone.
import type { Client } from '@temporalio/client';
import { SEARCH_ATTRIBUTES, WORKFLOW_TYPE, type ContentBlockParam, type MessageParam, type RunStatus, type SessionMemory } from '../core/types.js';
import { toRunOutput } from '../history/projections.js';
import { jsonPayloadBytes } from '../core/payload-size.js';
import { readExecution } from '../history/read-execution.js';
import { RunNotFoundError } from '../core/errors.js';
import { DEFAULT_MEMORY_MAX_BYTES, type MemoryOptions } from '../task/memory-options.js';

/** One run of a session as `readSession` and `durable-agent session show` show it. */
export interface SessionRun {
  runId: string;
  status: RunStatus;
  /** When its first step started (its start, before it took one): the session's order. */
  startedAt: string | undefined;
  task: string;
  /** The run's own conversation: what it remembered of the session is left out. */
  messages: MessageParam[];
  /** The messages a later run remembers of it: up to its last answer that asked for no tool, tool calls as text. */
  rememberable: MessageParam[];
  /** The runs of the session it remembered, when it had memory. */
  remembered?: string[];
}

/** A session as `readSession` reads it: its runs, oldest first, each with its own messages. */
export interface SessionView {
  sessionId: string;
  /** Oldest first. */
  runs: SessionRun[];
}

// Run ids this process started in each session: its own runs are remembered even before visibility lists them.
const startedHere = new Map<string, Set<string>>();

export function noteSessionRun(sessionId: string, runId: string): void {
  let ids = startedHere.get(sessionId);
  if (!ids) startedHere.set(sessionId, (ids = new Set()));
  ids.add(runId);
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Run ids of the session, as Temporal's visibility lists them (one per run, however many executions it has). */
async function listedRunIds(client: Client, sessionId: string): Promise<string[]> {
  const ids = new Set<string>();
  const query = `WorkflowType = '${WORKFLOW_TYPE}' AND ${SEARCH_ATTRIBUTES.sessionId} = ${quote(sessionId)}`;
  for await (const wf of client.workflow.list({ query })) ids.add(wf.workflowId);
  return [...ids];
}

/** A conversation up to its last model answer that asked for no tool (roles alternate, no tool call is left open). */
function upToLastAnswer(messages: MessageParam[]): MessageParam[] {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    const asksForTool = Array.isArray(m.content) && m.content.some((b) => b.type === 'tool_use');
    if (m.role === 'assistant' && !asksForTool) return messages.slice(0, i + 1);
  }
  return [];
}

function blockAsText(block: ContentBlockParam): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'tool_use':
      return `[called tool ${block.name} (${block.id}) with ${JSON.stringify(block.input)}]`;
    case 'tool_result': {
      const content = typeof block.content === 'string' ? block.content : JSON.stringify(block.content ?? '');
      return `[${block.is_error ? 'error' : 'result'} of ${block.tool_use_id}: ${content}]`;
    }
    default:
      return '';
  }
}

/**
 * A remembered message: tool calls and results become text, as the API refuses tool_use blocks without the tool's
 * definition (a later run may not have the tool) and tool_use ids must be unique within a request.
 */
function asRemembered(m: MessageParam): MessageParam {
  if (typeof m.content === 'string') return m;
  const text = m.content.map(blockAsText).filter((t) => t.length).join('\n');
  return { role: m.role, content: text || '(no text)' };
}

/** A run of the session, or undefined when there is no such run or it belongs to another session. */
async function readRun(client: Client, sessionId: string, runId: string): Promise<SessionRun | undefined> {
  let record;
  try {
    record = await readExecution(client, runId);
  } catch (err) {
    if (err instanceof RunNotFoundError) return undefined;
    throw err;
  }
  if (record.input.sessionId !== sessionId) return undefined;
  const output = toRunOutput(record);
  const memory = record.input.task.memory;
  const messages = output.messages.slice(memory?.messages.length ?? 0);
  return {
    runId,
    status: output.status,
    startedAt: output.stepResults[0]?.startedAt ?? record.startedAt,
    task: record.input.task.description,
    messages,
    rememberable: upToLastAnswer(messages).map(asRemembered),
    ...(memory ? { remembered: memory.runs.map((r) => r.runId) } : {}),
  };
}

/**
 * The session's runs, oldest first, each read from its history (its latest execution: continuations included). Runs
 * come from the visibility list, from this process's own starts, from `include`, and from what the runs found
 * remembered (so a run the list does not show yet is still found through a later run that remembered it).
 */
export async function readSession(client: Client, sessionId: string, include: string[] = []): Promise<SessionView> {
  const runs: SessionRun[] = [];
  const seen = new Set<string>();
  let next = [...new Set([...(await listedRunIds(client, sessionId)), ...(startedHere.get(sessionId) ?? []), ...include])];
  while (next.length) {
    next.forEach((id) => seen.add(id));
    const read = (await Promise.all(next.map((id) => readRun(client, sessionId, id)))).filter((r): r is SessionRun => r !== undefined);
    runs.push(...read);
    next = [...new Set(read.flatMap((r) => r.remembered ?? []))].filter((id) => !seen.has(id));
  }
  runs.sort((a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '') || a.runId.localeCompare(b.runId));
  return { sessionId, runs };
}

/**
 * The memory policy: the most recent whole runs whose messages fit in `maxBytes`, oldest first. A run is never cut
 * in the middle; once one does not fit, it and every older run are dropped (named in `dropped`, with why), so what is
 * remembered is always the latest stretch of the session. Runs with no finished answer yet are dropped too.
 */
export function assembleMemory(view: SessionView, options: { maxBytes?: number; exclude?: string } = {}): SessionMemory {
  const maxBytes = options.maxBytes ?? DEFAULT_MEMORY_MAX_BYTES;
  const runs = view.runs.filter((r) => r.runId !== options.exclude);
  const kept: SessionRun[] = [];
  const dropped: SessionMemory['dropped'] = [];
  let bytes = 0;
  let full = false;
  for (const run of [...runs].reverse()) {
    if (!run.rememberable.length) {
      dropped.unshift({ runId: run.runId, reason: `no finished answer yet (${run.status})` });
      continue;
    }
    const size = jsonPayloadBytes(run.rememberable);
    if (full || bytes + size > maxBytes) {
      full = true;
      dropped.unshift({ runId: run.runId, reason: `over the memory budget of ${maxBytes} bytes` });
      continue;
    }
    bytes += size;
    kept.unshift(run);
  }
  return {
    sessionId: view.sessionId,
    messages: kept.flatMap((r) => r.rememberable),
    runs: kept.map((r) => ({ runId: r.runId, messages: r.rememberable.length })),
    dropped,
  };
}

/** A Task's `memory` option for a run about to start in `sessionId`: what the run remembers (TaskSpec.memory). */
export async function memoryForRun(
  client: () => Promise<Client>,
  run: { runId: string; sessionId: string | undefined; searchAttributes: boolean; memory: boolean | MemoryOptions },
): Promise<SessionMemory> {
  if (run.sessionId === undefined) throw new TypeError('Task memory needs a session: construct the Agent with { sessionId }.');
  if (!run.searchAttributes) {
    throw new TypeError(
      `Task memory finds the session's runs by the ${SEARCH_ATTRIBUTES.sessionId} search attribute, and this Agent does not set it: ` +
        'register the DurableAgent* search attributes (durable-agent dev does) or pass { searchAttributes: true }.',
    );
  }
  const options = run.memory === true ? {} : run.memory === false ? {} : run.memory;
  const view = await readSession(await client(), run.sessionId, options.include);
  return assembleMemory(view, { exclude: run.runId, ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}) });
}
