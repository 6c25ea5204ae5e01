// `--tools <module>`: a user's ES module whose default export (an array) or named exports are tools.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isTool, type Tool } from '../../activities/tool-definition.js';
import { exampleTools } from '../../examples/tools.js';

export async function loadTools(modulePath: string | undefined): Promise<Tool[]> {
  if (!modulePath) return exampleTools;
  const specifier = modulePath.startsWith('.') || modulePath.startsWith('/') ? pathToFileURL(resolve(modulePath)).href : modulePath;
  const mod = (await import(specifier)) as Record<string, unknown>;
  const candidates = Array.isArray(mod.default) ? (mod.default as unknown[]) : Object.values(mod);
  const tools = candidates.flatMap((value) => (Array.isArray(value) ? (value as unknown[]) : [value])).filter(isTool);
  const unique = [...new Map(tools.map((t) => [t.name, t])).values()];
  if (!unique.length) throw new Error(`--tools ${modulePath}: the module exports no tools made with tool({ ... }).`);
  return unique;
}
