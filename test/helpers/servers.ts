// Real Temporal servers for tests, installed by scripts/install-*.sh (never downloaded by the SDK, never mocked).
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { installQuietRuntime } from '../../src/worker/quiet-runtime.js';
import { modelSearchAttribute, sessionSearchAttribute, statusSearchAttribute, userSearchAttribute } from '../../src/workflows/definitions.js';

installQuietRuntime();

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TEMPORAL_CLI = `${ROOT}.tools/bin/temporal`;
export const TEST_SERVER = `${ROOT}.tools/test-server/temporal-test-server`;

function requireTool(path: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`make test\` (or npm run install-tools) first.`);
  return path;
}

/** Temporal's Java test server: workflow timers are skipped whenever the workflow waits on nothing else. */
export function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: requireTool(TEST_SERVER) } },
  });
}

/** The Temporal CLI dev server (full server: visibility, search attributes), in memory; `uiPort` also serves the Web UI. */
export function startLocal(options: { dbFilename?: string; port?: number; uiPort?: number; uiCodecEndpoint?: string } = {}): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: requireTool(TEMPORAL_CLI) },
      searchAttributes: [statusSearchAttribute, sessionSearchAttribute, userSearchAttribute, modelSearchAttribute],
      ...(options.dbFilename ? { dbFilename: options.dbFilename } : {}),
      ...(options.port ? { port: options.port } : {}),
      // The SDK starts the dev server `--headless` unless `ui` is true (a uiPort alone is not enough).
      ...(options.uiPort ? { ui: true, uiPort: options.uiPort } : {}),
      extraArgs: [
        '--dynamic-config-value', 'frontend.enableServerVersionCheck=false',
        '--log-level', 'error',
        ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
      ],
    },
  });
}

/** A TCP port nothing listens on right now (for servers that must come back on the same one, or fixed UI ports). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}
