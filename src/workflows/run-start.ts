// The memo every execution of a run starts with (the Web UI and `list` show it), whoever starts it: a client
// (src/client/agent.ts) or a parent workflow (src/workflows/agent-child.ts).
import type { RunInput } from '../types.js';

export function runMemo(input: RunInput): Record<string, unknown> {
  return {
    task: input.task.description,
    model: input.model,
    ...(input.sessionId !== undefined ? { sessionId: input.sessionId } : {}),
    ...(input.userId !== undefined ? { userId: input.userId } : {}),
    execution: (input.seed?.executions ?? 0) + 1,
  };
}
