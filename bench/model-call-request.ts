// The one model call the bench's baselines make with the Anthropic SDK, as the model activity makes it: a
// messages.stream() against the fake server with the bench's `instant` tool, read to the final message. Used by the
// model-client process (its CPU alone) and by the no-op worker whose activities make the agent's model calls.
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
