// Prebuilds the workflow bundles for production, as the second half of `npm run build` (after tsc): a worker without
// them would run webpack over dist/workflows at every start-up. Two: workflow-bundle.js with the OpenTelemetry
// workflow interceptors, workflow-bundle-untraced.js without (for workers with tracing off). Writes them where
// src/worker/workflow-source.ts#prebuiltBundlePath looks for them.
// Usage: node --import tsx scripts/build-workflow-bundle.ts
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { openTelemetryWorkflowModules } from '../src/worker/tracing.js';

const entry = fileURLToPath(new URL('../dist/workflows/bundle-entry.js', import.meta.url));
// The same interceptors as src/worker/workflow-source.ts#workflowInterceptorModules, compiled: telemetry, then OpenTelemetry's.
const interceptorModules = [fileURLToPath(new URL('../dist/workflows/telemetry-interceptors.js', import.meta.url)), ...openTelemetryWorkflowModules()];
if (!existsSync(entry)) {
  console.error(`build-workflow-bundle: ${entry} is missing: run \`npm run build\` first.`);
  process.exit(1);
}
const noop = (): void => undefined;
for (const [file, modules] of [
  ['../dist/workflow-bundle.js', interceptorModules],
  ['../dist/workflow-bundle-untraced.js', interceptorModules.slice(0, 1)],
] as const) {
  const started = Date.now();
  const out = fileURLToPath(new URL(file, import.meta.url));
  const { code } = await bundleWorkflowCode({
    workflowsPath: entry,
    workflowInterceptorModules: [...modules],
    logger: { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop },
  });
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, code);
  renameSync(tmp, out);
  console.error(`build-workflow-bundle: wrote ${out} (${Math.round(code.length / 1024)} KiB) in ${Date.now() - started} ms`);
}
