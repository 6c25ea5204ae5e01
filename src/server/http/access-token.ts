// The access rule of the servers that serve run contents (`durable-agent serve`, `durable-agent console`): on
// loopback they may go without a token; on any other address they refuse to start without one, and then every
// request must carry it, as `Authorization: Bearer <token>` or `?token=` (EventSource cannot set headers). Compared
// as SHA-256 digests, so the check takes the same time whatever the token's length or content.
import { createHash, timingSafeEqual } from 'node:crypto';

/** The addresses a server may listen on without a token. */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '::1', 'localhost']);

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * The check of one server: `(authorization header, url) => allowed`. Throws when `host` is not loopback and there is
 * no token (`what` names the server and `hint` how to give one, for the message).
 */
export function accessCheck(host: string, token: string, hint: string): (authorization: string | null | undefined, url: URL) => boolean {
  if (!LOOPBACK_HOSTS.has(host) && !token) {
    throw new Error(`Serving run contents on ${host} needs a token: ${hint} (or listen on 127.0.0.1).`);
  }
  if (!token) return () => true;
  const expected = sha256(token);
  return (authorization, url) => {
    const given = /^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? url.searchParams.get('token') ?? '';
    return timingSafeEqual(sha256(given), expected);
  };
}
