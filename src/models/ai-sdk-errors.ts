// AI SDK provider failures → Temporal retry semantics, the same classes for every provider: a request that can never
// succeed (400, 401, 403, 404, 413, 422, a missing key) fails at once; 429, 5xx, overloaded and lost connections are
// retried by the model step's retry policy, after the provider's retry-after when it sends one.
import { APICallError, LoadAPIKeyError, NoSuchModelError } from '@ai-sdk/provider';
import { ApplicationFailure } from '@temporalio/common';
import { FailureTypes } from '../core/types.js';
import { retryAfterMs } from './retry-after.js';

const NON_RETRYABLE_STATUS: Record<number, string> = {
  400: FailureTypes.providerBadRequest,
  401: FailureTypes.providerAuthentication,
  403: FailureTypes.providerPermission,
  404: FailureTypes.providerNotFound,
  413: FailureTypes.providerRequestTooLarge,
  422: FailureTypes.providerBadRequest,
};

const RETRYABLE_STATUS: Record<number, string> = {
  429: FailureTypes.providerRateLimited,
  503: FailureTypes.providerOverloaded,
  529: FailureTypes.providerOverloaded,
};

/** `what` names the provider and model for the message, e.g. `openai/gpt-5`. */
export function classifyProviderError(err: unknown, what: string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (LoadAPIKeyError.isInstance(err)) {
    return ApplicationFailure.create({
      type: FailureTypes.providerAuthentication,
      nonRetryable: true,
      message: `${what}: the worker's provider has no API key: ${err.message}`,
    });
  }
  if (NoSuchModelError.isInstance(err)) {
    return ApplicationFailure.create({ type: FailureTypes.providerNotFound, nonRetryable: true, message: `${what}: ${err.message}` });
  }
  if (APICallError.isInstance(err)) {
    const status = err.statusCode;
    const message = `${what}: ${status !== undefined ? `HTTP ${status}: ` : ''}${err.message}`;
    if (status === undefined) return ApplicationFailure.create({ type: FailureTypes.providerConnection, message });
    const nonRetryableType = NON_RETRYABLE_STATUS[status];
    if (nonRetryableType) return ApplicationFailure.create({ type: nonRetryableType, message, nonRetryable: true });
    const headers = err.responseHeaders;
    const delay = retryAfterMs((name) => headers?.[name] ?? headers?.[name.toLowerCase()]);
    return ApplicationFailure.create({
      type: RETRYABLE_STATUS[status] ?? (status >= 500 ? FailureTypes.providerServerError : FailureTypes.modelCallFailed),
      message,
      ...(delay !== undefined ? { nextRetryDelay: delay } : {}),
    });
  }
  // Errors the provider put in the stream, and fetch's own (a reset connection): worth another attempt.
  const message = err instanceof Error ? `${err.name}: ${err.message}` : typeof err === 'string' ? err : JSON.stringify(err);
  const connection = err instanceof TypeError || (err instanceof Error && /ECONNRESET|ECONNREFUSED|socket|terminated/i.test(`${err.message} ${String(err.cause)}`));
  return ApplicationFailure.create({ type: connection ? FailureTypes.providerConnection : FailureTypes.providerStreamError, message: `${what}: ${message}` });
}
