// createWorker(): a worker of its own for durable-agent, as DurableAgentPlugin on a plain Worker.create (src/worker/
// plugin.ts assembles the agent's part). Users pass their tools here; a run refers to tools by name and the worker
// supplies their implementations.
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { connectWithin, temporalSettings, type TemporalSettingsOptions } from '../config/environment.js';
import { installQuietRuntime, METRICS_PORT_ENV } from './quiet-runtime.js';
import { shutdownOnSignals } from './graceful-shutdown.js';
import { DurableAgentPlugin, type DurableAgentPluginOptions } from './plugin.js';
import { prebuiltBundlePath, workflowsPath } from './workflow-source.js';
import { bundleBuildId, versionedByOptions } from './build-id.js';
import { readEnv } from '../config/env.js';

/**
 * Where the worker connects: `address`, `namespace`, `apiKey`, `tls`, `profile` and `taskQueue` win over the environment
 * (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_CONFIG_FILE and TEMPORAL_PROFILE,
 * read as the `temporal` CLI reads them; DURABLE_AGENT_TASK_QUEUE). A given `connection` wins over all but the
 * namespace and task queue.
 */
export interface CreateWorkerOptions extends DurableAgentPluginOptions, TemporalSettingsOptions {
  /** Default: a NativeConnection opened from the settings above (closed when `run()` ends). */
  connection?: NativeConnection;
  /**
   * Serve Prometheus metrics (Temporal's runtime metrics and the agent's: tokens, steps, cancels, cancel-to-stop
   * latency, tool durations) on this port, at /metrics. Default DURABLE_AGENT_METRICS_PORT; off when neither is set.
   * Installs the process's Temporal runtime, so create this worker before any other Temporal connection.
   */
  metricsPort?: number;
  /** The address the metrics endpoint binds; default DURABLE_AGENT_METRICS_HOST, else 0.0.0.0. */
  metricsHost?: string;
  /**
   * Prebuilt workflow code (tests bundle once per suite); defaults to dist/workflow-bundle.js (-untraced.js with
   * tracing off) or the sources. Bundle your own with `workflowInterceptorModules()` so it carries the telemetry.
   */
  workflowBundle?: { code: string } | { codePath: string };
  /**
   * Graceful shutdown: on the first of these signals (default SIGTERM and SIGINT) the worker stops polling, its
   * in-flight model and tool calls are aborted and handed back to Temporal for an immediate retry on another worker
   * (a tool gets its last reported progress back as `checkpoint`), and `run()` resolves. `false`: no handlers of
   * createWorker's (Temporal's Runtime still shuts its workers down on SIGINT, SIGTERM, SIGQUIT and SIGUSR2 unless it
   * was installed with other `shutdownSignals`). `workerOptions.shutdownGraceTime` lets in-flight steps run on for
   * that long first.
   */
  shutdownSignals?: readonly NodeJS.Signals[] | false;
  /** Any other Temporal worker option, passed through. */
  workerOptions?: Partial<Omit<WorkerOptions, 'connection' | 'namespace' | 'taskQueue' | 'activities'>>;
}

/**
 * A Temporal Worker; `run()` shuts it down gracefully on SIGTERM/SIGINT (`shutdownSignals`), flushes its spans on the
 * way out and, when createWorker opened the connection itself, closes it.
 */
export async function createWorker(options: CreateWorkerOptions = {}): Promise<Worker> {
  const metricsPort = options.metricsPort ?? (readEnv(METRICS_PORT_ENV) ? Number(readEnv(METRICS_PORT_ENV)) : undefined);
  if (metricsPort !== undefined) {
    if (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535) throw new TypeError(`metricsPort must be a TCP port, not ${metricsPort}`);
    installQuietRuntime({ metrics: { port: metricsPort, ...(options.metricsHost ? { host: options.metricsHost } : {}) } });
  }
  const { namespace, taskQueue, ...connectionOptions } = temporalSettings(options);
  const ownConnection = options.connection
    ? undefined
    : await connectWithin({ namespace, ...connectionOptions }, () => NativeConnection.connect(connectionOptions));
  const connection = options.connection ?? ownConnection;
  if (!connection) throw new Error('unreachable: no connection');
  const dataConverter = options.dataConverter ?? options.workerOptions?.dataConverter;
  // The plugin reads its own options (DurableAgentPluginOptions) out of these.
  const plugin = new DurableAgentPlugin({ ...options, ...(dataConverter ? { dataConverter } : {}) });
  const prebuilt = prebuiltBundlePath({ tracing: plugin.tracing.enabled });
  // Bundles made by this project carry the workflow interceptors already; the plugin bundles sources with them.
  const workflowSource = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : prebuilt
      ? { workflowBundle: { codePath: prebuilt } }
      : { workflowsPath: workflowsPath() };
  // A short build id: Temporal writes it into history several times a turn (build-id.ts).
  const buildId = versionedByOptions(options.workerOptions) ? undefined : await bundleBuildId(workflowSource);
  try {
    const worker = await Worker.create({
      ...workflowSource,
      ...(buildId ? { buildId } : {}),
      ...options.workerOptions,
      plugins: [plugin, ...(options.workerOptions?.plugins ?? [])],
      connection,
      namespace,
      taskQueue,
    });
    const run = worker.run.bind(worker);
    worker.run = async () => {
      const removeSignalHandlers = options.shutdownSignals === false ? undefined : shutdownOnSignals(worker, options.shutdownSignals ? { signals: options.shutdownSignals } : {});
      try {
        await run();
      } finally {
        removeSignalHandlers?.();
        await ownConnection?.close();
      }
    };
    return worker;
  } catch (err) {
    await plugin.tracing.shutdown();
    await ownConnection?.close();
    throw err;
  }
}
