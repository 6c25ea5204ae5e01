// The worker's tools by name, and the one failure for a run that names a tool this worker lacks.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { FailureTypes } from '../core/types.js';
import { isTool, type Tool } from './tool-definition.js';

/** Tools that change while the worker runs (an MCP server's): looked up by name at each use. */
export interface ToolSource {
  tool(name: string): Tool | undefined;
  tools(): Tool[];
}

export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();

  constructor(
    tools: Iterable<Tool>,
    private readonly sources: ToolSource[] = [],
  ) {
    for (const t of tools) {
      if (!isTool(t)) throw new TypeError('createWorker({ tools }) takes tools made with tool({ ... }).');
      if (this.tools.has(t.name)) throw new TypeError(`Two tools are named ${t.name}: tool names must be unique.`);
      this.tools.set(t.name, t);
    }
    // An agentTool brings its agent's tools: the inner run resolves them on this worker too.
    const pending = [...this.tools.values()].flatMap((t) => t.subTools ?? []);
    for (let sub = pending.shift(); sub; sub = pending.shift()) {
      const known = this.tools.get(sub.name);
      if (known === sub) continue;
      if (known) throw new TypeError(`Two tools are named ${sub.name} (one is an agentTool's): tool names must be unique.`);
      this.tools.set(sub.name, sub);
      pending.push(...(sub.subTools ?? []));
    }
  }

  all(): Tool[] {
    return [...this.tools.values()];
  }

  get(name: string): Tool | undefined {
    return this.tools.get(name) ?? this.sources.reduce<Tool | undefined>((found, source) => found ?? source.tool(name), undefined);
  }

  names(): string[] {
    return [...new Set([...this.tools.keys(), ...this.sources.flatMap((s) => s.tools().map((t) => t.name))])];
  }

  /** The tool, or ToolNotRegisteredError (non-retryable) naming it, the task queue and the tools this worker has. */
  require(name: string): Tool {
    const found = this.get(name);
    if (found) return found;
    throw this.notRegistered([name]);
  }

  /** ToolNotRegisteredError for tools a run names that this worker lacks. */
  notRegistered(names: string[]): ApplicationFailure {
    const which = names.length === 1 ? `tool "${names[0]}"` : `tools ${names.map((n) => `"${n}"`).join(', ')}`;
    return ApplicationFailure.create({
      type: FailureTypes.toolNotRegistered,
      nonRetryable: true,
      message:
        `The run names ${which} but the worker polling task queue "${Context.current().info.taskQueue}" has no such tool ` +
        `(it has: ${this.names().join(', ') || 'no tools'}). Pass it to createWorker({ tools: [...] }).`,
    });
  }
}
