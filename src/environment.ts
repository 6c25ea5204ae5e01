// Where clients and workers find Temporal when not told: the one reading of TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and
// DURABLE_AGENT_TASK_QUEUE, with their defaults. An explicit option always wins over the environment.
import { DEFAULT_TASK_QUEUE } from './types.js';

export interface TemporalSettings {
  /** Default TEMPORAL_ADDRESS or localhost:7233. */
  address: string;
  /** Default TEMPORAL_NAMESPACE or `default`. */
  namespace: string;
  /** Default DURABLE_AGENT_TASK_QUEUE or `durable-agent`. */
  taskQueue: string;
}

export const DEFAULT_ADDRESS = 'localhost:7233';
export const DEFAULT_NAMESPACE = 'default';

export function temporalSettings(options: Partial<TemporalSettings> = {}): TemporalSettings {
  return {
    address: options.address ?? process.env.TEMPORAL_ADDRESS ?? DEFAULT_ADDRESS,
    namespace: options.namespace ?? process.env.TEMPORAL_NAMESPACE ?? DEFAULT_NAMESPACE,
    taskQueue: options.taskQueue ?? process.env.DURABLE_AGENT_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
  };
}
