// 'anthropic/<model>' as users write it → the Anthropic model id a run records. Pure: clients and workflow code
// (durable-agent/workflow) both read it.
const PROVIDER = 'anthropic/';

export function modelId(model: string): string {
  if (model.startsWith(PROVIDER)) return model.slice(PROVIDER.length);
  if (model.includes('/')) throw new TypeError(`Unsupported model "${model}": durable-agent speaks to Anthropic models ("anthropic/<model>").`);
  if (!model) throw new TypeError('Agent needs a model, e.g. "anthropic/claude-sonnet-4-6".');
  return model;
}
