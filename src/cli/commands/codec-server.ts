// `durable-agent codec-server`: decrypt and inflate payloads for the Web UI.
import { startCodecServer } from '../../server/codec-server.js';
import { listening, portNumber } from '../args.js';
import { command } from '../command.js';
import { untilSignal } from '../signals.js';

export const codecServer = command({
  name: 'codec-server',
  description: 'Decrypt and inflate payloads for the Web UI (DURABLE_AGENT_CODEC_KEY, DURABLE_AGENT_COMPRESSION, DURABLE_AGENT_CODEC_TOKEN).',
  options: {
    port: { type: 'string', value: 'N', help: 'the port to listen on (8888)' },
    host: { type: 'string', value: 'HOST', help: 'the host to listen on (127.0.0.1)' },
    'cors-origin': { type: 'string', value: 'ORIGINS', help: 'comma-separated origins of the Web UIs that may call it (http://localhost:8233)' },
  },
  async run(values) {
    const port = portNumber('--port', values.port, 8888);
    const server = await listening({ port, ...(values.host ? { host: values.host } : {}) }, () =>
      startCodecServer({
        port,
        ...(values.host ? { host: values.host } : {}),
        ...(values['cors-origin'] ? { corsOrigin: values['cors-origin'].split(',') } : {}),
      }),
    );
    console.log(`codec server on ${server.url} (POST /decode, POST /encode): Web UI → Settings → Codec Server`);
    await untilSignal();
    await server.close();
    return 0;
  },
});
