// The package's entries by where code runs: the client entry (`durable-agent`, src/index.ts) loads no
// `@temporalio/worker` and no native core bridge, so a web handler or a script that only cancels runs stays light;
// `durable-agent/worker` does load them. Each import runs in a fresh Node process, which then reports the CommonJS
// modules it loaded (every @temporalio package is CommonJS: an ESM import of one lands in require.cache too), the
// shared objects in the process (the core bridge is a native addon), and the entry's cold import time, printed.
// The built entry (dist/, after `npm run build`) is measured as well when it is there. The MCP SDK (ESM, so not in
// require.cache) is seen through a resolve hook: the client entry imports it only when connectMcpServer is called.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { ROOT } from './helpers/servers.js';

interface Loaded {
  ms: number;
  worker: boolean;
  bridge: boolean;
  modules: number;
}

const probe = `
import { createRequire } from 'node:module';
const started = performance.now();
await import(process.argv.at(-1));
const ms = performance.now() - started;
const cached = Object.keys(createRequire(import.meta.url).cache);
const worker = cached.some((path) => path.includes('@temporalio/worker'));
const bridge = process.report.getReport().sharedObjects.some((path) => path.includes('core-bridge'));
console.log(JSON.stringify({ ms: Math.round(ms), worker, bridge, modules: cached.length }));
`;

async function load(entry: string, viaTsx: boolean): Promise<Loaded> {
  const args = [...(viaTsx ? ['--import', 'tsx'] : []), '--input-type=module', '-e', probe, pathToFileURL(entry).href];
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: ROOT });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Loaded;
}

// Every module URL the entry's import resolves, written by a resolve hook (its own thread) to a file as it goes.
const resolvedProbe = `
import { register } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const dir = mkdtempSync(join(tmpdir(), 'entry-resolved-'));
const file = join(dir, 'urls');
const hooks = \`import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(file, resolved.url + '\\\\n');
  return resolved;
}\`;
register('data:text/javascript,' + encodeURIComponent(hooks), { data: { file } });
await import(process.argv.at(-1));
const urls = readFileSync(file, 'utf8').split('\\n').filter(Boolean);
rmSync(dir, { recursive: true });
console.log(JSON.stringify(urls));
`;

async function resolvedUrls(entry: string): Promise<string[]> {
  const args = ['--import', 'tsx', '--input-type=module', '-e', resolvedProbe, pathToFileURL(entry).href];
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as string[];
}

describe('entry points', () => {
  test('durable-agent (the client entry) loads no @temporalio/worker and no core bridge', async () => {
    const client = await load(join(ROOT, 'src/index.ts'), true);
    console.log(`cold import of src/index.ts (tsx): ${client.ms} ms, ${client.modules} CommonJS modules`);
    assert.equal(client.worker, false, '@temporalio/worker is not loaded');
    assert.equal(client.bridge, false, 'the native core bridge is not loaded');
  });

  test('durable-agent/worker does load them (the check above can see them)', async () => {
    const worker = await load(join(ROOT, 'src/worker/index.ts'), true);
    console.log(`cold import of src/worker/index.ts (tsx): ${worker.ms} ms, ${worker.modules} CommonJS modules`);
    assert.equal(worker.worker, true);
    assert.equal(worker.bridge, true);
  });

  test('durable-agent imports @modelcontextprotocol/sdk only when connectMcpServer is called', async () => {
    const urls = await resolvedUrls(join(ROOT, 'src/index.ts'));
    assert.ok(urls.some((url) => url.endsWith('/src/tools/mcp-tools.ts')), 'the hook sees the entry\'s own modules');
    assert.deepEqual(urls.filter((url) => url.includes('@modelcontextprotocol/sdk')), []);
  });

  // The built entry, as users install it, is checked by test/package.test.ts (the packed tarball in a fresh project).
});
