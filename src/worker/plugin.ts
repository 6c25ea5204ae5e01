// DurableAgentPlugin: durable-agent inside a user's own Temporal worker and client. On the worker it adds the agent's
// activities (model calls, the user's tools, the run-access activities workflow code reads runs through), the data
// converter, the heartbeat throttle a prompt cancel needs, the telemetry interceptors, and the agent's workflow
// (agentRun) to whatever workflows the worker bundles. On a Client it adds the data converter. createWorker() is this
// plugin on a worker of its own.
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { SimplePlugin } from '@temporalio/plugin';
import type { BundleOptions, Worker, WorkerOptions } from '@temporalio/worker';
import { createActivities, DEFAULT_HEARTBEAT_INTERVAL_MS, type AgentActivitySettings } from '../activities/index.js';
import { CancelWatch } from '../activities/cancel-watch.js';
import { createRunAccessActivities } from '../activities/run-access.js';
import type { McpToolServer } from '../tools/mcp-tools.js';
import { PluginRegisteredTwiceError } from '../core/errors.js';
import { dataConverterFromEnv } from '../codec/env-codecs.js';
import { createWorkerTracing, type TracingOptions, type WorkerTracing } from './tracing.js';
import { workflowInterceptorModules, workflowsWithAgentRun } from './workflow-source.js';

/** Options of `DurableAgentPlugin`: the agent's part of a worker; `createWorker` takes them too (CreateWorkerOptions). */
export interface DurableAgentPluginOptions extends AgentActivitySettings {
  /**
   * MCP servers whose tools this worker serves (connectMcpServer): looked up by name at each call, so a server's
   * tools/list_changed is seen by the next run. The caller owns the connections (close them after the worker stops).
   */
  mcpServers?: McpToolServer[];
  /**
   * Default: payloads encrypted with DURABLE_AGENT_CODEC_KEY when it is set, plain JSON otherwise. Clients of the same
   * runs need the same converter (put the plugin on every Client of the same runs too). Codecs run outside the
   * workflow sandbox: a prebuilt bundle stays valid.
   */
  dataConverter?: DataConverter;
  /**
   * OpenTelemetry traces: one trace per execution, a span per step with GenAI attributes. Default: exported over
   * OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set, off otherwise; `{ spanProcessor }` sends spans elsewhere;
   * `false` turns tracing off whatever the environment says.
   */
  tracing?: TracingOptions | false;
}

const PLUGIN_NAME = 'durable-agent';

/** Twice on one worker or bundle, each copy would add the agent again (and wrap its bundle entry twice): refuse it. */
function registeredOnce(plugins: ReadonlyArray<{ name?: string }> | undefined, where: 'worker' | 'bundle'): void {
  const count = (plugins ?? []).filter((plugin) => plugin.name === PLUGIN_NAME).length;
  if (count > 1) throw new PluginRegisteredTwiceError(where, count);
}


/**
 * The agent on a Temporal worker or client of your own (a `@temporalio/plugin` SimplePlugin): adds the agent's
 * activities, data converter, heartbeat throttle, telemetry interceptors and the `agentRun` workflow. `createWorker()`
 * is this plugin on a worker of its own.
 */
export class DurableAgentPlugin extends SimplePlugin {
  private readonly heartbeatIntervalMs: number;
  private readonly tracingOption: TracingOptions | false | undefined;
  private workerTracing: WorkerTracing | undefined;
  private readonly cancelWatch: CancelWatch;

  constructor(options: DurableAgentPluginOptions = {}) {
    const heartbeatIntervalMs = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    const dataConverter = options.dataConverter ?? dataConverterFromEnv();
    const cancelWatch = new CancelWatch();
    super({
      name: PLUGIN_NAME,
      ...(dataConverter ? { dataConverter } : {}),
      activities: {
        ...createActivities({
          ...options,
          ...(options.mcpServers?.length ? { toolSources: options.mcpServers } : {}),
          heartbeatIntervalMs,
          cancelWatch,
        }),
        ...createRunAccessActivities(),
      },
    });
    this.heartbeatIntervalMs = heartbeatIntervalMs;
    this.cancelWatch = cancelWatch;
    this.tracingOption = options.tracing;
  }

  /**
   * The worker-side tracing this plugin installs, made when a worker or bundle first needs it (a plugin on a Client
   * makes none); flushed when a worker it configured stops running.
   */
  get tracing(): WorkerTracing {
    this.workerTracing ??= createWorkerTracing(this.tracingOption);
    return this.workerTracing;
  }

  override configureWorker(options: WorkerOptions): WorkerOptions {
    registeredOnce(options.plugins, 'worker');
    const configured = super.configureWorker(options);
    return {
      ...configured,
      // A heartbeat carries Temporal's cancel back to the activity, so throttle no longer than our own interval.
      maxHeartbeatThrottleInterval: configured.maxHeartbeatThrottleInterval ?? this.heartbeatIntervalMs,
      defaultHeartbeatThrottleInterval: configured.defaultHeartbeatThrottleInterval ?? this.heartbeatIntervalMs,
      interceptors: { ...configured.interceptors, activity: [...this.tracing.activityInterceptors, ...(configured.interceptors?.activity ?? [])] },
      sinks: { ...configured.sinks, ...this.tracing.sinks, ...this.cancelWatch.sinks() },
    };
  }

  override async runWorker(worker: Worker, next: (w: Worker) => Promise<void>): Promise<void> {
    try {
      await super.runWorker(worker, next);
    } finally {
      await this.workerTracing?.shutdown();
    }
  }

  /**
   * Called when the worker bundles `workflowsPath` and by `bundleWorkflowCode({ ..., plugins })`: the bundle gets the
   * agent's workflow beside the user's and the agent's workflow interceptors (a prebuilt bundle made without the
   * plugin must re-export `agentRun` from 'durable-agent/workflow' and list workflowInterceptorModules() itself).
   */
  override configureBundler(options: BundleOptions): BundleOptions {
    registeredOnce(options.plugins, 'bundle');
    const configured = super.configureBundler(options);
    const modules = [...workflowInterceptorModules({ tracing: this.tracing.enabled }), ...(configured.workflowInterceptorModules ?? [])];
    const entry = workflowsWithAgentRun(configured.workflowsPath);
    if (entry === configured.workflowsPath) return { ...configured, workflowInterceptorModules: [...new Set(modules)] };
    // The bundler resolves its own imports from beside the entry (a temp dir): from the user's node_modules, then.
    const userModules = nodeModulesOf(configured.workflowsPath);
    const hook = configured.webpackConfigHook;
    return {
      ...configured,
      workflowsPath: entry,
      workflowInterceptorModules: [...new Set(modules)],
      webpackConfigHook: (config) => {
        const base = hook ? hook(config) : config;
        return { ...base, resolve: { ...base.resolve, modules: [...(base.resolve?.modules ?? ['node_modules']), userModules] } };
      },
    };
  }
}

/** The node_modules folder the user's workflow code takes @temporalio/workflow from (so the bundle has one copy). */
function nodeModulesOf(workflowsPath: string): string {
  const base = existsSync(workflowsPath) && statSync(workflowsPath).isDirectory() ? join(workflowsPath, 'index.js') : workflowsPath;
  const resolved = createRequire(resolve(base)).resolve('@temporalio/workflow');
  const at = resolved.lastIndexOf(`${sep}node_modules${sep}`);
  return at < 0 ? dirname(resolved) : resolved.slice(0, at + `${sep}node_modules`.length);
}
