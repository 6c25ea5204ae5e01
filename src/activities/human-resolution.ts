// What a human's answer means for a tool call: run it (with their values), skip it with their result, or tell the
// model it was rejected. Kept beside the tool activity so every outcome is still one recorded activity result.
import { z } from 'zod';
import type { ToolCallInput, ToolCallResult } from '../core/types.js';
import type { UserInputCheck } from './contract.js';
import type { Tool } from '../tools/tool-definition.js';
import type { ToolRegistry } from '../tools/tool-registry.js';

export type HumanOutcome = { run: true; input: unknown } | { run: false; result: ToolCallResult };

export function applyHumanResolution(tool: Tool, call: ToolCallInput, serialise: (value: unknown) => string): HumanOutcome {
  const human = call.human;
  if (!human) return { run: true, input: call.input };
  if (tool.human?.kind === 'confirmation' && human.approve === false) {
    const note = human.note ? ` Their note: ${human.note}` : '';
    return { run: false, result: { content: `The user rejected this call to ${tool.name}.${note}`, isError: true } };
  }
  if (tool.human?.kind === 'externalExecution') return { run: false, result: { content: serialise(human.result), isError: false } };
  if (tool.human?.kind === 'userInput' && human.values) {
    const base = typeof call.input === 'object' && call.input !== null ? call.input : {};
    return { run: true, input: { ...base, ...human.values } };
  }
  return { run: true, input: call.input };
}

export function createUserInputCheck(registry: ToolRegistry) {
  return async function checkUserInput({ toolName, values }: UserInputCheck): Promise<string | null> {
    const gate = registry.get(toolName)?.human;
    const schema = gate?.kind === 'userInput' ? gate.schema : undefined;
    if (!schema) return `Tool ${toolName} takes no user input on this worker.`;
    const parsed = schema.safeParse(values);
    return parsed.success ? null : `Invalid input for ${toolName}: ${z.prettifyError(parsed.error)}`;
  };
}
