// The README's demo, as a user runs it (offline: no ANTHROPIC_API_KEY), on free ports and a temporary SQLite file:
// it prints the run id, the cancelled steps, the continued result and the Web UI links, and exits 0; and what it prints
// is what README.md shows, line for line, once ids, ports, paths and durations are set aside.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, test } from 'node:test';
import { freePort, ROOT } from './helpers/servers.js';

const run = promisify(execFile);

/** The demo's output as README.md shows it: the code block after "Offline, it prints". */
function readmeDemoBlock(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /Then, offline, it prints[^\n]*\n(?:[^\n]*\n)*?```\n([\s\S]*?)\n```/.exec(readme)?.[1];
  assert.ok(block, 'README.md shows the demo output');
  return block;
}

/** What varies from one run to the next: run and execution ids, ports, the SQLite path, durations. */
function shape(text: string): string[] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) =>
      line
        .replace(/run-[0-9a-f-]{36}/g, '<run-id>')
        .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<execution>')
        .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
        .replace(/(stay in|--db) \S+?(\.|\s)/g, '$1 <db>$2')
        .replace(/\b\d+(\.\d+)? (ms|s)\b(?!\])/g, '<duration>')
        .replace(/ +/g, ' '),
    );
}
const dir = mkdtempSync(join(tmpdir(), 'durable-agent-demo-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the demo runs the quick start end to end and exits 0', async () => {
  const [port, uiPort] = [await freePort(), await freePort()];
  const env = { ...process.env };
  delete env.ANTHROPIC_API_KEY;
  delete env.ANTHROPIC_BASE_URL;
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'scripts/demo.ts', '--port', String(port), '--ui-port', String(uiPort), '--db', join(dir, 'demo.db')],
    { cwd: ROOT, env, timeout: 120_000 },
  );
  assert.match(stdout, new RegExp(`Temporal dev server started at 127\\.0\\.0\\.1:${port}; Web UI: http://127\\.0\\.0\\.1:${uiPort}`));
  assert.match(stdout, /Model: the offline Anthropic-compatible fake .*no ANTHROPIC_API_KEY set/);
  const runId = /run id: (run-\S+)/.exec(stdout)?.[1];
  assert.ok(runId, 'the run id is printed');
  assert.match(stdout, /status: cancelled \(isCancelled=true\)/);
  assert.match(stdout, /0\s+model\s+completed\s+1/);
  assert.match(stdout, /1\s+tool:long_running_task\s+cancelled\s+1/);
  assert.match(stdout, /step 1 tool:long_running_task completed/);
  assert.match(stdout, /status: completed/);
  assert.match(stdout, /1\s+tool:long_running_task\s+completed\s+2/);
  assert.match(stdout, /output: The long_running_task finished: Completed after 10 seconds\./);
  assert.match(stdout, /usage: \d+ input \/ \d+ output tokens over 2 executions/);
  assert.match(stdout, new RegExp(`Web UI: http://127\\.0\\.0\\.1:${uiPort}/namespaces/default/workflows/${runId}`));
  assert.match(stdout, /the cancelled execution: .*\/history/);
  assert.match(stdout, /its continuation: .*\/history/);
  assert.deepEqual(shape(stdout), shape(readmeDemoBlock()), 'README.md shows what the demo prints');
});
