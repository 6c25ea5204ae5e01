// Who may use the console, and who they are in Temporal's audit trail. On loopback the console needs no token; on
// any other address it refuses to start without one and answers 401 — with no run content, not even whether a run
// exists — to every request that does not carry it (src/server/http/access-token.ts). The operator's name is what
// the browser says in the `x-operator` header (the page asks once); every action is then sent to Temporal under the
// client identity `durable-agent console: <name>`, which Temporal records in the run's history with the signal, the
// cancel request or the start it caused.
import { HttpError, type Authorize } from '../http/index.js';
import { accessCheck, LOOPBACK_HOSTS } from '../http/access-token.js';

/** The caller of a console request: `userId` is the operator's name as recorded in Temporal. */
export interface ConsoleOperator {
  userId: string;
}

/** Header the page sends the operator's name in. */
export const OPERATOR_HEADER = 'x-operator';

/** The Temporal client identity of an operator's actions. */
export function operatorIdentity(operator: ConsoleOperator): string {
  return `durable-agent console: ${operator.userId}`;
}

/** The console's Authorize: null (401) without the token where one is required, else the operator. */
export function consoleAccess(host: string, token: string, hint: string): Authorize<ConsoleOperator> {
  const allowed = accessCheck(host, token, hint);
  return (request) => {
    if (!allowed(request.headers.get('authorization'), new URL(request.url))) return null;
    const named = (request.headers.get(OPERATOR_HEADER) ?? '').replace(/[^\w .@-]/g, '').trim().slice(0, 64);
    return { userId: named || 'operator' };
  };
}

/**
 * What a browser could be made to send by another site, refused: a request whose `Origin` is not the console's own
 * (403), an action (POST) whose body is not JSON (415: a cross-site form or a body-less `no-cors` fetch cannot set that
 * type without a preflight the console never grants) and, on a console without a token, a `Host` that is not a
 * loopback name (403: DNS rebinding). Undefined when the request may go on.
 */
export function crossSiteRefusal(request: Request, tokenless: boolean): HttpError | undefined {
  const url = new URL(request.url);
  const origin = request.headers.get('origin');
  if (origin && origin !== url.origin) return new HttpError(403, 'cross_origin', 'The console answers its own pages only.');
  if (tokenless && !LOOPBACK_HOSTS.has(url.hostname.replace(/^\[|\]$/g, ''))) {
    return new HttpError(403, 'bad_host', 'A console without a token answers requests to a loopback name only (127.0.0.1, localhost, [::1]).');
  }
  if (request.method === 'POST' && !/^application\/json\b/i.test(request.headers.get('content-type') ?? '')) {
    return new HttpError(415, 'unsupported_media_type', 'Send actions as application/json.');
  }
  return undefined;
}
