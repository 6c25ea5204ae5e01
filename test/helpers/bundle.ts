// Bundles workflow code once per source version and caches it on disk, so every test file (each its own process)
// reuses one bundle instead of running webpack again.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowInterceptorModules, workflowsPath } from '../../src/worker/workflow-source.js';
import { ROOT } from './servers.js';

function hashTree(dir: string, hash: ReturnType<typeof createHash>): void {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) hashTree(path, hash);
    else hash.update(path).update(readFileSync(path));
  }
}

/**
 * `tracing: false` leaves out OpenTelemetry's workflow interceptors, as the untraced production bundle does (a worker
 * with tracing off uses it, so its histories carry no trace headers); `interceptors: false` leaves out all of them
 * (for workflows that are not the agent's, such as the benchmark's no-op loop).
 */
export async function workflowBundle(entry = workflowsPath(), options: { tracing?: boolean; interceptors?: boolean } = {}): Promise<{ code: string }> {
  const tracing = options.tracing ?? true;
  const modules = options.interceptors === false ? [] : workflowInterceptorModules({ tracing });
  const hash = createHash('sha256').update(entry).update(JSON.stringify(modules));
  hashTree(join(ROOT, 'src'), hash);
  hash.update(readFileSync(entry));
  const dir = join(ROOT, '.tools', 'cache');
  const file = join(dir, `workflow-bundle-${hash.digest('hex').slice(0, 16)}.js`);
  if (existsSync(file)) return { code: readFileSync(file, 'utf8') };
  const { code } = await bundleWorkflowCode({ workflowsPath: entry, workflowInterceptorModules: modules, logger: quietLogger });
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, code);
  renameSync(tmp, file);
  return { code };
}

const noop = (): void => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
