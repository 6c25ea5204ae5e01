// A client whose gRPC calls are counted (by method) along with the history events its GetWorkflowExecutionHistory
// answers carried: what a reader of history really fetched from the server (the stream tests and bench/stream.ts).
import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';

export interface GrpcCounts {
  calls: Record<string, number>;
  historyEvents: number;
}

function countingInterceptor(counts: GrpcCounts): Interceptor {
  return (options, nextCall) => {
    const method = options.method_definition.path.split('/').pop() ?? '';
    counts.calls[method] = (counts.calls[method] ?? 0) + 1;
    return new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        next(metadata, {
          onReceiveMessage(message: unknown, nextMessage: (m: unknown) => void) {
            if (method === 'GetWorkflowExecutionHistory' && message instanceof Uint8Array) {
              counts.historyEvents += proto.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse.decode(message).history?.events?.length ?? 0;
            }
            nextMessage(message);
          },
        });
      },
    });
  };
}

/** A client on its own connection to `address`, counting what it fetches. */
export async function countingClient(address: string, namespace: string): Promise<{ client: Client; counts: GrpcCounts; close(): Promise<void> }> {
  const counts: GrpcCounts = { calls: {}, historyEvents: 0 };
  const connection = await Connection.connect({ address, interceptors: [countingInterceptor(counts)] });
  return { client: new Client({ connection, namespace }), counts, close: () => connection.close() };
}
