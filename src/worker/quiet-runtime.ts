// Installs the Temporal runtime with WARN-level logging (DEBUG with TEMPORAL_LOG_LEVEL=DEBUG): the worker's INFO
// chatter drowns the output of tests, the demo and the CLI. Import it before anything creates a worker or server.
import { DefaultLogger, Runtime } from '@temporalio/worker';

let installed = false;

export function installQuietRuntime(): void {
  if (installed) return;
  installed = true;
  const level = process.env.TEMPORAL_LOG_LEVEL === 'DEBUG' ? 'DEBUG' : process.env.TEMPORAL_LOG_LEVEL === 'INFO' ? 'INFO' : 'WARN';
  Runtime.install({ logger: new DefaultLogger(level) });
}
