// The build id a createWorker worker reports. Temporal writes the worker's build id into history on every workflow task
// start and completion and every activity start: six times a turn of a run. The SDK's default
// (`@temporalio/worker@<version>+<sha256 of the workflow bundle>`, 90 characters) is then the largest thing a worker
// adds to a turn after its payloads; this names the same bundle by the first 16 hex digits of the same hash.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { WorkerOptions } from '@temporalio/worker';

type WorkflowSource = { workflowBundle: { code: string } | { codePath: string } } | { workflowsPath: string };

/** `durable-agent+<16 hex>` for a prebuilt bundle; undefined when the SDK bundles the sources (its default applies). */
export async function bundleBuildId(source: WorkflowSource): Promise<string | undefined> {
  if (!('workflowBundle' in source)) return undefined;
  const bundle = source.workflowBundle;
  const code = 'code' in bundle ? bundle.code : await readFile(bundle.codePath, 'utf8');
  return `durable-agent+${createHash('sha256').update(code).digest('hex').slice(0, 16)}`;
}

/** Whether the worker's options name its version themselves (then they are left as they are). */
export function versionedByOptions(options: Partial<WorkerOptions> | undefined): boolean {
  return options?.buildId !== undefined || options?.useVersioning !== undefined || options?.workerDeploymentOptions !== undefined;
}
