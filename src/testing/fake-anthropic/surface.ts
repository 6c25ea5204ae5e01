// What differs between Claude's HTTP surfaces (Anthropic's Messages API, Bedrock, Vertex): the routes, how a request
// carries the model, credentials and API version, the error shapes and the stream framing. The server (server.ts)
// does the rest once, so one script of turns, one list of faults and one request record serve all three.
import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages';
import type { FakeApi } from './types.js';
import type { FakeMessage, StreamEventData } from './wire.js';

/** A request read by its surface: the Messages request it carries, and why the service refuses it, if it does. */
export interface SurfaceRequest {
  /** The Messages request (model and stream flag filled in from the path on Bedrock and Vertex). */
  body: MessageCreateParams;
  model: string;
  stream: boolean;
  /** The status and message the real service refuses the request with. */
  refusal?: { status: number; message: string };
}

/** An HTTP response: status, headers and body. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Reads one routed request: its JSON body (undefined when the body is not JSON) and its headers. */
export type SurfaceReader = (wireBody: unknown, headers: Record<string, string>) => SurfaceRequest;

export interface ApiSurface {
  readonly api: FakeApi;
  /** The reader for a request to one of this surface's endpoints, or undefined when the path is not one. */
  route(method: string, path: string): SurfaceReader | undefined;
  /** The error response the service answers with (a refusal or an injected fault). */
  error(status: number, message: string, retryAfterSeconds?: number): WireResponse;
  /** Extra headers of a successful response. */
  headers(message: FakeMessage, requestId: string): Record<string, string>;
  readonly streamContentType: string;
  /** One stream event (an Anthropic stream event and its name) of the message, as it goes on the wire. */
  event(name: string, data: StreamEventData, message: FakeMessage): string | Buffer;
  /** A mid-stream error of the given Anthropic error type, as the surface sends it. */
  streamError(errorType: string, message: string): string | Buffer;
}

/** The JSON response of an error. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): WireResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** A JSON body as an object, or undefined when it is not one. */
export function objectBody(wireBody: unknown): Record<string, unknown> | undefined {
  return typeof wireBody === 'object' && wireBody !== null && !Array.isArray(wireBody) ? (wireBody as Record<string, unknown>) : undefined;
}

/**
 * `anthropic_version` as Bedrock and Vertex read it from the body: the platform's own version string, or a dated
 * Messages API version (`@anthropic-ai/sdk` 1.x copies its `anthropic-version` header, e.g. `2026-10-21`, into the body).
 */
export function isPlatformVersion(version: unknown, platformVersion: string): boolean {
  return version === platformVersion || (typeof version === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(version));
}
