// What every execution of a run starts with besides its input — the memo the Web UI and `list` show, and the
// DurableAgent* search attributes — whoever starts it: a client (src/client/agent.ts) or a parent workflow
// (src/workflows/agent-child.ts).
import type { SearchAttributePair } from '@temporalio/common';
import { RunStatus, type RunInput } from '../types.js';
import { sessionSearchAttribute, statusSearchAttribute, userSearchAttribute } from './definitions.js';

export function runMemo(input: RunInput): Record<string, unknown> {
  return {
    task: input.task.description,
    model: input.model,
    ...(input.sessionId !== undefined ? { sessionId: input.sessionId } : {}),
    ...(input.userId !== undefined ? { userId: input.userId } : {}),
    execution: (input.seed?.executions ?? 0) + 1,
  };
}

/** Empty unless the run upserts its search attributes (`input.searchAttributes`). */
export function runSearchAttributes(input: RunInput): SearchAttributePair[] {
  if (!input.searchAttributes) return [];
  return [
    { key: statusSearchAttribute, value: RunStatus.running },
    ...(input.sessionId !== undefined ? [{ key: sessionSearchAttribute, value: input.sessionId }] : []),
    ...(input.userId !== undefined ? [{ key: userSearchAttribute, value: input.userId }] : []),
  ];
}
