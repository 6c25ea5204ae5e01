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
  const base = client.connection;
  // A connection of another kind keeps its own limits: read through it as it is.
  if (!(base instanceof Connection)) return client.workflowService;
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
  return reader.workflowService;
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

/** Closes the history connections opened so far (closeConnections() calls it). */
export async function closeHistoryReaders(): Promise<void> {
  const all = [...opened];
  opened.clear();
  await Promise.all(all.map((c) => c.close().catch(() => undefined)));
}
