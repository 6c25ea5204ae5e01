// Plain-text rendering of a session for `durable-agent session show`: each run, oldest first, and its conversation.
import type { ContentBlockParam, MessageParam } from '../core/types.js';
import type { SessionView } from '../client/session-memory.js';
import { oneLine } from '../core/text.js';

const BLOCK_LIMIT = 400;

function blockText(block: ContentBlockParam): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'tool_use':
      return `[tool ${block.name} ${JSON.stringify(block.input)}]`;
    case 'tool_result':
      return `[result ${typeof block.content === 'string' ? block.content : JSON.stringify(block.content)}]`;
    default:
      return `[${block.type}]`;
  }
}

function messageLine(m: MessageParam): string {
  const text = typeof m.content === 'string' ? m.content : m.content.map(blockText).join(' ');
  return `  ${m.role}: ${oneLine(text, BLOCK_LIMIT)}`;
}

export function sessionText(view: SessionView): string {
  if (!view.runs.length) return `session ${view.sessionId}: no runs`;
  const lines = [`session ${view.sessionId}: ${view.runs.length} run${view.runs.length === 1 ? '' : 's'}, oldest first`];
  for (const run of view.runs) {
    lines.push('');
    const remembered = run.remembered ? `, remembered ${run.remembered.length ? run.remembered.join(', ') : 'nothing'}` : '';
    lines.push(`run ${run.runId}: ${run.status}, started ${run.startedAt ?? '-'}${remembered}`);
    lines.push(...run.messages.map(messageLine));
  }
  return lines.join('\n');
}
