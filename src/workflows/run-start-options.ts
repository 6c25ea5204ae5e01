// What every start of a run carries besides its input — the memo the Web UI and `list` show, and the DurableAgent*
// search attributes — whoever starts it: a client (src/client/agent.ts) or a parent workflow (sub-run.ts).
import type { SearchAttributePair } from '@temporalio/common';
import { RunStatus, type RunInput } from '../core/types.js';
import { modelSearchAttribute, sessionSearchAttribute, statusSearchAttribute, userSearchAttribute } from './definitions.js';

export interface RunStartOptions {
  memo: Record<string, unknown>;
  typedSearchAttributes?: SearchAttributePair[];
}

/**
 * `modelAttribute`: also set DurableAgentModel. A client start passes it once it has seen the attribute registered (a
 * namespace that registered only the older attributes would refuse the start); a child start when its caller carries it
 * (sub-run.ts, behind patch `durable-agent/sub-run-model-attribute`).
 */
export function runStartOptions(input: RunInput, { modelAttribute = false }: { modelAttribute?: boolean } = {}): RunStartOptions {
  const searchAttributes: SearchAttributePair[] = [];
  if (input.searchAttributes) {
    searchAttributes.push({ key: statusSearchAttribute, value: RunStatus.running });
    if (input.sessionId !== undefined) searchAttributes.push({ key: sessionSearchAttribute, value: input.sessionId });
    if (input.userId !== undefined) searchAttributes.push({ key: userSearchAttribute, value: input.userId });
    if (modelAttribute) searchAttributes.push({ key: modelSearchAttribute, value: input.model });
  }
  return {
    memo: {
      task: input.task.description,
      model: input.model,
      ...(input.sessionId !== undefined ? { sessionId: input.sessionId } : {}),
      ...(input.userId !== undefined ? { userId: input.userId } : {}),
      execution: (input.seed?.executions ?? 0) + 1,
    },
    ...(searchAttributes.length ? { typedSearchAttributes: searchAttributes } : {}),
  };
}
