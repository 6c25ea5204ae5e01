// Maps Anthropic SDK errors onto Temporal retry semantics: requests that can never succeed fail at once,
// the rest are retried by the activity's retry policy, honouring the server's retry-after.
import Anthropic from '@anthropic-ai/sdk';
import { ApplicationFailure } from '@temporalio/activity';
import { FailureTypes } from '../types.js';

const NON_RETRYABLE_STATUS: Record<number, string> = {
  400: FailureTypes.badRequest,
  401: FailureTypes.authentication,
  403: FailureTypes.permission,
  404: FailureTypes.notFound,
  413: FailureTypes.requestTooLarge,
  422: FailureTypes.badRequest,
};

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Number(ms);
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

export class ModelStreamStalledError extends Error {
  override name = 'ModelStreamStalledError';
}

export function classifyModelError(err: unknown): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof ModelStreamStalledError) {
    return ApplicationFailure.create({ type: FailureTypes.modelStreamStalled, message: err.message, nonRetryable: false });
  }
  if (err instanceof Anthropic.APIConnectionError) {
    return ApplicationFailure.create({ type: FailureTypes.connection, message: `Anthropic API unreachable: ${err.message}` });
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
        message: `Anthropic API ${status}: ${err.message}${requestId}`,
        nonRetryable: true,
      });
    }
    const delay = retryAfterMs(err.headers);
    const type = status === 429 ? FailureTypes.rateLimited : status === 529 ? FailureTypes.overloaded : FailureTypes.serverError;
    return ApplicationFailure.create({
      type,
      message: `Anthropic API ${status}: ${err.message}${requestId}`,
      ...(delay !== undefined ? { nextRetryDelay: delay } : {}),
    });
  }
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return ApplicationFailure.create({ type: FailureTypes.modelCallFailed, message });
}
