// The signal a paused sub-run (an agentTool call's child run) sends the run that called it: what it waits for now, its
// own sub-runs' included. The caller lists them among its own requirements, so a human sees, and answers through the
// outer run, what an inner agent waits for. Kept apart from the loop so the history reader can import the name.
import { defineSignal } from '@temporalio/workflow';
import type { Requirement } from '../core/types.js';

export const SUB_RUN_REQUIREMENTS_SIGNAL = 'durableAgent.subRunRequirements';

/** What a sub-run waits for, as it last reported: an empty list once it waits for nothing. */
export interface SubRunRequirements {
  /** The sub-run's run id (its workflow id). */
  runId: string;
  /** Each with `runId`: the run the answer goes to (the sub-run itself, or one of its own sub-runs). */
  requirements: Requirement[];
}

export const subRunRequirementsSignal = defineSignal<[SubRunRequirements]>(SUB_RUN_REQUIREMENTS_SIGNAL);
