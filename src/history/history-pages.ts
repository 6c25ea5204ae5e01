// Reads an execution's history page by page through a connection that accepts large messages. A page of history can
// exceed gRPC's default 4 MB receive limit when a run carried large tool results (one payload may be up to 2 MB);
// the client's own connection then fails with RESOURCE_EXHAUSTED, which its retry policy retries for about a minute
// before giving up. Reading through a sibling connection with a larger limit avoids both.
import { Connection, isGrpcServiceError, type Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Enough for a full page of 2 MB events at the server's default page size limits. */
const MAX_RECEIVE_BYTES = 256 * 1024 * 1024;

const readers = new WeakMap<object, Connection>();
const opened = new Set<Connection>();

function serviceFor(client: Client): Client['workflowService'] {
  return readerFor(client)?.workflowService ?? client.workflowService;
}

/** The sibling connection of a client's Connection; undefined for a connection of another kind (it keeps its own limits). */
function readerFor(client: Client): Connection | undefined {
  const base = client.connection;
  if (!(base instanceof Connection)) return undefined;
  let reader = readers.get(base);
  if (!reader) {
    // The credentials carry the TLS setup (CA, client certificate) and channelArgs its server name override.
    const { address, credentials, metadata, channelArgs, interceptors } = base.options;
    reader = Connection.lazy({
      address,
      credentials,
      metadata,
      interceptors,
      channelArgs: { ...channelArgs, 'grpc.max_receive_message_length': MAX_RECEIVE_BYTES },
    });
    // The connection keeps its `apiKey` option (untyped in its options): set it on the sibling, not as the `apiKey`
    // option, which the SDK refuses next to ready-made credentials.
    const apiKey: unknown = 'apiKey' in base.options ? base.options.apiKey : undefined;
    if (typeof apiKey === 'string' && apiKey) reader.setApiKey(apiKey);
    else if (typeof apiKey === 'function') reader.setApiKey(apiKey as () => string);
    readers.set(base, reader);
    opened.add(reader);
  }
  return reader;
}

const GRPC_PERMISSION_DENIED = 7;
const GRPC_UNAUTHENTICATED = 16;

export async function fetchEvents(client: Client, workflowId: string, runId?: string): Promise<HistoryEvent[]> {
  try {
    return await fetchPages(serviceFor(client), client, workflowId, runId);
  } catch (err) {
    // A key set later on the client's connection (setApiKey) or call credentials the sibling cannot copy: read through the client's own.
    if (isGrpcServiceError(err) && (err.code === GRPC_UNAUTHENTICATED || err.code === GRPC_PERMISSION_DENIED)) {
      return fetchPages(client.workflowService, client, workflowId, runId);
    }
    throw err;
  }
}

async function fetchPages(service: Client['workflowService'], client: Client, workflowId: string, runId?: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  for (;;) {
    const page = await service.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution: { workflowId, ...(runId ? { runId } : {}) },
      ...(nextPageToken ? { nextPageToken } : {}),
    });
    events.push(...(page.history?.events ?? []));
    if (!page.nextPageToken?.length) return events;
    nextPageToken = page.nextPageToken;
  }
}

export interface HistoryPage {
  events: HistoryEvent[];
  /** Where the next long poll continues; undefined once the execution has closed and every event was read. */
  nextPageToken: Uint8Array | undefined;
}

/**
 * One page of an execution's history in the server's wait-for-new-event mode: from `nextPageToken` (the previous
 * page's; none for the first page), it returns as soon as there are events past it, or empty when the server's long
 * poll times out (about 20 s). Aborting `signal` cancels the call (it then rejects).
 */
export async function pollHistoryPage(client: Client, workflowId: string, runId: string | undefined, nextPageToken: Uint8Array | undefined, signal: AbortSignal): Promise<HistoryPage> {
  const request = {
    namespace: client.options.namespace,
    execution: { workflowId, ...(runId ? { runId } : {}) },
    waitNewEvent: true,
    ...(nextPageToken ? { nextPageToken } : {}),
  };
  const reader = readerFor(client);
  const call = async (connection: Connection | undefined, service: Client['workflowService']): Promise<HistoryPage> => {
    const poll = (): ReturnType<typeof service.getWorkflowExecutionHistory> => service.getWorkflowExecutionHistory(request);
    // A signal of its own per call: the connection leaves a listener on the signal it is given.
    const own = new AbortController();
    const abort = (): void => own.abort();
    signal.addEventListener('abort', abort, { once: true });
    try {
      const page = connection ? await connection.withAbortSignal(own.signal, poll) : await poll();
      return { events: page.history?.events ?? [], nextPageToken: page.nextPageToken?.length ? page.nextPageToken : undefined };
    } finally {
      signal.removeEventListener('abort', abort);
    }
  };
  try {
    return await call(reader, reader?.workflowService ?? client.workflowService);
  } catch (err) {
    if (reader && isGrpcServiceError(err) && (err.code === GRPC_UNAUTHENTICATED || err.code === GRPC_PERMISSION_DENIED)) {
      return call(client.connection instanceof Connection ? client.connection : undefined, client.workflowService);
    }
    throw err;
  }
}

/** Closes the history connections opened so far (closeConnections() calls it). */
export async function closeHistoryReaders(): Promise<void> {
  const all = [...opened];
  opened.clear();
  await Promise.all(all.map((c) => c.close().catch(() => undefined)));
}
