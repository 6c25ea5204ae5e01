// Whether runs can carry the DurableAgent* search attributes: a start that names an attribute the namespace lacks is
// refused, so an Agent uses them only where they are registered (`durable-agent dev` and docker-compose do it).
import type { Client } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../core/types.js';

const known = new WeakMap<Client, Promise<boolean>>();

export function searchAttributesRegistered(client: Client): Promise<boolean> {
  let answer = known.get(client);
  if (!answer) {
    answer = client.connection.operatorService
      .listSearchAttributes({ namespace: client.options.namespace })
      .then(({ customAttributes }) => Object.values(SEARCH_ATTRIBUTES).every((name) => customAttributes?.[name] !== undefined))
      // A server that will not say (permissions, an older server) gets runs without them rather than failed starts.
      .catch(() => false);
    known.set(client, answer);
  }
  return answer;
}
