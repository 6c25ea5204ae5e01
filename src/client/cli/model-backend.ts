// Which Anthropic endpoint a worker started from the CLI talks to: Claude when ANTHROPIC_API_KEY is set,
// ANTHROPIC_BASE_URL when given, else the project's offline Anthropic-compatible fake (said out loud).
import type { AnthropicSettings } from '../../activities/index.js';
import { demoResponder } from '../../testing/fake-anthropic/demo-responder.js';
import { FakeAnthropicServer } from '../../testing/fake-anthropic/index.js';

export interface ModelBackend {
  settings: AnthropicSettings | undefined;
  description: string;
  close(): Promise<void>;
}

export async function resolveModelBackend(): Promise<ModelBackend> {
  if (process.env.ANTHROPIC_API_KEY) {
    return { settings: undefined, description: 'Claude (ANTHROPIC_API_KEY is set)', close: async () => undefined };
  }
  if (process.env.ANTHROPIC_BASE_URL) {
    return {
      settings: { baseURL: process.env.ANTHROPIC_BASE_URL, apiKey: 'not-needed' },
      description: `the Anthropic-compatible endpoint ${process.env.ANTHROPIC_BASE_URL}`,
      close: async () => undefined,
    };
  }
  const fake = await FakeAnthropicServer.start({ responder: demoResponder });
  return {
    settings: { baseURL: fake.url, apiKey: 'offline-fake' },
    description: `the offline Anthropic-compatible fake at ${fake.url} (no ANTHROPIC_API_KEY set; answers are scripted)`,
    close: () => fake.close(),
  };
}
