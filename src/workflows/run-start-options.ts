// What every start of a run carries besides its input — the memo the Web UI and `list` show, and the DurableAgent*
// search attributes — whoever starts it: a client (src/client/agent.ts) or a parent workflow (sub-run.ts).
import type { SearchAttributePair } from '@temporalio/common';
import { RunStatus, type RunInput } from '../core/types.js';
import { sessionSearchAttribute, statusSearchAttribute, userSearchAttribute } from './definitions.js';

export interface RunStartOptions {
  memo: Record<string, unknown>;
  typedSearchAttributes?: SearchAttributePair[];
}

export function runStartOptions(input: RunInput): RunStartOptions {
  const searchAttributes: SearchAttributePair[] = [];
  if (input.searchAttributes) {
    searchAttributes.push({ key: statusSearchAttribute, value: RunStatus.running });
    if (input.sessionId !== undefined) searchAttributes.push({ key: sessionSearchAttribute, value: input.sessionId });
    if (input.userId !== undefined) searchAttributes.push({ key: userSearchAttribute, value: input.userId });
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
