// Starts the pinned Temporal CLI dev server (SQLite file, Web UI) for `durable-agent dev` and the demo.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SEARCH_ATTRIBUTES } from '../core/types.js';

export interface DevServerOptions {
  dbFilename: string;
  port?: number;
  uiPort?: number;
  /** Path of the `temporal` binary; default TEMPORAL_CLI_PATH, the project's .tools/bin/temporal, then PATH. */
  binary?: string;
  /** A codec endpoint the Web UI sends payloads to for decoding (`--ui-codec-endpoint`). */
  uiCodecEndpoint?: string;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  /** False when a server was already listening on the port and was reused. */
  started: boolean;
  stop(): Promise<void>;
}

export function temporalBinary(): string {
  if (process.env.TEMPORAL_CLI_PATH) return process.env.TEMPORAL_CLI_PATH;
  const bundled = fileURLToPath(new URL('../../.tools/bin/temporal', import.meta.url));
  return existsSync(bundled) ? bundled : 'temporal';
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const port = options.port ?? 7233;
  const uiPort = options.uiPort ?? 8233;
  const address = `127.0.0.1:${port}`;
  const uiUrl = `http://127.0.0.1:${uiPort}`;
  if (await listening(port)) return { address, uiUrl, started: false, stop: async () => undefined };

  mkdirSync(dirname(options.dbFilename), { recursive: true });
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--ui-port', String(uiPort),
    '--db-filename', options.dbFilename,
    '--log-level', 'error',
    // No outbound calls from the dev server.
    '--dynamic-config-value', 'frontend.enableServerVersionCheck=false',
    // The dev server's single shard hands new tasks to matching at most 20 times a second by default, which paces
    // any run at ~100 ms a step (measured by `npm run bench`); a development server can afford to poll faster.
    '--dynamic-config-value', 'history.transferProcessorMaxPollRPS=1000',
    ...Object.values(SEARCH_ATTRIBUTES).flatMap((name) => ['--search-attribute', `${name}=Keyword`]),
    ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
  ];
  const child: ChildProcess = spawn(options.binary ?? temporalBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.once('error', (err) => {
    stderr += `\n${err.message} (is the Temporal CLI installed? run \`make setup\`)`;
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (await listening(port)) break;
    if (child.exitCode !== null || child.signalCode !== null || stderr.includes('ENOENT')) {
      throw new Error(`Temporal dev server did not start:\n${stderr.trim()}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Temporal dev server did not listen on ${address} within 60 s:\n${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    address,
    uiUrl,
    started: true,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
