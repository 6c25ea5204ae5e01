// createWorker(): the one place a Temporal worker for durable-agent is assembled. Users pass their tools here;
// a run refers to tools by name and the worker supplies their implementations.
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { encryptedDataConverter } from '../codec/aes-gcm-codec.js';
import { createActivities, type AnthropicSettings } from '../activities/index.js';
import type { Tool } from '../activities/tool-definition.js';
import { temporalSettings } from '../environment.js';
import { prebuiltBundlePath, workflowsPath } from './workflow-source.js';

export interface CreateWorkerOptions {
  /** The tools this worker can run. A run that names a tool missing here fails with ToolNotRegisteredError. */
  tools?: Tool[];
  /** Defaults to a NativeConnection to `address`, TEMPORAL_ADDRESS or localhost:7233. */
  connection?: NativeConnection;
  address?: string;
  namespace?: string;
  taskQueue?: string;
  anthropic?: AnthropicSettings;
  /** How often activities heartbeat; bounds how long a cancel takes to reach a running model or tool call. */
  heartbeatIntervalMs?: number;
  streamIdleTimeoutMs?: number;
  /**
   * Default: payloads encrypted with DURABLE_AGENT_CODEC_KEY when it is set, plain JSON otherwise. Clients of the
   * same runs need the same converter. Codecs run outside the workflow sandbox: a prebuilt bundle stays valid.
   */
  dataConverter?: DataConverter;
  /** Prebuilt workflow code (tests bundle once per suite); defaults to dist/workflow-bundle.js or the sources. */
  workflowBundle?: { code: string } | { codePath: string };
  /** Any other Temporal worker option, passed through. */
  workerOptions?: Partial<Omit<WorkerOptions, 'connection' | 'namespace' | 'taskQueue' | 'activities'>>;
}

function dataConverterOption(options: CreateWorkerOptions): { dataConverter?: DataConverter } {
  const dataConverter = options.dataConverter ?? options.workerOptions?.dataConverter ?? encryptedDataConverter();
  return dataConverter ? { dataConverter } : {};
}

/** A Temporal Worker; when createWorker opened the connection itself, `run()` closes it on the way out. */
export async function createWorker(options: CreateWorkerOptions = {}): Promise<Worker> {
  const { address, namespace, taskQueue } = temporalSettings(options);
  const ownConnection = options.connection ? undefined : await NativeConnection.connect({ address });
  const connection = options.connection ?? ownConnection;
  if (!connection) throw new Error('unreachable: no connection');
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 200;
  const prebuilt = prebuiltBundlePath();
  const workflowSource = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : prebuilt
      ? { workflowBundle: { codePath: prebuilt } }
      : { workflowsPath: workflowsPath() };
  try {
    const worker = await Worker.create({
      ...workflowSource,
      // A heartbeat carries Temporal's cancel back to the activity, so throttle no longer than our own interval.
      maxHeartbeatThrottleInterval: heartbeatIntervalMs,
      defaultHeartbeatThrottleInterval: heartbeatIntervalMs,
      ...options.workerOptions,
      ...dataConverterOption(options),
      connection,
      namespace,
      taskQueue,
      activities: createActivities({
        tools: options.tools ?? [],
        heartbeatIntervalMs,
        ...(options.anthropic ? { anthropic: options.anthropic } : {}),
        ...(options.streamIdleTimeoutMs !== undefined ? { streamIdleTimeoutMs: options.streamIdleTimeoutMs } : {}),
      }),
    });
    if (ownConnection) {
      const run = worker.run.bind(worker);
      worker.run = async () => {
        try {
          await run();
        } finally {
          await ownConnection.close();
        }
      };
    }
    return worker;
  } catch (err) {
    await ownConnection?.close();
    throw err;
  }
}
