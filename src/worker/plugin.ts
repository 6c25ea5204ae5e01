// DurableAgentPlugin: durable-agent inside a user's own Temporal worker and client. On the worker it adds the agent's
// activities (model calls, the user's tools, the run-access activities workflow code reads runs through), the data
// converter, the heartbeat throttle a prompt cancel needs, the telemetry interceptors, and the agent's workflow
// (agentRun) to whatever workflows the worker bundles. On a Client it adds the data converter. createWorker() is this
// plugin on a worker of its own.
import type { DataConverter } from '@temporalio/common';
import { SimplePlugin } from '@temporalio/plugin';
import type { BundleOptions, WorkerOptions } from '@temporalio/worker';
import { createActivities, DEFAULT_HEARTBEAT_INTERVAL_MS, type AnthropicSettings } from '../activities/index.js';
import { createRunAccessActivities } from '../activities/run-access.js';
import type { Tool } from '../activities/tool-definition.js';
import { encryptedDataConverter } from '../codec/aes-gcm-codec.js';
import { createWorkerTracing, type TracingOptions, type WorkerTracing } from './tracing.js';
import { workflowInterceptorModules, workflowsWithAgentRun } from './workflow-source.js';

export interface DurableAgentPluginOptions {
  /** The tools the agent's runs on this worker can call (tool()); a run names them, the worker supplies them. */
  tools?: Tool[];
  anthropic?: AnthropicSettings;
  /** How often activities heartbeat (default 200 ms); bounds how long a cancel takes to reach a running call. */
  heartbeatIntervalMs?: number;
  streamIdleTimeoutMs?: number;
  /**
   * Default: payloads encrypted with DURABLE_AGENT_CODEC_KEY when it is set, unchanged otherwise. Put the plugin on
   * the worker and on every Client of the same runs, so both use it.
   */
  dataConverter?: DataConverter;
  /** OpenTelemetry traces (see CreateWorkerOptions.tracing); `false` turns them off whatever the environment says. */
  tracing?: TracingOptions | false;
}

export class DurableAgentPlugin extends SimplePlugin {
  /** The worker-side tracing this plugin installs; flushed when a worker it configured stops running. */
  readonly tracing: WorkerTracing;
  private readonly heartbeatIntervalMs: number;

  constructor(options: DurableAgentPluginOptions = {}) {
    const tracing = createWorkerTracing(options.tracing);
    const heartbeatIntervalMs = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    const dataConverter = options.dataConverter ?? encryptedDataConverter();
    super({
      name: 'durable-agent',
      ...(dataConverter ? { dataConverter } : {}),
      activities: {
        ...createActivities({
          tools: options.tools ?? [],
          heartbeatIntervalMs,
          ...(options.anthropic ? { anthropic: options.anthropic } : {}),
          ...(options.streamIdleTimeoutMs !== undefined ? { streamIdleTimeoutMs: options.streamIdleTimeoutMs } : {}),
        }),
        ...createRunAccessActivities(),
      },
      workerInterceptors: { activity: tracing.activityInterceptors },
      runContext: async (next) => {
        try {
          await next();
        } finally {
          await tracing.shutdown();
        }
      },
    });
    this.tracing = tracing;
    this.heartbeatIntervalMs = heartbeatIntervalMs;
  }

  override configureWorker(options: WorkerOptions): WorkerOptions {
    const configured = super.configureWorker(options);
    return {
      ...configured,
      // A heartbeat carries Temporal's cancel back to the activity, so throttle no longer than our own interval.
      maxHeartbeatThrottleInterval: configured.maxHeartbeatThrottleInterval ?? this.heartbeatIntervalMs,
      defaultHeartbeatThrottleInterval: configured.defaultHeartbeatThrottleInterval ?? this.heartbeatIntervalMs,
      sinks: { ...configured.sinks, ...this.tracing.sinks },
    };
  }

  /**
   * Called when the worker bundles `workflowsPath` and by `bundleWorkflowCode({ ..., plugins })`: the bundle gets the
   * agent's workflow beside the user's and the agent's workflow interceptors (a prebuilt bundle made without the
   * plugin must re-export `agentRun` from 'durable-agent/workflow' and list workflowInterceptorModules() itself).
   */
  override configureBundler(options: BundleOptions): BundleOptions {
    const configured = super.configureBundler(options);
    const modules = [...workflowInterceptorModules({ tracing: this.tracing.enabled }), ...(configured.workflowInterceptorModules ?? [])];
    return { ...configured, workflowsPath: workflowsWithAgentRun(configured.workflowsPath), workflowInterceptorModules: [...new Set(modules)] };
  }
}
