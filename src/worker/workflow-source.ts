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

/**
 * Written by `npm run build` next to the compiled workflows: `workflow-bundle.js` carries the OpenTelemetry workflow
 * interceptors, `workflow-bundle-untraced.js` does not (a worker with tracing off skips their work in the sandbox).
 */
export function prebuiltBundlePath(options: { tracing: boolean } = { tracing: true }): string | undefined {
  const path = fileURLToPath(new URL(options.tracing ? '../workflow-bundle.js' : '../workflow-bundle-untraced.js', import.meta.url));
  return !import.meta.url.endsWith('.ts') && existsSync(path) ? path : undefined;
}

/**
 * The workflow interceptor modules a bundle of durable-agent's workflows carries, outermost first: the agent's
 * telemetry (src/workflows/telemetry-interceptors.ts: current metrics, step spans when a tracer is there), then, unless
 * `tracing` is false, @temporalio/interceptors-opentelemetry's (the workflow's spans, exported through a sink).
 * A worker that traces needs a bundle made with tracing; one that does not runs either bundle.
 */
export function workflowInterceptorModules(options: { tracing?: boolean } = {}): string[] {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const ours = fileURLToPath(new URL(`../workflows/telemetry-interceptors${ext}`, import.meta.url));
  return [ours, ...(options.tracing === false ? [] : openTelemetryWorkflowModules())];
}
