// `durable-agent dev`: the Temporal dev server (SQLite file, Web UI) and a worker with the example tools.
import { resolve } from 'node:path';
import { CODEC_KEY_ENV } from '../../codec/aes-gcm-codec.js';
import { CodecChain } from '../../codec/codec-chain.js';
import { startCodecServer } from '../../server/codec-server.js';
import { envCodecs } from '../../codec/env-codecs.js';
import { COMPRESSION_ENV } from '../../codec/zlib-codec.js';
import { getClient } from '../../client/connection.js';
import { startConsoleServer } from '../../server/console/server.js';
import { listening, oneLineError, portNumber } from '../args.js';
import { command } from '../command.js';
import { startDevServer } from '../dev-server.js';
import { runWorkerUntilSignal } from '../worker-process.js';
import { CONSOLE_PORT } from './console.js';

export const dev = command({
  name: 'dev',
  description:
    'Start the Temporal dev server (SQLite file, Web UI) and a worker with the example tools ' +
    '(anthropic/ with ANTHROPIC_API_KEY, openai/ with OPENAI_API_KEY, else the scripted offline models).',
  options: {
    db: { type: 'string', value: 'FILE', help: "the dev server's SQLite file (.data/temporal.db)" },
    port: { type: 'string', value: 'N', help: 'its gRPC port (7233)' },
    'ui-port': { type: 'string', value: 'N', help: 'its Web UI port (8233)' },
    tools: { type: 'string', value: 'MODULE', help: "the worker's tools: a module's tools and MCP servers (else the example tools)" },
    offline: { type: 'boolean', help: 'the scripted offline models, even with an API key' },
    'console-port': { type: 'string', value: 'N', help: `the operator console's port on 127.0.0.1 (${CONSOLE_PORT}; 0 for none)` },
  },
  async run(values) {
    const uiPort = portNumber('--ui-port', values['ui-port'], 8233);
    const port = portNumber('--port', values.port, 7233);
    const consolePort = values['console-port']?.trim() === '0' ? 0 : portNumber('--console-port', values['console-port'], CONSOLE_PORT);
    // Encrypted or compressed payloads stay readable in the dev Web UI: a loopback codec endpoint that trusts only that UI.
    const codecs = envCodecs();
    const codec = codecs.codecs.length
      ? await startCodecServer({ codec: new CodecChain(codecs.codecs), trustedLocalOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`] })
      : undefined;
    try {
      const server = await startDevServer({
        dbFilename: resolve(values.db ?? '.data/temporal.db'),
        port,
        uiPort,
        ...(codec ? { uiCodecEndpoint: codec.url } : {}),
      });
      console.log(`Temporal dev server ${server.started ? 'started' : 'already running'} at ${server.address}; Web UI: ${server.uiUrl}`);
      if (codec) {
        const what = [...(codecs.compression ? [`compressed (${COMPRESSION_ENV})`] : []), ...(codecs.encryption ? [`encrypted (${CODEC_KEY_ENV})`] : [])].join(' and ');
        console.log(`payloads are ${what}; the Web UI reads them through the codec endpoint ${codec.url}`);
      }
      process.env.DURABLE_AGENT_SEARCH_ATTRIBUTES ??= 'true';
      // The operator console on loopback (no token needed there), reading this dev server, linking to its Web UI.
      // A console port in use costs the console, not the dev server and its worker.
      const consoleServer = consolePort
        ? await listening({ port: consolePort }, async () =>
            startConsoleServer({ client: await getClient({ address: server.address, tls: false }), port: consolePort, webUiUrl: server.uiUrl }),
          ).catch((err: unknown) => {
            console.log(`operator console not started: ${oneLineError(err)} (--console-port N picks another port)`);
            return undefined;
          })
        : undefined;
      if (consoleServer) console.log(`operator console: ${consoleServer.url}`);
      try {
        await runWorkerUntilSignal(values.tools, { offline: values.offline ?? false }, { address: server.address, tls: false });
      } finally {
        await consoleServer?.close();
        await server.stop();
      }
    } finally {
      // Also when the dev server fails to start: the codec endpoint would keep the process alive.
      await codec?.close();
    }
    return 0;
  },
});
