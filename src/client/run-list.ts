// Runs as Temporal's visibility lists them: one entry per execution (a continued run shows its cancelled execution
// and its continuation, as `durable-agent list` does), filtered by the DurableAgent* search attributes, one page at a
// time through Temporal's own page tokens, so a list of 10,000 runs is read a page at a time and never loaded whole.
// The memo (task, model, session, user, stop) is decoded with the client's data converter; a run whose memo this
// client cannot decode (no key) says so instead of failing the page.
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import type { google, temporal } from '@temporalio/proto';
import { modelId } from '../core/model-id.js';
import { SEARCH_ATTRIBUTES, WORKFLOW_TYPE, type RunStop } from '../core/types.js';
import { missingCodecError } from '../history/decode.js';
import { payloadDecoderOf } from '../history/payload-decoder.js';
import { getClient, type ConnectionOptions } from './connection.js';

/** Which runs: each field narrows the list (they are ANDed); absent fields do not filter. */
export interface RunFilter {
  /** The run's agent status (running, completed, cancelled, paused, error): DurableAgentStatus. */
  status?: string;
  sessionId?: string;
  userId?: string;
  /**
   * The run's model as runs record it (`claude-sonnet-4-6`, `openai/gpt-5`): DurableAgentModel, which runs started by
   * a client carry where the namespace has it registered, with the sub-runs they start (runs of older namespaces, and
   * runs a user's own workflow starts, do not). Written as
   * users write it, `anthropic/claude-sonnet-4-6` matches too.
   */
  model?: string;
  /** Runs whose run id starts with this text. */
  runIdPrefix?: string;
  /**
   * Free text: runs whose run id, session or user starts with it (`WorkflowId`, DurableAgentSessionId and
   * DurableAgentUserId STARTS_WITH it, ORed). Case-sensitive; not a substring search.
   */
  text?: string;
  /** Only executions Temporal still has open (`ExecutionStatus = 'Running'`): what a bulk cancel acts on. */
  openOnly?: boolean;
}

/** One execution of a run, as the list shows it. */
export interface RunListEntry {
  runId: string;
  executionRunId: string;
  /** The agent status (DurableAgentStatus), else Temporal's status in lower case for runs without search attributes. */
  status: string;
  /** Temporal's status of this execution: RUNNING, COMPLETED, FAILED, CANCELED, TERMINATED, TIMED_OUT... */
  executionStatus: string;
  task?: string;
  model?: string;
  sessionId?: string;
  userId?: string;
  /** 1 for the run's first execution, 2 for its first continuation, ... */
  execution?: number;
  stop?: RunStop;
  startedAt: string;
  closedAt?: string;
  durationMs?: number;
  /** Set when this client cannot read the run's memo: `encrypted` or `compressed` (it lacks the codec). */
  unreadable?: 'encrypted' | 'compressed';
}

/** A page of the list and the token of the next one (absent on the last page). */
export interface RunListPage {
  runs: RunListEntry[];
  nextPageToken?: string;
}

const STATUS_NAMES: Record<number, string> = {
  1: 'RUNNING',
  2: 'COMPLETED',
  3: 'FAILED',
  4: 'CANCELED',
  5: 'TERMINATED',
  6: 'CONTINUED_AS_NEW',
  7: 'TIMED_OUT',
};

/** A visibility query string literal. */
function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The id runs record for a model as the filter names it ('anthropic/claude-x' → 'claude-x'); as is if it is no model id. */
function recordedModel(model: string): string {
  try {
    return modelId(model);
  } catch {
    return model;
  }
}

/** The visibility query of a filter: agent runs, newest first. */
export function runQuery(filter: RunFilter = {}): string {
  const clauses = [`WorkflowType = '${WORKFLOW_TYPE}'`];
  if (filter.status) clauses.push(`${SEARCH_ATTRIBUTES.status} = ${quote(filter.status)}`);
  if (filter.sessionId) clauses.push(`${SEARCH_ATTRIBUTES.sessionId} = ${quote(filter.sessionId)}`);
  if (filter.userId) clauses.push(`${SEARCH_ATTRIBUTES.userId} = ${quote(filter.userId)}`);
  if (filter.model) clauses.push(`${SEARCH_ATTRIBUTES.model} = ${quote(recordedModel(filter.model))}`);
  if (filter.runIdPrefix) clauses.push(`WorkflowId STARTS_WITH ${quote(filter.runIdPrefix)}`);
  if (filter.text) {
    const prefix = quote(filter.text);
    const fields = ['WorkflowId', SEARCH_ATTRIBUTES.sessionId, SEARCH_ATTRIBUTES.userId];
    clauses.push(`(${fields.map((field) => `${field} STARTS_WITH ${prefix}`).join(' OR ')})`);
  }
  if (filter.openOnly) clauses.push(`ExecutionStatus = 'Running'`);
  return clauses.join(' AND ');
}

type Timestamp = google.protobuf.ITimestamp | null | undefined;

function isoOf(ts: Timestamp): string | undefined {
  if (!ts?.seconds) return undefined;
  return new Date(Number(ts.seconds) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
}

function keyword(fields: Record<string, Payload> | null | undefined, name: string): string | undefined {
  const payload = fields?.[name];
  if (!payload) return undefined;
  const value: unknown = defaultPayloadConverter.fromPayload(payload);
  return Array.isArray(value) ? (value[0] as string | undefined) : typeof value === 'string' ? value : undefined;
}

interface RunMemo {
  task?: string;
  model?: string;
  sessionId?: string;
  userId?: string;
  execution?: number;
  stop?: RunStop;
}

async function entryOf(client: Client, info: temporal.api.workflow.v1.IWorkflowExecutionInfo): Promise<RunListEntry> {
  const runId = info.execution?.workflowId ?? '';
  const executionStatus = STATUS_NAMES[info.status ?? 0] ?? 'UNKNOWN';
  const indexed = info.searchAttributes?.indexedFields as Record<string, Payload> | null | undefined;
  const memo: RunMemo = {};
  let unreadable: RunListEntry['unreadable'];
  const decoder = payloadDecoderOf(client.options.loadedDataConverter);
  for (const [name, payload] of Object.entries((info.memo?.fields ?? {}) as Record<string, Payload>)) {
    try {
      const [value] = await decoder.values([payload]);
      (memo as Record<string, unknown>)[name] = value;
    } catch (err) {
      const missing = missingCodecError(err, runId);
      if (!missing) throw err;
      unreadable = missing.name === 'RunEncryptedError' ? 'encrypted' : 'compressed';
    }
  }
  const startedAt = isoOf(info.startTime) ?? new Date(0).toISOString();
  const closedAt = isoOf(info.closeTime);
  return {
    runId,
    executionRunId: info.execution?.runId ?? '',
    status: keyword(indexed, SEARCH_ATTRIBUTES.status) ?? executionStatus.toLowerCase(),
    executionStatus,
    ...(memo.task !== undefined ? { task: memo.task } : {}),
    ...((memo.model ?? keyword(indexed, SEARCH_ATTRIBUTES.model)) !== undefined ? { model: memo.model ?? keyword(indexed, SEARCH_ATTRIBUTES.model)! } : {}),
    ...((memo.sessionId ?? keyword(indexed, SEARCH_ATTRIBUTES.sessionId)) !== undefined ? { sessionId: memo.sessionId ?? keyword(indexed, SEARCH_ATTRIBUTES.sessionId)! } : {}),
    ...((memo.userId ?? keyword(indexed, SEARCH_ATTRIBUTES.userId)) !== undefined ? { userId: memo.userId ?? keyword(indexed, SEARCH_ATTRIBUTES.userId)! } : {}),
    ...(memo.execution !== undefined ? { execution: memo.execution } : {}),
    ...(memo.stop ? { stop: memo.stop } : {}),
    startedAt,
    ...(closedAt ? { closedAt, durationMs: Math.max(0, Date.parse(closedAt) - Date.parse(startedAt)) } : {}),
    ...(unreadable ? { unreadable } : {}),
  };
}

/** Options of listRuns(): the page, and the connection (`{ client }` or connection settings). */
export interface ListRunsOptions extends ConnectionOptions {
  /** Rows per page. Default 50. */
  pageSize?: number;
  /** The `nextPageToken` of the page before; absent for the first. */
  pageToken?: string;
}

/**
 * One page of the runs `filter` selects, newest first. Reads visibility only; Temporal's page tokens page the list, so
 * any page costs the same, however long the list.
 */
export async function listRuns(filter: RunFilter = {}, options: ListRunsOptions = {}): Promise<RunListPage> {
  const client = await getClient(options);
  const response = await client.workflowService.listWorkflowExecutions({
    namespace: client.options.namespace,
    query: runQuery(filter),
    pageSize: options.pageSize ?? 50,
    ...(options.pageToken ? { nextPageToken: Buffer.from(options.pageToken, 'base64url') } : {}),
  });
  const runs = await Promise.all((response.executions ?? []).map((info) => entryOf(client, info)));
  const token = response.nextPageToken?.length ? Buffer.from(response.nextPageToken).toString('base64url') : undefined;
  return { runs, ...(token ? { nextPageToken: token } : {}) };
}

/** How many executions `filter` selects (Temporal's visibility count): the preview of a bulk action. */
export async function countRuns(filter: RunFilter = {}, options: ConnectionOptions = {}): Promise<number> {
  const { count } = await (await getClient(options)).workflow.count(runQuery(filter));
  return count;
}
