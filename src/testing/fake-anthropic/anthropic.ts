// Anthropic's own Messages API: POST /v1/messages, an x-api-key (or Authorization) header, the anthropic-version
// header, the model and stream flag in the body, SSE streams and `{type: 'error', error}` bodies.
import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages';
import { requestProblem } from './request-rules.js';
import { jsonResponse, objectBody, type ApiSurface, type SurfaceReader } from './surface.js';
import { errorBody, sse } from './wire.js';

const readMessages: SurfaceReader = (wireBody, headers) => {
  const object = objectBody(wireBody);
  const body = (object ?? {}) as unknown as MessageCreateParams;
  const refusal = wireBody === undefined ? { status: 400, message: 'request body is not valid JSON' } : requestProblem(object ? body : null, headers);
  return { body, model: typeof body.model === 'string' ? body.model : '', stream: body.stream === true, ...(refusal ? { refusal } : {}) };
};

/** The surface `@anthropic-ai/sdk` (`new Anthropic({ baseURL: fake.url })`) talks to. */
export const anthropicSurface: ApiSurface = {
  api: 'anthropic',
  route: (method, path) => (method === 'POST' && path.startsWith('/v1/messages') ? readMessages : undefined),
  error: (status, message, retryAfterSeconds) =>
    jsonResponse(status, errorBody(status, message), retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {}),
  headers: (_message, requestId) => ({ 'request-id': requestId }),
  streamContentType: 'text/event-stream',
  event: (name, data) => sse(name, data),
  streamError: (errorType, message) => sse('error', { type: 'error', error: { type: errorType, message } }),
};
