// Which Anthropic endpoint a worker started from the CLI talks to, said out loud:
// - `--offline`: the project's Anthropic-compatible fake with scripted answers (the demo's responder);
// - ANTHROPIC_API_KEY set: the Anthropic API, or the endpoint ANTHROPIC_BASE_URL names;
// - neither: `worker` refuses to start (a production worker must never answer with a scripted model), while `dev`
//   falls back to the offline fake and says so.
import type { AnthropicSettings } from '../../activities/index.js';
import { demoResponder } from '../../testing/fake-anthropic/demo-responder.js';
import { FakeAnthropicServer } from '../../testing/fake-anthropic/index.js';

export interface ModelBackend {
  settings: AnthropicSettings | undefined;
  description: string;
  close(): Promise<void>;
}

/** `durable-agent worker` without a key and without `--offline`. */
export class MissingApiKeyError extends Error {
  override name = 'MissingApiKeyError';
  constructor() {
    super(
      'ANTHROPIC_API_KEY is not set, so this worker could not call the model. Set it (and ANTHROPIC_BASE_URL for another ' +
        'Anthropic-compatible endpoint), or pass --offline to answer with the scripted offline model instead.',
    );
  }
}

export interface ModelBackendOptions {
  /** Use the scripted offline model whatever the environment says. */
  offline?: boolean;
  /** Without ANTHROPIC_API_KEY: refuse (`worker`) rather than fall back to the offline model (`dev`). */
  requireKey?: boolean;
}

export async function resolveModelBackend(options: ModelBackendOptions = {}): Promise<ModelBackend> {
  if (!options.offline && process.env.ANTHROPIC_API_KEY) {
    const endpoint = process.env.ANTHROPIC_BASE_URL;
    return {
      settings: undefined,
      description: endpoint
        ? `the Anthropic-compatible endpoint ${endpoint} (ANTHROPIC_BASE_URL; key from ANTHROPIC_API_KEY)`
        : 'Claude through the Anthropic API (ANTHROPIC_API_KEY is set)',
      close: async () => undefined,
    };
  }
  if (!options.offline && options.requireKey) throw new MissingApiKeyError();
  const fake = await FakeAnthropicServer.start({ responder: demoResponder });
  const why = options.offline ? '--offline' : 'no ANTHROPIC_API_KEY set';
  return {
    settings: { baseURL: fake.url, apiKey: 'offline-fake' },
    description: `the offline Anthropic-compatible fake at ${fake.url} (${why}; answers are scripted)`,
    close: () => fake.close(),
  };
}
