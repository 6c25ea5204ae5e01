// Live progress while a run works, read from the run's event stream (the same log any client can resume): on a TTY
// the model's text appears as it streams; otherwise one plain line per step change, for logs and scripts.
import type { Client } from '@temporalio/client';
import type { StreamEvent } from '../core/types.js';
import { streamEvents } from '../client/run-stream.js';
import { formatDuration, formatTokens } from './format.js';
import { oneLine } from '../core/text.js';

const RESULT_PREVIEW = 100;

function preview(text: string): string {
  return oneLine(text.trim(), RESULT_PREVIEW);
}

/** Renders one event; returns whether the cursor is left in the middle of a line of streamed text. */
function render(event: StreamEvent, out: NodeJS.WritableStream, tty: boolean, midLine: boolean): boolean {
  const newline = (): void => {
    if (midLine) out.write('\n');
  };
  switch (event.type) {
    case 'run_started':
      newline();
      out.write(`execution ${event.execution} started (${event.executionRunId})\n`);
      return false;
    case 'step_started':
      newline();
      out.write(`step ${event.step.index} ${event.step.name} running\n`);
      return false;
    case 'text_delta':
      if (!tty) return midLine;
      out.write(`${midLine ? '' : '  │ '}${event.text.replace(/\n/g, '\n  │ ')}`);
      return true;
    case 'step_restarted':
      newline();
      out.write(`step ${event.index} restarted (attempt ${event.attempt})\n`);
      return false;
    case 'step_completed': {
      newline();
      const s = event.step;
      const attempts = s.attempts && s.attempts > 1 ? `, ${s.attempts} attempts` : '';
      out.write(`step ${s.index} ${s.name} ${s.status} (${formatDuration(s.durationMs)}, tokens ${formatTokens(s)}${attempts})\n`);
      if (!tty && s.name === 'model' && s.output) out.write(`  model: ${preview(s.output)}\n`);
      if (s.status === 'error' && s.error) out.write(`  error: ${preview(s.error)}\n`);
      return false;
    }
    case 'tool_result':
      out.write(`  ${event.isError ? 'tool error' : 'result'}: ${preview(event.content)}\n`);
      return false;
    case 'paused':
      newline();
      for (const r of event.requirements) out.write(`paused: ${r.kind} needed for ${r.toolName} (id ${r.id}${r.runId !== undefined ? `, in sub-run ${r.runId}` : ''})\n`);
      return false;
    default:
      newline();
      return false;
  }
}

/** Follows the run's events from `fromOffset` until its execution closes or pauses. */
export async function followProgress(client: Client, runId: string, fromOffset: number, out: NodeJS.WriteStream): Promise<void> {
  const tty = out.isTTY === true;
  let midLine = false;
  for await (const event of streamEvents(client, runId, { fromOffset, pollIntervalMs: tty ? 100 : 250 })) {
    midLine = render(event, out, tty, midLine);
  }
  if (midLine) out.write('\n');
}
