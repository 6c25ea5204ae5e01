// What Temporal accepts as a workflow id, checked before any request: a bad id gets a typed error that says what is
// wrong, not a gRPC INVALID_ARGUMENT (or a misleading "pass { runId }"). The rule itself is src/core/workflow-id.ts.
import { workflowIdProblem } from '../core/workflow-id.js';
import { InvalidRunIdError } from '../core/errors.js';

export { MAX_RUN_ID_BYTES } from '../core/workflow-id.js';

export function checkRunId(runId: unknown): string {
  const problem = workflowIdProblem(runId);
  if (problem !== undefined) throw new InvalidRunIdError(runId, problem);
  return runId as string;
}
