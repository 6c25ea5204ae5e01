// Workflow interceptors (they run in the sandbox, registered through the worker's `interceptors.workflowModules` and
// bundled before @temporalio/interceptors-opentelemetry's own): one trace per execution, one span per step with the
// GenAI semantic-convention attributes, cancel and continue as span events and links, and the run's metrics.
// Replay-safe: spans leave the sandbox through a sink Temporal does not call while replaying, and workflow metrics
// are not emitted while replaying. They schedule nothing, so a run's commands are the same with or without them.
import { trace, ProxyTracerProvider, SpanKind, SpanStatusCode, type Attributes, type Link, type Span } from '@opentelemetry/api';
import {
  ActivityFailure,
  CancellationScope,
  CancelledFailure,
  ApplicationFailure,
  defaultPayloadConverter,
  isCancellation,
  metricMeter,
  workflowInfo,
  type ActivityInput,
  type Next,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { AgentAttributes, AgentEvents, AgentMetrics, GenAiAttributes } from '../telemetry/attributes.js';
import { executionSpanIds, executionTraceparent, parseTraceparent } from '../telemetry/trace-ids.js';
import { FailureTypes, STEP_ACTIVITY, WORKFLOW_TYPE, type ModelCallInput, type ModelCallProgress, type ModelCallResult, type RunInput, type ToolCallInput, type ToolCallResult } from '../core/types.js';
import { cacheTokensOf } from './model-result.js';
import { carriedSettings, modelCallSettings } from './model-call-settings.js';
import { providerName } from '../core/model-id.js';

/** The header @temporalio/interceptors-opentelemetry reads a parent span context from. */
const TRACE_HEADER = '_tracer-data';
const TRACER_NAME = 'durable-agent';

/** Workflow time: the sandbox's Date is the time of the current workflow task. */
function workflowNow(): number {
  return new Date().valueOf();
}

function failureType(err: unknown): string {
  if (isCancellation(err)) return 'cancelled';
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure && cause.type) return cause.type;
  return cause instanceof Error ? cause.name : 'error';
}

/** The partial usage a model call cut by a cancel (or by the money budget) reports with its failure. */
function cutUsage(err: unknown): ModelCallProgress['usage'] | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  const budgetCut = cause instanceof ApplicationFailure && cause.type === FailureTypes.costBudgetExceeded;
  if (!(cause instanceof CancelledFailure) && !budgetCut) return undefined;
  const progress = cause.details?.[0] as Partial<ModelCallProgress> | undefined;
  const usage = progress?.usage;
  return usage && typeof usage.inputTokens === 'number' && typeof usage.outputTokens === 'number' ? usage : undefined;
}

/** Whether the sandbox has a tracer provider (the traced bundle's OpenTelemetry interceptors register one). */
function tracerRegistered(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegateTracer(TRACER_NAME) !== undefined;
}

/** What one execution's interceptors share: the run's input, its span, and the cancel it was asked for. */
class RunTelemetry {
  input: RunInput | undefined;
  clientParent: Link | undefined;
  runSpan: Span | undefined;
  cancelRequestedAt: number | undefined;
  stepsDone = 0;
  private readonly steps = metricMeter.createCounter(AgentMetrics.steps, 'steps', 'Agent steps (model and tool calls) by kind and outcome');
  private readonly cancels = metricMeter.createCounter(AgentMetrics.cancels, 'runs', 'Agent run executions that closed cancelled');
  private readonly cancelToStop = metricMeter.createHistogram(
    AgentMetrics.cancelToStop,
    'int',
    'ms',
    'From the workflow task that saw the cancel request to the one that closed the run',
  );

  get execution(): number {
    return (this.input?.seed?.executions ?? 0) + 1;
  }

  runAttributes(): Attributes {
    const input = this.input;
    return {
      [AgentAttributes.runId]: workflowInfo().workflowId,
      [AgentAttributes.executionRunId]: workflowInfo().runId,
      [AgentAttributes.execution]: this.execution,
      ...(input?.sessionId !== undefined ? { [AgentAttributes.sessionId]: input.sessionId } : {}),
      ...(input?.userId !== undefined ? { [AgentAttributes.userId]: input.userId } : {}),
      [GenAiAttributes.conversationId]: input?.sessionId ?? workflowInfo().workflowId,
    };
  }

  /** The execution's RunWorkflow span is the active one when the loop schedules its first step: annotate it once. */
  adoptRunSpan(): void {
    if (this.runSpan) return;
    const span = trace.getActiveSpan();
    if (!span) return;
    this.runSpan = span;
    span.setAttributes(this.runAttributes());
    const continuedFrom = this.input?.seed?.continuedFrom;
    if (continuedFrom) {
      const previous = executionSpanIds(continuedFrom);
      span.setAttribute(AgentAttributes.continuedFrom, continuedFrom);
      span.addLink({ context: { ...previous, traceFlags: 1, isRemote: true }, attributes: { [AgentAttributes.executionRunId]: continuedFrom } });
      span.addEvent(AgentEvents.continued, { [AgentAttributes.continuedFrom]: continuedFrom, [AgentAttributes.execution]: this.execution });
    }
    if (this.clientParent) span.addLink(this.clientParent);
    if (this.cancelRequestedAt !== undefined) this.markCancelRequested();
  }

  markCancelRequested(): void {
    this.cancelRequestedAt ??= workflowNow();
    this.runSpan?.addEvent(AgentEvents.cancelRequested, { [AgentAttributes.stepsDone]: this.stepsDone }, this.cancelRequestedAt);
  }

  step(kind: 'model' | 'tool', outcome: 'completed' | 'cancelled' | 'error'): void {
    this.stepsDone++;
    this.steps.add(1, { kind, outcome });
  }

  closed(cancelled: boolean): void {
    if (!cancelled) return;
    this.cancels.add(1);
    if (this.cancelRequestedAt !== undefined) this.cancelToStop.record(Math.max(0, workflowNow() - this.cancelRequestedAt));
  }
}

class RunInbound implements WorkflowInboundCallsInterceptor {
  constructor(private readonly run: RunTelemetry) {}

  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    this.run.input = input.args[0] as RunInput | undefined;
    // A client that traces passed its span context; the execution keeps its own trace and links to the client's.
    const carrier = input.headers[TRACE_HEADER] ? defaultPayloadConverter.fromPayload<Record<string, unknown>>(input.headers[TRACE_HEADER]) : undefined;
    const client = parseTraceparent(carrier?.traceparent);
    if (client) this.run.clientParent = { context: { ...client, traceFlags: 1, isRemote: true } };
    CancellationScope.current().cancelRequested.catch(() => this.run.markCancelRequested());
    const headers = { ...input.headers, [TRACE_HEADER]: defaultPayloadConverter.toPayload({ traceparent: executionTraceparent(workflowInfo().runId) }) };
    try {
      const result = await next({ ...input, headers });
      this.run.closed(false);
      return result;
    } catch (err) {
      this.run.closed(isCancellation(err));
      throw err;
    }
  }
}

class StepOutbound implements WorkflowOutboundCallsInterceptor {
  constructor(private readonly run: RunTelemetry) {}

  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    if (input.activityType !== STEP_ACTIVITY.model && input.activityType !== STEP_ACTIVITY.tool) return next(input);
    const kind = input.activityType === STEP_ACTIVITY.model ? 'model' : 'tool';
    // No tracer in this bundle (the untraced one): no span is active or made, so count the step and build nothing else.
    if (!tracerRegistered()) {
      return next(input).then(
        (result) => {
          this.run.step(kind, 'completed');
          return result;
        },
        (err: unknown) => {
          this.run.step(kind, isCancellation(err) ? 'cancelled' : 'error');
          throw err;
        },
      );
    }
    this.run.adoptRunSpan();
    const model = kind === 'model' ? (input.args[0] as ModelCallInput) : undefined;
    const tool = kind === 'tool' ? (input.args[0] as ToolCallInput) : undefined;
    // Lean executions send the call settings with their first model call only: the rest come from the run's input.
    const settings = model && (carriedSettings(model) ?? (this.run.input ? modelCallSettings(this.run.input) : undefined));
    const name = model ? `chat ${settings?.model ?? ''}` : `execute_tool ${tool?.toolName ?? ''}`;
    const attributes: Attributes = {
      ...this.run.runAttributes(),
      [AgentAttributes.stepIndex]: model?.stepIndex ?? tool?.stepIndex ?? -1,
      [AgentAttributes.activityId]: input.options.activityId ?? '',
      ...(model
        ? {
            [GenAiAttributes.operationName]: 'chat',
            [GenAiAttributes.providerName]: providerName(settings?.model),
            [GenAiAttributes.system]: providerName(settings?.model),
            [GenAiAttributes.requestModel]: settings?.model,
            [GenAiAttributes.requestMaxTokens]: settings?.maxTokens,
          }
        : {
            [GenAiAttributes.operationName]: 'execute_tool',
            [GenAiAttributes.toolName]: tool?.toolName ?? '',
            [GenAiAttributes.toolCallId]: tool?.toolUseId ?? '',
            [GenAiAttributes.toolType]: 'function',
          }),
    };
    const tracer = trace.getTracer(TRACER_NAME);
    return tracer.startActiveSpan(name, { kind: model ? SpanKind.CLIENT : SpanKind.INTERNAL, attributes }, async (span) => {
      try {
        const result = await next(input);
        if (model) {
          const { usage, stopReason, model: responseModel, guardrails } = result as ModelCallResult;
          const cache = cacheTokensOf(result as ModelCallResult);
          span.setAttributes({
            [GenAiAttributes.responseModel]: responseModel,
            [GenAiAttributes.inputTokens]: usage.inputTokens,
            [GenAiAttributes.outputTokens]: usage.outputTokens,
            ...(cache
              ? { [GenAiAttributes.cacheReadInputTokens]: cache.readInputTokens, [GenAiAttributes.cacheCreationInputTokens]: cache.creationInputTokens }
              : {}),
            ...(stopReason ? { [GenAiAttributes.finishReasons]: [stopReason] } : {}),
            ...(usage.costUsd !== undefined ? { [AgentAttributes.costUsd]: usage.costUsd } : {}),
            ...(guardrails?.length ? { [AgentAttributes.guardrails]: [...new Set(guardrails.map((n) => n.guardrail))].join(',') } : {}),
          });
        } else if ((result as ToolCallResult).isError) {
          // The model sees an error result and the run goes on; the step itself failed.
          span.setAttribute(GenAiAttributes.errorType, 'tool_error');
          span.setStatus({ code: SpanStatusCode.ERROR, message: 'the tool answered with an error result' });
        }
        span.setAttribute(AgentAttributes.stepStatus, 'completed');
        this.run.step(kind, 'completed');
        return result;
      } catch (err) {
        const cancelled = isCancellation(err);
        span.setAttribute(AgentAttributes.stepStatus, cancelled ? 'cancelled' : 'error');
        span.setAttribute(GenAiAttributes.errorType, failureType(err));
        // A model call cut mid-stream (a cancel, the money budget) reports what it had used: RunOutput.usage counts it, so the span does too.
        const usage = model ? cutUsage(err) : undefined;
        if (usage) {
          span.setAttributes({
            [GenAiAttributes.inputTokens]: usage.inputTokens,
            [GenAiAttributes.outputTokens]: usage.outputTokens,
            ...(usage.costUsd !== undefined ? { [AgentAttributes.costUsd]: usage.costUsd } : {}),
          });
        }
        if (cancelled) {
          span.addEvent(AgentEvents.stepCancelled);
        } else {
          span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
        }
        this.run.step(kind, cancelled ? 'cancelled' : 'error');
        throw err;
      } finally {
        span.end();
      }
    });
  }
}

export const interceptors = (): WorkflowInterceptors => {
  // A worker built with DurableAgentPlugin runs the user's own workflows beside the agent's: leave theirs alone.
  if (workflowInfo().workflowType !== WORKFLOW_TYPE) return {};
  const run = new RunTelemetry();
  return { inbound: [new RunInbound(run)], outbound: [new StepOutbound(run)] };
};
