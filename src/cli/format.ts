// Plain-text rendering of steps and outputs, shared by `run`, `continue` and `show`.
import type { RunOutput, StepResult, Usage } from '../core/types.js';
import { describeStepContext } from '../workflows/context-window.js';

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '-';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Prompt-cache tokens, when there were any: ` (cache R read, W written)`. */
export function formatCache(usage: Usage | undefined): string {
  const read = usage?.cacheReadInputTokens ?? 0;
  const written = usage?.cacheCreationInputTokens ?? 0;
  return read || written ? ` (cache ${read} read, ${written} written)` : '';
}

export function formatTokens(step: StepResult): string {
  return step.usage ? `${step.usage.inputTokens}/${step.usage.outputTokens}${formatCache(step.usage)}` : '-';
}

/** US dollars as `show` prints them: `$0.001234`. */
export function formatUsd(usd: number): string {
  return `$${usd.toFixed(6)}`;
}

/** The steps as a table; a `cost` column when the worker priced any of them (Usage.costUsd). */
export function stepsTable(steps: StepResult[]): string {
  const priced = steps.some((s) => s.usage?.costUsd !== undefined);
  const header = ['#', 'step', 'status', 'exec', 'duration', 'tokens in/out', ...(priced ? ['cost'] : [])];
  const rows = steps.map((s) => [
    String(s.index),
    s.name,
    s.status,
    // A fork's inherited steps count their parent's executions; say so rather than print 1, 2, 2, 1, 1.
    s.inheritedFrom ? `parent ${s.execution}` : String(s.execution),
    formatDuration(s.durationMs),
    formatTokens(s),
    ...(priced ? [s.usage?.costUsd !== undefined ? formatUsd(s.usage.costUsd) : '-'] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((cell, i) => pad(cell, widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function outputSummary(output: RunOutput): string {
  const lines = [
    `run ${output.runId}: ${output.status} (${output.executions} execution${output.executions === 1 ? '' : 's'}, ` +
      `tokens ${output.usage.inputTokens} in / ${output.usage.outputTokens} out${formatCache(output.usage)}` +
      `${output.usage.costUsd !== undefined ? `, ${formatUsd(output.usage.costUsd)}` : ''})`,
  ];
  if (output.forkedFrom) {
    lines.push(`forked from run ${output.forkedFrom.runId} at step ${output.forkedFrom.fromStep} (its steps before that are marked "parent <execution>")`);
  }
  // A run that moved between models (a fallback, a continuation on another model): which answered which steps.
  const models = new Map<string, number[]>();
  for (const s of output.stepResults) if (s.model) models.set(s.model, [...(models.get(s.model) ?? []), s.index]);
  if (models.size > 1) lines.push(`models: ${[...models].map(([model, steps]) => `${model} (step${steps.length === 1 ? '' : 's'} ${steps.join(', ')})`).join('; ')}`);
  // agentTool calls: each is a run of its own, shown (and cancelled, continued) by its id.
  const subRuns = new Map(output.stepResults.flatMap((s) => (s.subRunId ? [[s.subRunId, s] as const] : [])));
  for (const [id, s] of subRuns) lines.push(`sub-run of step ${s.index} (${s.name}): ${id}`);
  // Context management (Task `context`): which requests were compacted to fit the budget, and how the last one was.
  const compacted = output.stepResults.filter((s) => s.context);
  const last = compacted[compacted.length - 1];
  if (last?.context) {
    const summaries = output.stepResults.filter((s) => s.name === 'summarize').length;
    lines.push(
      `context: ${compacted.length} request${compacted.length === 1 ? '' : 's'} compacted from step ${compacted[0]!.index}` +
        `${summaries ? ` (${summaries} summarize step${summaries === 1 ? '' : 's'})` : ''}; the last (step ${last.index}): ${describeStepContext(last.context)}`,
    );
  }
  if (output.error) lines.push(`error: ${output.error.name}: ${output.error.message}`);
  for (const w of output.warnings ?? []) lines.push(`warning (${w.kind}): ${w.message}`);
  if (output.stop) {
    const { reason, limit, guardrail, mode, message } = output.stop;
    const which = limit ?? (guardrail ? `${guardrail.name}, ${guardrail.stage}` : undefined);
    lines.push(`stopped: ${reason}${which ? ` (${which})` : ''}, ${mode === 'afterStep' ? 'after the running steps' : 'at once'}: ${message}`);
  }
  for (const r of output.requirements) {
    lines.push(`waiting for: ${r.kind} of ${r.toolName} ${JSON.stringify(r.toolInput)} (id ${r.id}, step ${r.stepIndex}${r.runId !== undefined ? ` of sub-run ${r.runId}` : ''})`);
  }
  if (output.output !== null && output.output !== undefined) {
    lines.push(`output: ${typeof output.output === 'string' ? output.output : JSON.stringify(output.output)}`);
  }
  return lines.join('\n');
}
