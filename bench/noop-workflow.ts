// Baseline workflow for the per-step section: N no-op activities, one after the other. Bundled on its own with
// bundleWorkflowCode and run on its own task queue, on the same server and in the same process as the agent worker.
import { proxyActivities } from '@temporalio/workflow';

export interface NoopActivities {
  noop(index: number): Promise<number>;
}

const { noop } = proxyActivities<NoopActivities>({ startToCloseTimeout: '1 minute', retry: { maximumAttempts: 1 } });

export async function noopLoop(count: number): Promise<number> {
  let done = 0;
  for (let i = 0; i < count; i++) done += (await noop(i)) >= 0 ? 1 : 0;
  return done;
}
