// `npm run bench`: cancel latency, per-step overhead, resume cost, concurrency and history growth, measured against
// a real Temporal dev server (the pinned CLI, in memory) and the project's fake Anthropic server.
// Flags: --quick (small sizes, a smoke run), --only <section>[,<section>...], --strict (exit 1 when a goal is missed),
// --tuned-server (raise the dev server's transfer-queue poll limit, see bench/server.ts).
// Prints a table (goal next to measured value) and writes .artifacts/bench/latest.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Worker } from '@temporalio/worker';
import { Agent } from '../src/client/agent.js';
import { closeConnections } from '../src/client/connection.js';
import { FakeAnthropicServer } from '../src/testing/fake-anthropic/index.js';
import { createWorker } from '../src/worker/create-worker.js';
import { workflowBundle } from '../test/helpers/bundle.js';
import { ROOT } from '../test/helpers/servers.js';
import { cancelSection } from './cancel.js';
import { chatSection } from './chat.js';
import { checkpointSection } from './checkpoint.js';
import { cachingSection } from './caching.js';
import { clusterSection } from './cluster.js';
import { concurrencySection } from './concurrency.js';
import { consoleSection } from './console.js';
import { now, type BenchContext, type Row, type SectionResult } from './context.js';
import { handoverSection } from './handover.js';
import { heartbeatSection } from './heartbeat.js';
import { historySection } from './history.js';
import { longSection } from './long.js';
import { mcpSection } from './mcp.js';
import { providersSection } from './providers.js';
import { resumeSection } from './resume.js';
import { startBenchServer, TUNED_DYNAMIC_CONFIG } from './server.js';
import { ms } from './stats.js';
import { stepsSection } from './steps.js';
import { streamSection } from './stream.js';
import { telemetrySection } from './telemetry.js';
import { benchTools, ToolProbe } from './tools.js';

const SECTIONS: Record<string, (ctx: BenchContext) => Promise<SectionResult>> = {
  cancel: cancelSection,
  steps: stepsSection,
  resume: resumeSection,
  concurrency: concurrencySection,
  history: historySection,
  telemetry: telemetrySection,
  cluster: clusterSection,
  handover: handoverSection,
  checkpoint: checkpointSection,
  mcp: mcpSection,
  caching: cachingSection,
  stream: streamSection,
  heartbeat: heartbeatSection,
  providers: providersSection,
  chat: chatSection,
  long: longSection,
  console: consoleSection,
};

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
    strict: { type: 'boolean', default: false },
    'tuned-server': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(`usage: npm run bench -- [--quick] [--only ${Object.keys(SECTIONS).join('|')}] [--strict] [--tuned-server]\n`);
  process.exit(0);
}
const selected = (values.only ?? Object.keys(SECTIONS)).flatMap((s) => s.split(',')).filter(Boolean);
for (const name of selected) {
  if (!SECTIONS[name]) throw new Error(`unknown section "${name}"; sections: ${Object.keys(SECTIONS).join(', ')}`);
}
const quick = values.quick ?? false;
const tuned = values['tuned-server'] ?? false;
const serverConfig = tuned ? `dynamic config ${TUNED_DYNAMIC_CONFIG.join(' ')}` : 'stock dynamic config';
const log = (message: string): void => void process.stderr.write(`bench: ${message}\n`);

function cliVersion(): string {
  try {
    return readFileSync(join(ROOT, '.tools', 'bin', '.temporal-cli-version'), 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

function table(rows: Row[]): string {
  const head = ['section', 'metric', 'goal', 'measured', 'result'];
  const cell = (v: string): string => v.replace(/\|/g, '\\|');
  const cells = rows.map((r) => [r.section, r.metric, r.goal ?? '', r.measured, r.pass === undefined ? '' : r.pass ? 'pass' : 'MISS'].map(cell));
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
  platform: `${os.type()} ${os.release()} ${os.arch()}`,
  node: process.version,
  temporalCli: cliVersion(),
  loadAverageAtStart: os.loadavg(),
};

const benchStart = now();
log(`${quick ? 'quick' : 'full'} run of ${selected.join(', ')} on ${machine.cpus} cores (${machine.cpuModel}), load ${machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}`);
const env = await startBenchServer(tuned);
const fake = await FakeAnthropicServer.start();
const probe = new ToolProbe();
const tools = benchTools(probe);
const taskQueue = `bench-${process.pid}`;
// The untraced bundle, as `npm run build` gives a worker with tracing off (the telemetry section bundles its own).
const bundle = await workflowBundle(undefined, { tracing: false });
let worker: Worker | undefined;
let running: Promise<void> | undefined;
const rows: Row[] = [];
const sections: Record<string, unknown> = {};
let errors = 0;
try {
  worker = await createWorker({
    connection: env.nativeConnection,
    taskQueue,
    tools,
    anthropic: { baseURL: fake.url, apiKey: 'bench-key' },
    workflowBundle: bundle,
  });
  running = worker.run();
  const ctx: BenchContext = {
    quick,
    tunedServer: tuned,
    env,
    client: env.client,
    connection: env.nativeConnection,
    address: env.address,
    fake,
    probe,
    tools,
    taskQueue,
    agent: () => new Agent('anthropic/claude-sonnet-4-6', { client: env.client, taskQueue }),
    bundle,
    log,
  };
  for (const name of selected) {
    const t0 = now();
    log(`section ${name}...`);
    try {
      probe.reset();
      const result = await SECTIONS[name]!(ctx);
      rows.push(...result.rows);
      sections[name] = { ...result.data, durationMs: now() - t0 };
    } catch (err) {
      errors++;
      const message = err instanceof Error ? err.message : String(err);
      rows.push({ section: name, metric: 'section failed', measured: message.split('\n')[0]!, pass: false });
      sections[name] = { error: err instanceof Error ? (err.stack ?? message) : message };
      log(`section ${name} failed: ${err instanceof Error ? (err.stack ?? message) : message}`);
    }
    log(`section ${name} took ${ms(now() - t0)}`);
  }
} finally {
  worker?.shutdown();
  await running?.catch(() => undefined);
  await fake.close();
  await closeConnections();
  await env.teardown();
}

const durationMs = now() - benchStart;
const report = {
  startedAt: new Date(Date.now() - durationMs).toISOString(),
  durationMs,
  mode: quick ? 'quick' : 'full',
  server: { kind: 'Temporal CLI dev server, in memory', config: serverConfig },
  sections: selected,
  machine: { ...machine, loadAverageAtEnd: os.loadavg() },
  table: rows,
  results: sections,
};
const dir = join(ROOT, '.artifacts', 'bench');
mkdirSync(dir, { recursive: true });
const json = `${JSON.stringify(report, null, 2)}\n`;
writeFileSync(join(dir, 'latest.json'), json);
// Also kept by kind, so a quick or partial run does not hide the last full one.
const kind = `${report.mode}${values.only ? `-${selected.join('+')}` : ''}${tuned ? '-tuned' : ''}`;
writeFileSync(join(dir, `${kind}.json`), json);

const missed = rows.filter((r) => r.pass === false).length;
process.stdout.write(
  `\ndurable-agent bench (${report.mode}) — ${machine.cpus} cores, ${machine.cpuModel}, Node ${machine.node}, Temporal CLI ${machine.temporalCli} dev server (in memory, ${serverConfig})\n` +
    `load average (1 min) ${machine.loadAverageAtStart[0]!.toFixed(2)} at start, ${report.machine.loadAverageAtEnd[0]!.toFixed(2)} at end\n\n` +
    `${table(rows)}\n\n` +
    `${rows.filter((r) => r.pass === true).length} goals met, ${missed} missed; took ${ms(durationMs)}; JSON: .artifacts/bench/latest.json (and ${kind}.json)\n`,
);
process.exitCode = errors > 0 || (values.strict && missed > 0) ? 1 : 0;
