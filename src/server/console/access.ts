// Who may use the console, and who they are in Temporal's audit trail. On loopback the console needs no token; on
// any other address it refuses to start without one and answers 401 — with no run content, not even whether a run
// exists — to every request that does not carry it (src/server/http/access-token.ts). The operator's name is what
// the browser says in the `x-operator` header (the page asks once); every action is then sent to Temporal under the
// client identity `durable-agent console: <name>`, which Temporal records in the run's history with the signal, the
// cancel request or the start it caused.
import type { Authorize } from '../http/index.js';
import { accessCheck } from '../http/access-token.js';

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
