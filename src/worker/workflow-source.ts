// Where the worker finds workflow code: a prebuilt bundle when one exists (production, `npm run build`),
// else the workflow sources, bundled at start-up.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openTelemetryWorkflowModules } from './tracing.js';

/** `src/workflows/index.ts` when running from source (tsx), `dist/workflows/index.js` when built. */
export function workflowsPath(): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`../workflows/index${ext}`, import.meta.url));
}

/** Written by `npm run build` next to the compiled workflows. */
export function prebuiltBundlePath(): string | undefined {
  const path = fileURLToPath(new URL('../workflow-bundle.js', import.meta.url));
  return !import.meta.url.endsWith('.ts') && existsSync(path) ? path : undefined;
}

/**
 * The workflow interceptor modules every bundle of durable-agent's workflows carries, outermost first: the agent's
 * telemetry (src/workflows/telemetry-interceptors.ts), then @temporalio/interceptors-opentelemetry's.
 */
export function workflowInterceptorModules(): string[] {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return [fileURLToPath(new URL(`../workflows/telemetry-interceptors${ext}`, import.meta.url)), ...openTelemetryWorkflowModules()];
}
