// The one model call the bench's baselines make with the Anthropic SDK, as the model activity makes it: a
// messages.stream() against the fake server with the bench's `instant` tool, read to the final message. Used by the
// model-client process (its CPU alone) and by the no-op workers whose activities make the agent's model calls.
import Anthropic from '@anthropic-ai/sdk';

const tools: Anthropic.Tool[] = [{ name: 'instant', description: 'Returns at once.', input_schema: { type: 'object', properties: { n: { type: 'integer' } } } }];
const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Call instant ten times.' }];

export function benchAnthropic(fakeUrl: string): Anthropic {
  return new Anthropic({ apiKey: 'bench-key', baseURL: fakeUrl, maxRetries: 0 });
}

export async function streamModelCall(client: Anthropic): Promise<Anthropic.Message> {
  const stream = client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 4096, messages, tools });
  for await (const event of stream) void event;
  return stream.finalMessage();
}

/**
 * The no-op loop's activity with the agent's model calls in it: one on each even-numbered activity, as the agent's
 * model steps fall (11 in 21 steps). For the in-process worker of the round trips and the worker process of the CPU.
 */
export function noopWithModelCalls(client: Anthropic): (index: number) => Promise<number> {
  return async (index) => {
    if (index % 2 === 0) await streamModelCall(client);
    return index;
  };
}
