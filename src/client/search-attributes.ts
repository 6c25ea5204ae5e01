// Whether runs can carry the DurableAgent* search attributes: a start that names an attribute the namespace lacks is
// refused, so an Agent uses them only where they are registered (`durable-agent dev` and docker-compose do it).
// DurableAgentModel came after the others: a namespace that registered only session, user and status still gets those
// three, and its runs lack the model attribute (filtering by model then finds none of them).
import type { Client } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../core/types.js';

const REQUIRED = [SEARCH_ATTRIBUTES.sessionId, SEARCH_ATTRIBUTES.userId, SEARCH_ATTRIBUTES.status];

const known = new WeakMap<Client, Promise<ReadonlySet<string>>>();

/** The custom search attributes the client's namespace has; none when the server will not say. */
function registered(client: Client): Promise<ReadonlySet<string>> {
  let answer = known.get(client);
  if (!answer) {
    answer = client.connection.operatorService
      .listSearchAttributes({ namespace: client.options.namespace })
      .then(({ customAttributes }) => new Set(Object.keys(customAttributes ?? {})))
      // A server that will not say (permissions, an older server) gets runs without them rather than failed starts.
      .catch(() => new Set<string>());
    known.set(client, answer);
  }
  return answer;
}

/** Whether the namespace has the session, user and status attributes: runs then carry them. */
export async function searchAttributesRegistered(client: Client): Promise<boolean> {
  const names = await registered(client);
  return REQUIRED.every((name) => names.has(name));
}

/** Whether the namespace also has DurableAgentModel: runs that carry the others then carry their model too. */
export async function modelSearchAttributeRegistered(client: Client): Promise<boolean> {
  return (await registered(client)).has(SEARCH_ATTRIBUTES.model);
}
