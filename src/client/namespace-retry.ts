// gRPC interceptors for the client's connection: Temporal's default retry, plus a retry of NamespaceNotFound for the
// client's own namespace once a call in it has succeeded. While the persistence store restarts (PostgreSQL, in the
// production topology), the frontend has been seen to refuse calls for an existing namespace with NamespaceNotFound
// for a moment; Temporal's client does not retry that error, since a namespace that does not exist stays so. A client
// that has already worked in its namespace knows it exists, so it waits that moment out with the default backoff
// (about 20 s over 10 attempts) instead of failing a start, a cancel or a history read. A namespace that was never
// there still fails at once. The server has done nothing with a call it refused this way, so asking again is safe.
import { InterceptingCall, status, type Interceptor, type StatusObject } from '@grpc/grpc-js';
import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';

/** The one call a client makes before it knows anything of its namespace (Connection.connect asks it). */
const NOT_NAMESPACED = /\/GetSystemInfo$/;
const NAMESPACE_NOT_FOUND = /^Namespace (.+) is not found\.?$/;
/** Temporal's default (the backoff grows 1.7× from ~170 ms to 5 s: about 20 s in all). */
const MAX_ATTEMPTS = 10;

function namespaceNotFound(namespace: string, s: StatusObject): boolean {
  return s.code === status.NOT_FOUND && NAMESPACE_NOT_FOUND.exec(s.details)?.[1] === namespace;
}

export function connectionInterceptors(namespace: string): Interceptor[] {
  let known = false;
  const defaults = defaultGrpcRetryOptions({ maxAttempts: MAX_ATTEMPTS });
  // Outermost: it sees each call's final status, after the retries below.
  const recordSuccess: Interceptor = (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start(metadata, _listener, next) {
        next(metadata, {
          onReceiveStatus(s, nextStatus) {
            if (s.code === status.OK && !NOT_NAMESPACED.test(options.method_definition.path)) known = true;
            nextStatus(s);
          },
        });
      },
    });
  const retry = makeGrpcRetryInterceptor({
    delayFunction: defaults.delayFunction,
    retryableDecider: (attempt, s) => defaults.retryableDecider(attempt, s) || (known && attempt < MAX_ATTEMPTS && namespaceNotFound(namespace, s)),
  });
  return [recordSuccess, retry];
}
