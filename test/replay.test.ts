// Replay safety: recorded histories of representative runs must replay without nondeterminism against the
// current workflow code. A loop change that would break runs in flight fails here. Re-record with
// `node --import tsx scripts/record-histories.ts` only when a change is meant to be incompatible (and version it).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Worker } from '@temporalio/worker';
import { noopSinks } from '../src/worker/tracing.js';
import { workflowBundle } from './helpers/bundle.js';
import { ROOT } from './helpers/servers.js';
import { historyFromFile } from './helpers/history-files.js';

const dir = join(ROOT, 'test', 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

test('saved histories cover the representative runs', () => {
  for (const kind of ['completed', 'cancelled', 'continued', 'errored', 'parallel-tools', 'paused', 'human-confirmed', 'forked', 'max-steps', 'cut-model', 'tools-resolved', 'tool-mismatch', 'temporal-tools-activity', 'temporal-tools-agent-cancelled', 'temporal-tools-agent-continued', 'structured-repaired', 'structured-invalid', 'structured-continued', 'checkpoint-continued', 'continued-as-new-first', 'continued-as-new-middle']) {
    assert.ok(files.some((f) => f.startsWith(kind)), `no saved history for a ${kind} run in test/histories`);
  }
});

test('saved histories hold answers under the bare update name of before and under the prefixed one', () => {
  // Updates are recorded by name: the loop answers 'resolveRequirement' (runs of before the prefix) and
  // 'durableAgent.resolveRequirement', so both kinds of history replay below.
  const text = (name: string): string => readFileSync(join(dir, `${name}.json`), 'utf8');
  assert.match(text('human-confirmed'), /"name":\s*"resolveRequirement"/);
  assert.match(text('handler-names-confirmed'), /"name":\s*"durableAgent\.resolveRequirement"/);
});

for (const tracing of [true, false]) {
  test(`every saved history replays against the current workflow code (${tracing ? 'traced' : 'untraced'} bundle)`, async () => {
    const histories = files.map((file) => ({ workflowId: file.replace(/\.json$/, ''), history: historyFromFile(readFileSync(join(dir, file), 'utf8')) }));
    const replayed: string[] = [];
    const bundle = await workflowBundle(undefined, { tracing });
    for await (const result of Worker.runReplayHistories({ workflowBundle: bundle, sinks: noopSinks }, histories)) {
      assert.equal(result.error, undefined, `${result.workflowId} failed to replay: ${String(result.error)}`);
      replayed.push(result.workflowId);
    }
    assert.deepEqual(replayed.sort(), histories.map((h) => h.workflowId).sort());
  });
}
