// Live step progress while a run works: redrawn in place on a TTY, one line per change otherwise.
import type { RunHandle } from '../agent.js';
import type { StepResult } from '../../types.js';
import { formatDuration } from './format.js';

function stepLine(step: StepResult, now: number): string {
  const elapsed = step.startedAt ? (step.endedAt ? Date.parse(step.endedAt) : now) - Date.parse(step.startedAt) : undefined;
  const mark = step.status === 'running' ? '…' : step.status === 'completed' ? '✓' : step.status === 'cancelled' ? '⨯' : '!';
  return `  ${mark} step ${step.index} ${step.name} ${step.status} ${formatDuration(elapsed)}`;
}

export async function followProgress(handle: RunHandle, out: NodeJS.WriteStream, intervalMs = 250): Promise<void> {
  const tty = out.isTTY === true;
  const printed = new Map<string, string>();
  let drawnLines = 0;
  let done = false;
  const result = handle.result().finally(() => {
    done = true;
  });
  result.catch(() => undefined);
  while (!done) {
    let steps: StepResult[] = [];
    try {
      steps = await handle.steps();
    } catch {
      // The execution closed between polls (queries need an open run); the final table follows.
    }
    if (tty) {
      const lines = steps.map((s) => stepLine(s, Date.now()));
      if (drawnLines) out.write(`\x1b[${drawnLines}A\x1b[J`);
      out.write(lines.length ? `${lines.join('\n')}\n` : '');
      drawnLines = lines.length;
    } else {
      for (const s of steps) {
        const key = `${s.execution}:${s.activityId}`;
        if (printed.get(key) !== s.status) {
          printed.set(key, s.status);
          out.write(`step ${s.index} ${s.name} ${s.status}\n`);
        }
      }
    }
    await Promise.race([result.then(() => undefined, () => undefined), new Promise((r) => setTimeout(r, intervalMs))]);
  }
  if (tty && drawnLines) out.write(`\x1b[${drawnLines}A\x1b[J`);
}
