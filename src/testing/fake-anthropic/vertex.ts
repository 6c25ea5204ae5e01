// Claude on Google Vertex AI, as `@anthropic-ai/vertex-sdk` reaches it:
// POST /v1/projects/{project}/locations/{region}/publishers/anthropic/models/{model}:rawPredict (JSON) and
// :streamRawPredict (SSE, as Anthropic's API streams), an OAuth `Authorization: Bearer` token, and the Messages body
// without `model` and with `anthropic_version`. Google's front end answers credential, unknown-model and quota errors
// in its own shape (`{error: {code, message, status}}`); everything past it is Anthropic's error body.
import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages';
import { messagesProblem } from './request-rules.js';
import { anthropicSurface } from './anthropic.js';
import { isPlatformVersion, jsonResponse, objectBody, type ApiSurface, type SurfaceReader, type SurfaceRequest } from './surface.js';

/** The `anthropic_version` Vertex documents for Claude (dated Messages API versions are accepted too). */
export const VERTEX_ANTHROPIC_VERSION = 'vertex-2023-10-16';

/** Google's status names for the errors its front end answers itself. */
const GOOGLE_STATUSES: Record<number, string> = { 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED' };

/** Claude's model names on Vertex: `claude-…`, with an optional `@YYYYMMDD` version (`claude-sonnet-4-5@20250929`). */
export function isVertexClaudeModel(model: string): boolean {
  return /^claude-[a-z0-9.-]+(?:@\d{8})?$/.test(model);
}

const UNAUTHENTICATED =
  'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

function vertexBodyProblem(body: Record<string, unknown> | undefined): string | undefined {
  if (!body) return 'request body must be a JSON object';
  if ('model' in body) return 'model: Extra inputs are not permitted';
  if (!('anthropic_version' in body)) return 'anthropic_version: Field required';
  if (!isPlatformVersion(body.anthropic_version, VERTEX_ANTHROPIC_VERSION)) return `anthropic_version: invalid version ${JSON.stringify(body.anthropic_version)}`;
  return undefined;
}

function reader(project: string, region: string, model: string, stream: boolean): SurfaceReader {
  return (wireBody, headers): SurfaceRequest => {
    const object = objectBody(wireBody);
    const { anthropic_version: _version, ...rest } = object ?? {};
    const body = { ...rest, model, stream } as unknown as MessageCreateParams;
    const auth = /^Bearer \S+$/.test(headers.authorization ?? '') ? undefined : { status: 401, message: UNAUTHENTICATED };
    const unknownModel = isVertexClaudeModel(model) ? undefined : { status: 404, message: `Publisher Model \`projects/${project}/locations/${region}/publishers/anthropic/models/${model}\` not found.` };
    const problem = vertexBodyProblem(object) ?? messagesProblem(body);
    const refusal = auth ?? unknownModel ?? (problem === undefined ? undefined : { status: 400, message: problem });
    return { body, model, stream, ...(refusal ? { refusal } : {}) };
  };
}

/**
 * Claude on Google Vertex AI, for `@anthropic-ai/vertex-sdk`: give the real client `baseURL: fake.url + '/v1'`, a
 * `region` and `projectId`, and `authClient: new OAuth2Client({ credentials: { access_token: 'token' } })` from
 * `google-auth-library` (a real credential holding a fixed token, so the client looks up no Application Default
 * Credentials; the SDK's `accessToken` option is not used for requests), and name a Vertex model such as
 * `claude-sonnet-4-5@20250929`. See FakeAnthropicServer (server.ts).
 */
export const vertexSurface: ApiSurface = {
  ...anthropicSurface,
  api: 'vertex',
  route: (method, path) => {
    const match = /^\/v1(?:beta1)?\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/anthropic\/models\/([^/:?]+):(rawPredict|streamRawPredict)(?:\?.*)?$/.exec(path);
    if (method !== 'POST' || !match) return undefined;
    const [project, region, model] = [match[1]!, match[2]!, match[3]!].map(decodeURIComponent) as [string, string, string];
    return reader(project, region, model, match[4] === 'streamRawPredict');
  },
  error: (status, message, retryAfterSeconds) => {
    const google = GOOGLE_STATUSES[status];
    return google ? jsonResponse(status, { error: { code: status, message, status: google } }) : anthropicSurface.error(status, message, retryAfterSeconds);
  },
  headers: () => ({}),
};
