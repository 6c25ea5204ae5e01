// `npm run soak -- --runs N --workers W --minutes M [--seed S]`: the chaos soak against a cluster of its own (see
// soak.ts). Prints the table, writes .artifacts/soak/latest.json, and exits 1 on any violation.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from '../helpers/servers.js';
import { runSoak, soakTable } from './soak.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '40' },
    workers: { type: 'string', default: '3' },
    minutes: { type: 'string', default: '5' },
    seed: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write('usage: npm run soak -- [--runs 40] [--workers 3] [--minutes 5] [--seed S]\n');
  process.exit(0);
}
const num = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} takes a positive number, got ${v}`);
  return n;
};
const report = await runSoak({
  runs: Math.floor(num('runs', values.runs)),
  workers: Math.floor(num('workers', values.workers)),
  minutes: num('minutes', values.minutes),
  ...(values.seed !== undefined ? { seed: Math.floor(num('seed', values.seed)) } : {}),
});
const dir = join(ROOT, '.artifacts', 'soak');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
const { runs, workers, minutes, seed } = report.options;
process.stdout.write(`\nchaos soak: npm run soak -- --runs ${runs} --workers ${workers} --minutes ${minutes} --seed ${seed}\n\n${soakTable(report)}\n`);
for (const v of report.verdict.violations) process.stdout.write(`VIOLATION: ${v}\n`);
process.exitCode = report.verdict.violations.length ? 1 : 0;
