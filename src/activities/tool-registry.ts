import { isTool, type Tool } from './tool-definition.js';

export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();

  constructor(tools: Iterable<Tool>) {
    for (const t of tools) {
      if (!isTool(t)) throw new TypeError('createWorker({ tools }) takes tools made with tool({ ... }).');
      if (this.tools.has(t.name)) throw new TypeError(`Two tools are named ${t.name}: tool names must be unique.`);
      this.tools.set(t.name, t);
    }
  }

  get(name: string): Tool | undefined {
    return this.tools.get(name);
  }

  names(): string[] {
    return [...this.tools.keys()];
  }
}
