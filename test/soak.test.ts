// The chaos soak, short (CI): a real cluster of its own (scripts/cluster.sh: PostgreSQL, two Temporal server
// processes), two worker processes, runs with random tool durations, cancels and continues, approvals and forks, while
// every fault kind is injected at least once: SIGKILL and SIGTERM of a worker, SIGKILL of a Temporal server process
// and its restart, a PostgreSQL restart. The verdict is read from the histories, the fake model's request log and the
// tools' side-effect log (test/soak/verify.ts). The long soak is the same code: npm run soak -- --runs 500 ...
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FAULT_KINDS } from './soak/faults.js';
import { runSoak, soakTable } from './soak/soak.js';

const RUNS = Number(process.env.SOAK_RUNS ?? 24);
const MINUTES = Number(process.env.SOAK_MINUTES ?? 4);

test(`chaos soak: ${RUNS} runs, 2 workers, ${MINUTES} min, every fault kind; nothing lost, nothing completed twice, every duplicate explained`, { timeout: (MINUTES + 6) * 60_000 }, async () => {
  const report = await runSoak({ runs: RUNS, workers: 2, minutes: MINUTES, seed: Number(process.env.SOAK_SEED ?? 15) });
  console.log(soakTable(report).replace(/^/gm, '# '));
  for (const kind of FAULT_KINDS) assert.ok(report.faultsByKind[kind] >= 1, `a ${kind} fault was injected (${JSON.stringify(report.faultsByKind)})`);
  assert.deepEqual(report.verdict.violations, []);
  assert.equal(report.lost, 0, 'every run reached its expected end');
  assert.equal(report.verdict.runsCompleted, RUNS);
  assert.equal(report.verdict.stillRunning, 0, 'no run is left running once the faults stopped');
  const explained = Object.values(report.verdict.duplicatesExplained).reduce((a, b) => a + b, 0);
  assert.equal(explained, report.verdict.duplicateExecutions, 'each duplicate tool execution has a recorded cause');
  if (report.faults.some((f) => /just after a tool's side effect/.test(f.detail))) {
    assert.ok(report.verdict.duplicatesExplained.workerDeath >= 1, 'a worker killed right after a side effect: that tool ran again elsewhere (at-least-once), explained by the death');
  }
  assert.ok(report.runs.some((r) => r.cancelled > 0 && r.continued > 0), 'some run was cancelled and continued');
  assert.ok(report.runs.some((r) => r.approvals > 0), 'some run paused for an approval');
  assert.ok(report.runs.some((r) => r.forkRunId), 'some run was forked');
});
