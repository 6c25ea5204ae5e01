// The Temporal CLI dev server the benchmark runs against: the same binary and flags as the tests' startLocal(),
// optionally with the history service's transfer-queue poll limit raised (--tuned-server).
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { sessionSearchAttribute, statusSearchAttribute, userSearchAttribute } from '../src/workflows/definitions.js';
import { startLocal, TEMPORAL_CLI } from '../test/helpers/servers.js';

/**
 * The dev server has one history shard, and its transfer queue (which hands every new workflow or activity task to
 * matching) is read at most `history.transferProcessorMaxPollRPS` = 20 times a second. A step needs two such hand-offs
 * (activity task, then the workflow task its result wakes up), so once the limiter's burst is spent a single run
 * is paced at ~10 steps a second (100 ms a step) whatever the worker does.
 */
export const TUNED_DYNAMIC_CONFIG = ['history.transferProcessorMaxPollRPS=1000'];

export function startBenchServer(tuned: boolean): Promise<TestWorkflowEnvironment> {
  if (!tuned) return startLocal();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: TEMPORAL_CLI },
      searchAttributes: [statusSearchAttribute, sessionSearchAttribute, userSearchAttribute],
      extraArgs: [
        '--dynamic-config-value', 'frontend.enableServerVersionCheck=false',
        '--log-level', 'error',
        ...TUNED_DYNAMIC_CONFIG.flatMap((kv) => ['--dynamic-config-value', kv]),
      ],
    },
  });
}
