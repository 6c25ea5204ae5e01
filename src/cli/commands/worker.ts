// `durable-agent worker`: a worker on TEMPORAL_ADDRESS's task queue until SIGINT/SIGTERM.
import { portNumber } from '../args.js';
import { command } from '../command.js';
import { runWorkerUntilSignal } from '../worker-process.js';

export const worker = command({
  name: 'worker',
  description:
    'Run a worker (TEMPORAL_ADDRESS, DURABLE_AGENT_TASK_QUEUE). Needs ANTHROPIC_API_KEY or OPENAI_API_KEY, or --offline for ' +
    "the scripted offline models; a --tools module's `models` export adds AI SDK providers. OTEL_EXPORTER_OTLP_ENDPOINT " +
    'turns on OpenTelemetry traces.',
  options: {
    tools: { type: 'string', value: 'MODULE', help: "the worker's tools: a module's tools and MCP servers (else the example tools)" },
    offline: { type: 'boolean', help: 'the scripted offline models instead of a provider' },
    'metrics-port': { type: 'string', value: 'N', help: 'serve Prometheus metrics at :N/metrics (or DURABLE_AGENT_METRICS_PORT)' },
  },
  async run(values) {
    const metricsPort = values['metrics-port'] === undefined ? undefined : portNumber('--metrics-port', values['metrics-port'], 0);
    await runWorkerUntilSignal(values.tools, { offline: values.offline ?? false, requireKey: true }, metricsPort !== undefined ? { metricsPort } : {});
    return 0;
  },
});
