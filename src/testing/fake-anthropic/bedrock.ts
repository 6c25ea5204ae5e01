// Claude on Amazon Bedrock, as `@anthropic-ai/bedrock-sdk` reaches it: POST /model/{modelId}/invoke and
// /model/{modelId}/invoke-with-response-stream, a SigV4-signed request (or a Bedrock API key as a Bearer token), the
// Messages body without `model` and `stream` and with `anthropic_version`, AWS exceptions (`{"message"}` and an
// `x-amzn-ErrorType` header) for errors, and AWS's binary event stream whose `chunk` events carry the Anthropic
// stream events base64-encoded.
import { randomUUID } from 'node:crypto';
import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages';
import { bedrockChunk, bedrockException } from './event-stream.js';
import { messagesProblem } from './request-rules.js';
import { isPlatformVersion, jsonResponse, objectBody, type ApiSurface, type SurfaceReader, type SurfaceRequest } from './surface.js';

/** The `anthropic_version` Bedrock documents for Claude (dated Messages API versions are accepted too). */
export const BEDROCK_ANTHROPIC_VERSION = 'bedrock-2023-05-31';

/** The AWS exception Bedrock answers each status with. */
const EXCEPTIONS: Record<number, { status: number; type: string }> = {
  400: { status: 400, type: 'ValidationException' },
  401: { status: 403, type: 'UnrecognizedClientException' },
  403: { status: 403, type: 'AccessDeniedException' },
  404: { status: 404, type: 'ResourceNotFoundException' },
  408: { status: 408, type: 'ModelTimeoutException' },
  413: { status: 400, type: 'ValidationException' },
  424: { status: 424, type: 'ModelErrorException' },
  429: { status: 429, type: 'ThrottlingException' },
  500: { status: 500, type: 'InternalServerException' },
  503: { status: 503, type: 'ServiceUnavailableException' },
  529: { status: 503, type: 'ServiceUnavailableException' },
};

/** The exception frame Bedrock ends a stream with, by the Anthropic error type of a mid-stream error. */
const STREAM_EXCEPTIONS: Record<string, string> = {
  rate_limit_error: 'throttlingException',
  overloaded_error: 'serviceUnavailableException',
  api_error: 'internalServerException',
  invalid_request_error: 'validationException',
};

/**
 * Claude's model ids on Bedrock: `anthropic.claude-…` with an optional cross-region inference prefix (`us.`, `eu.`,
 * `apac.`, `global.`, …), or the ARN of a foundation model or inference profile.
 */
export function isBedrockClaudeModel(modelId: string): boolean {
  const id = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]*:\d*:(?:foundation-model|inference-profile|application-inference-profile)\/(.+)$/.exec(modelId);
  if (id && modelId.includes(':application-inference-profile/')) return /^[a-z0-9]+$/.test(id[1]!);
  return /^(?:(?:us|us-gov|eu|apac|jp|au|ca|global)\.)?anthropic\.claude-[a-z0-9.-]+(?::\d+)?$/.test(id?.[1] ?? modelId);
}

/** Why AWS refuses the request's credentials (403), or undefined: SigV4 is checked for its form, not its signature. */
export function bedrockAuthProblem(headers: Record<string, string>): { status: number; message: string } | undefined {
  const authorization = headers.authorization;
  if (!authorization) return { status: 403, message: 'MissingAuthenticationTokenException: Missing Authentication Token' };
  if (/^Bearer \S+$/.test(authorization)) return undefined; // a Bedrock API key (AWS_BEARER_TOKEN_BEDROCK)
  if (!authorization.startsWith('AWS4-HMAC-SHA256 ')) {
    return { status: 403, message: "IncompleteSignatureException: Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter." };
  }
  const credential = /Credential=([^/,\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/.exec(authorization);
  const signed = /SignedHeaders=([a-z0-9;-]+)/.exec(authorization)?.[1]?.split(';') ?? [];
  if (!credential || !signed.length || !/Signature=[0-9a-f]{64}/.test(authorization)) {
    return { status: 403, message: `IncompleteSignatureException: Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=${authorization.split(' ')[0]}` };
  }
  if (credential[4] !== 'bedrock') return { status: 403, message: "InvalidSignatureException: Credential should be scoped to correct service: 'bedrock'." };
  if (!/^\d{8}T\d{6}Z$/.test(headers['x-amz-date'] ?? '') || !signed.includes('x-amz-date') || !signed.includes('host')) {
    return { status: 403, message: "IncompleteSignatureException: Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header, signed with 'host'." };
  }
  return undefined;
}

const malformed = (detail: string): string => `Malformed input request: ${detail}, please reformat your input and try again.`;

/** Why Bedrock's model schema refuses the body before Claude reads it. */
function bedrockBodyProblem(body: Record<string, unknown> | undefined): string | undefined {
  if (!body) return malformed('#: expected type: JSONObject');
  for (const key of ['model', 'stream']) if (key in body) return malformed(`#: extraneous key [${key}] is not permitted`);
  if (!('anthropic_version' in body)) return malformed('#: required key [anthropic_version] not found');
  if (!isPlatformVersion(body.anthropic_version, BEDROCK_ANTHROPIC_VERSION)) return `Invalid API version: ${String(body.anthropic_version)}`;
  return undefined;
}

function reader(modelId: string, stream: boolean): SurfaceReader {
  return (wireBody, headers): SurfaceRequest => {
    const object = objectBody(wireBody);
    const { anthropic_version: _version, anthropic_beta: _beta, ...rest } = object ?? {};
    const body = { ...rest, model: modelId, stream } as unknown as MessageCreateParams;
    const auth = bedrockAuthProblem(headers);
    const problem = auth ? undefined : !isBedrockClaudeModel(modelId) ? 'The provided model identifier is invalid.' : (bedrockBodyProblem(object) ?? messagesProblem(body));
    const refusal = auth ?? (problem === undefined ? undefined : { status: 400, message: problem });
    return { body, model: modelId, stream, ...(refusal ? { refusal } : {}) };
  };
}

/**
 * Claude on Amazon Bedrock, for `@anthropic-ai/bedrock-sdk`: give the real client `baseURL: fake.url`, `awsRegion` and
 * static `awsAccessKey` / `awsSecretKey` (it signs with SigV4 and looks up no credential chain), and name a Bedrock
 * model id such as `us.anthropic.claude-sonnet-4-5-20250929-v1:0`. See FakeAnthropicServer (server.ts).
 */
export const bedrockSurface: ApiSurface = {
  api: 'bedrock',
  route: (method, path) => {
    const match = /^\/model\/([^/?]+)\/(invoke|invoke-with-response-stream)(?:\?.*)?$/.exec(path);
    return method === 'POST' && match ? reader(decodeURIComponent(match[1]!), match[2] === 'invoke-with-response-stream') : undefined;
  },
  error: (status, message) => {
    const exception = EXCEPTIONS[status] ?? { status, type: 'InternalServerException' };
    // A refusal worded "SomeException: message" names its own exception (the credential checks do).
    const named = /^([A-Z][A-Za-z]+Exception): (.*)$/s.exec(message);
    return jsonResponse(exception.status, { message: named ? named[2] : message }, {
      'x-amzn-errortype': `${named ? named[1] : exception.type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
      'x-amzn-requestid': randomUUID(),
    });
  },
  headers: (message) => ({
    'x-amzn-requestid': randomUUID(),
    'x-amzn-bedrock-input-token-count': String(message.usage.input_tokens),
    'x-amzn-bedrock-output-token-count': String(message.usage.output_tokens),
    'x-amzn-bedrock-invocation-latency': '1',
  }),
  streamContentType: 'application/vnd.amazon.eventstream',
  // Bedrock adds its invocation metrics to the last event.
  event: (_name, data, message) =>
    bedrockChunk(
      data.type !== 'message_stop' ? data : {
        ...data,
        'amazon-bedrock-invocationMetrics': { inputTokenCount: message.usage.input_tokens, outputTokenCount: message.usage.output_tokens, invocationLatency: 1, firstByteLatency: 1 },
      },
    ),
  streamError: (errorType, message) => bedrockException(STREAM_EXCEPTIONS[errorType] ?? 'modelStreamErrorException', message),
};
