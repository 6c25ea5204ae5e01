// The worker's half of tracing: @temporalio/interceptors-opentelemetry's activity interceptors and the sink that
// carries the workflow sandbox's spans out (src/workflows/telemetry-interceptors.ts makes the agent's own), exported
// over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set, to a span processor of the caller's, or nowhere (off).
import { context, propagation, SpanKind, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryPlugin,
  type OpenTelemetrySinks,
  type SerializableSpan,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import { EXECUTION_SPAN_NAME } from '../telemetry/attributes.js';
import { executionSpanIds } from '../telemetry/trace-ids.js';
import type { CancelSinks } from '../workflows/cancel-sink.js';
import { readEnv } from '../config/env.js';

export interface TracingOptions {
  /** Where spans go (e.g. a SimpleSpanProcessor around an InMemorySpanExporter). Default: OTLP/HTTP, see below. */
  spanProcessor?: SpanProcessor;
  /** `service.name` of the spans; default OTEL_SERVICE_NAME, else `durable-agent-worker`. */
  serviceName?: string;
}

export interface WorkerTracing {
  readonly enabled: boolean;
  readonly sinks: InjectedSinks<OpenTelemetrySinks>;
  readonly activityInterceptors: ActivityInterceptorsFactory[];
  /** Flushes spans still buffered (a batch processor holds them up to 5 s); shuts down the OTLP exporter it made. */
  shutdown(): Promise<void>;
}

/** Default tracing: on when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set. */
export function otlpEndpointConfigured(): boolean {
  return Boolean(readEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') || readEnv('OTEL_EXPORTER_OTLP_ENDPOINT'));
}

/**
 * @temporalio/interceptors-opentelemetry's workflow interceptor module, as its plugin adds it to a bundle (the
 * package's public way to name it). Bundled after ours: see workflowInterceptorModules().
 */
export function openTelemetryWorkflowModules(): string[] {
  const plugin = new OpenTelemetryPlugin({ resource: Resource.empty(), spanProcessor: new NoopSpanProcessor() });
  return plugin.configureBundler({ workflowsPath: '' }).workflowInterceptorModules ?? [];
}

/**
 * Each execution's trace has a root span of its own (ids from the execution's run id, see trace-ids.ts) that the
 * sandbox names as the RunWorkflow span's parent; it is made here from that span, which has its times and status.
 */
function withExecutionRoot(info: WorkflowInfo, spans: SerializableSpan[]): SerializableSpan[] {
  const ids = executionSpanIds(info.runId);
  const roots = spans
    .filter((s) => s.parentSpanId === ids.spanId && s.spanContext.traceId === ids.traceId)
    .map((s): SerializableSpan => {
      const attributes: Attributes = Object.fromEntries(Object.entries(s.attributes).filter(([key]) => key.startsWith('durable_agent.') || key.startsWith('gen_ai.')));
      return {
        ...s,
        name: EXECUTION_SPAN_NAME,
        kind: SpanKind.INTERNAL,
        spanContext: { traceId: ids.traceId, spanId: ids.spanId, traceFlags: 1 },
        parentSpanId: undefined,
        attributes: { ...attributes, 'temporal.workflow_id': info.workflowId, 'temporal.run_id': info.runId, 'temporal.workflow_type': info.workflowType },
        events: [],
        droppedEventsCount: 0,
        instrumentationLibrary: { name: 'durable-agent' },
      };
    });
  return roots.length ? [...spans, ...roots] : spans;
}

/** The span sink with tracing off (also what a replay worker needs: the bundle's interceptors call it). */
export const noopSinks: InjectedSinks<OpenTelemetrySinks & CancelSinks> = {
  exporter: { export: { fn: () => undefined } },
  durableAgentCancel: { requested: { fn: () => undefined } },
};

/** `options === false` turns tracing off; undefined means "on if OTEL_EXPORTER_OTLP_ENDPOINT is set". */
export function createWorkerTracing(options: TracingOptions | false | undefined): WorkerTracing {
  const given = options === false ? undefined : options?.spanProcessor;
  const processor = given ?? (options !== false && otlpEndpointConfigured() ? new BatchSpanProcessor(new OTLPTraceExporter()) : undefined);
  // The workflow bundle always carries the interceptors; with tracing off their spans go to a sink that drops them.
  if (!processor) return { enabled: false, sinks: noopSinks, activityInterceptors: [], shutdown: async () => undefined };

  // Activity spans continue the workflow's trace: that needs a context manager and the W3C propagator. Both are
  // process-wide; one set up already by the application is kept.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const serviceName = (options !== false && options?.serviceName) || readEnv('OTEL_SERVICE_NAME') || 'durable-agent-worker';
  const resource = new Resource({ 'service.name': serviceName });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  const tracer = provider.getTracer('durable-agent');
  const base = makeWorkflowExporter(processor, resource);
  return {
    enabled: true,
    sinks: { exporter: { export: { ...base.export, fn: (info, spans) => base.export.fn(info, withExecutionRoot(info, spans)) } } },
    activityInterceptors: [
      (ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer }), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) }),
    ],
    // Our own exporter is shut down with the worker; a processor the caller passed is only flushed (it may serve others).
    shutdown: () => (given ? given.forceFlush() : provider.shutdown()),
  };
}
