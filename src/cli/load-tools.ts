// `--tools <module>`: a user's ES module whose default export (an array) or named exports are tools, and MCP servers
// connected with connectMcpServer (top-level await), whose tools join the worker's and the task's.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { McpToolServer } from '../tools/mcp-tools.js';
import { isTool, type Tool } from '../tools/tool-definition.js';
import type { ModelProvider } from '../models/providers.js';
import { exampleTools } from '../examples/tools.js';
import { oneLineError, UsageError } from './args.js';

export interface ToolModule {
  /** The module's own tools (the example tools without a module). */
  tools: Tool[];
  /** Its connected MCP servers: the worker serves their tools (createWorker's mcpServers); the caller closes them. */
  mcpServers: McpToolServer[];
  /** Its `models` export: model providers by name (createWorker's `models`), e.g. `{ google: createGoogleGenerativeAI() }`. */
  models: Record<string, ModelProvider>;
}

export async function loadToolModule(modulePath: string | undefined): Promise<ToolModule> {
  if (!modulePath) return { tools: exampleTools, mcpServers: [], models: {} };
  const specifier = modulePath.startsWith('.') || modulePath.startsWith('/') ? pathToFileURL(resolve(modulePath)).href : modulePath;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (err) {
    // A module that is missing, does not compile, or whose MCP server cannot be started (connectMcpServer at its top).
    throw new UsageError(`--tools ${modulePath} could not be loaded: ${oneLineError(err)}`);
  }
  const candidates = (Array.isArray(mod.default) ? (mod.default as unknown[]) : Object.values(mod)).flatMap((value) => (Array.isArray(value) ? (value as unknown[]) : [value]));
  const tools = [...new Map(candidates.filter(isTool).map((t) => [t.name, t])).values()];
  const mcpServers = [...new Set(candidates.filter((value): value is McpToolServer => value instanceof McpToolServer))];
  if (!tools.length && !mcpServers.length) {
    throw new UsageError(`--tools ${modulePath}: the module exports no tools made with tool({ ... }) and no MCP server from connectMcpServer().`);
  }
  const models = mod.models && typeof mod.models === 'object' && !Array.isArray(mod.models) ? (mod.models as Record<string, ModelProvider>) : {};
  return { tools, mcpServers, models };
}

/** Every tool a task can name: the module's own and its MCP servers' (as each server last listed them). */
export function taskTools(module: ToolModule): Tool[] {
  return [...module.tools, ...module.mcpServers.flatMap((server) => server.tools())];
}

/** Closes the module's MCP connections (a stdio server's process would keep the CLI alive). */
export async function closeToolModule(module: ToolModule): Promise<void> {
  await Promise.all(module.mcpServers.map((server) => server.close()));
}
