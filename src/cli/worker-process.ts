// `dev` and `worker`: a worker with the tool module's tools and the model backend, until a shutdown signal.
import { createWorker } from '../worker/create-worker.js';
import { DEFAULT_SHUTDOWN_SIGNALS } from '../worker/graceful-shutdown.js';
import { installQuietRuntime, METRICS_PORT_ENV } from '../worker/quiet-runtime.js';
import { portNumber } from './args.js';
import { closeToolModule, loadToolModule, type ToolModule } from './load-tools.js';
import { resolveModelBackend, type ModelBackendOptions } from './model-backend.js';

export async function runWorkerUntilSignal(toolsModule: string | undefined, model: ModelBackendOptions, extra: { address?: string; tls?: false; metricsPort?: number } = {}): Promise<void> {
  const metricsPort = extra.metricsPort ?? (process.env[METRICS_PORT_ENV] ? portNumber(METRICS_PORT_ENV, process.env[METRICS_PORT_ENV], 0) : undefined);
  // Before anything makes Temporal's runtime: the SDK's INFO chatter ("Worker state changed", "No Nexus services
  // registered") is not the CLI's to print, and a metrics endpoint can only be set up as the runtime is made.
  installQuietRuntime(metricsPort !== undefined ? { metrics: { port: metricsPort } } : {});
  const backend = await resolveModelBackend(model);
  // Whatever started before the worker fails (the offline model's server, the tool module's MCP connections) is
  // closed too: either would keep the process alive after the error.
  let module: ToolModule | undefined;
  try {
    module = await loadToolModule(toolsModule);
    const { tools, mcpServers } = module;
    const worker = await createWorker({ tools, mcpServers, ...(backend.settings ? { anthropic: backend.settings } : {}), models: { ...backend.models, ...module.models }, ...extra });
    const mcp = mcpServers.map((server) => `${server.name} (${server.tools().map((t) => t.name).join(', ')})`);
    console.log(
      `worker: task queue ${worker.options.taskQueue}, tools: ${tools.map((t) => t.name).join(', ') || 'none of its own'}` +
        `${mcp.length ? `; MCP servers: ${mcp.join(', ')}` : ''}; model: ${backend.description}${backend.others ? `; ${backend.others}` : ''}`,
    );
    if (metricsPort !== undefined) console.log(`metrics: Prometheus on port ${metricsPort}, /metrics`);
    // createWorker's worker shuts down gracefully on these signals: in-flight steps go straight to another worker.
    for (const signal of DEFAULT_SHUTDOWN_SIGNALS) {
      process.once(signal, () => console.log(`worker: ${signal}: stopped polling; in-flight steps handed back to Temporal for another worker`));
    }
    await worker.run();
  } finally {
    if (module) await closeToolModule(module);
    await backend.close();
  }
}
