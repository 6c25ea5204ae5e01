// The process's Temporal runtime, installed once: WARN-level logging (DEBUG with TEMPORAL_LOG_LEVEL=DEBUG; the
// worker's INFO chatter drowns the output of tests, the demo and the CLI) and, when asked, a Prometheus endpoint for
// Temporal's runtime metrics and the agent's own (src/telemetry/attributes.ts#AgentMetrics). Install it before
// anything creates a worker, connection or server: Temporal's runtime cannot be reconfigured once it exists.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { HISTOGRAM_BUCKETS } from '../telemetry/attributes.js';
import { readEnv, type EnvName } from '../config/env.js';

export const METRICS_PORT_ENV = 'DURABLE_AGENT_METRICS_PORT' satisfies EnvName;
export const METRICS_HOST_ENV = 'DURABLE_AGENT_METRICS_HOST' satisfies EnvName;

export interface MetricsEndpointOptions {
  port: number;
  /** Default DURABLE_AGENT_METRICS_HOST, else 0.0.0.0 (a scraper usually runs elsewhere). */
  host?: string;
}

let installed: { metricsAddress?: string } | undefined;

export function installQuietRuntime(options: { metrics?: MetricsEndpointOptions } = {}): void {
  const { metrics } = options;
  const address = metrics ? `${metrics.host ?? readEnv(METRICS_HOST_ENV) ?? '0.0.0.0'}:${metrics.port}` : undefined;
  if (installed) {
    if (address && installed.metricsAddress !== address) {
      throw new Error(
        `Metrics on ${address} need the Temporal runtime installed with them, but it was installed ` +
          `${installed.metricsAddress ? `with metrics on ${installed.metricsAddress}` : 'without metrics'} already.`,
      );
    }
    return;
  }
  const logLevel = readEnv('TEMPORAL_LOG_LEVEL');
  const level = logLevel === 'DEBUG' ? 'DEBUG' : logLevel === 'INFO' ? 'INFO' : 'WARN';
  try {
    Runtime.install({
      logger: new DefaultLogger(level),
      ...(address ? { telemetryOptions: { metrics: { prometheus: { bindAddress: address, histogramBucketOverrides: HISTOGRAM_BUCKETS } } } } : {}),
    });
  } catch (err) {
    if (!address) return; // someone else's runtime: fine when only quiet logging was asked for
    throw new Error(
      `Metrics on ${address}: the Temporal runtime already exists in this process (a connection or worker was created ` +
        `first), so it cannot be given a Prometheus endpoint. Create the worker with metricsPort before any other ` +
        `Temporal connection, or call installQuietRuntime({ metrics }) first. (${(err as Error).message})`,
    );
  }
  installed = { ...(address ? { metricsAddress: address } : {}) };
}
