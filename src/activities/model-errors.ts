// Maps Anthropic SDK errors onto Temporal retry semantics: requests that can never succeed fail at once,
// the rest are retried by the activity's retry policy, honouring the server's retry-after.
import Anthropic from '@anthropic-ai/sdk';
import { ApplicationFailure } from '@temporalio/activity';
import { FailureTypes } from '../core/types.js';
import { retryAfterMs } from '../models/retry-after.js';

const NON_RETRYABLE_STATUS: Record<number, string> = {
  400: FailureTypes.badRequest,
  401: FailureTypes.authentication,
  403: FailureTypes.permission,
  404: FailureTypes.notFound,
  413: FailureTypes.requestTooLarge,
  422: FailureTypes.badRequest,
};

export class ModelStreamStalledError extends Error {
  override name = 'ModelStreamStalledError';
}

/** `api` names the API in messages: Anthropic's own, or Claude on Bedrock or Vertex through Anthropic's SDKs. */
export function classifyModelError(err: unknown, api = 'Anthropic API'): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof ModelStreamStalledError) {
    return ApplicationFailure.create({ type: FailureTypes.modelStreamStalled, message: err.message, nonRetryable: false });
  }
  if (err instanceof Anthropic.APIConnectionError) {
    return ApplicationFailure.create({ type: FailureTypes.connection, message: `${api} unreachable: ${err.message}` });
  }
  if (err instanceof Anthropic.APIError) {
    const status = err.status;
    const requestId = err.requestID ? ` (request ${err.requestID})` : '';
    if (status === undefined) {
      // An `error` event inside an otherwise successful stream, e.g. overloaded_error: worth another attempt.
      return ApplicationFailure.create({ type: FailureTypes.streamError, message: `stream error: ${err.message}${requestId}` });
    }
    const nonRetryableType = NON_RETRYABLE_STATUS[status];
    if (nonRetryableType) {
      return ApplicationFailure.create({
        type: nonRetryableType,
        message: `${api} ${status}: ${err.message}${requestId}`,
        nonRetryable: true,
      });
    }
    const delay = retryAfterMs((name) => err.headers?.get(name));
    const type = status === 429 ? FailureTypes.rateLimited : status === 529 ? FailureTypes.overloaded : FailureTypes.serverError;
    return ApplicationFailure.create({
      type,
      message: `${api} ${status}: ${err.message}${requestId}`,
      ...(delay !== undefined ? { nextRetryDelay: delay } : {}),
    });
  }
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return ApplicationFailure.create({ type: FailureTypes.modelCallFailed, message });
}
