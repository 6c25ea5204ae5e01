// `durable-agent serve`: runs' event streams over HTTP (SSE) and a live page per run.
import { getClient } from '../../client/connection.js';
import { startRunEventsServer } from '../../server/run-events-server.js';
import { listening, portNumber } from '../args.js';
import { command } from '../command.js';
import { untilSignal } from '../signals.js';

export const serve = command({
  name: 'serve',
  description:
    "Serve runs' event streams over HTTP: GET /runs/<runId>/events?from=<offset> (Server-Sent Events, Last-Event-ID " +
    'resumes) and a live page at GET /runs/<runId>. Any host but loopback needs a token, sent as ' +
    '"Authorization: Bearer <token>" or ?token=.',
  options: {
    port: { type: 'string', value: 'N', help: 'the port to listen on (8787)' },
    host: { type: 'string', value: 'HOST', help: 'the host to listen on (127.0.0.1)' },
    token: { type: 'string', value: 'T', help: 'the token clients must send (or DURABLE_AGENT_SERVE_TOKEN)' },
  },
  async run(values) {
    const port = portNumber('--port', values.port, 8787);
    const client = await getClient();
    const server = await listening({ port, ...(values.host ? { host: values.host } : {}) }, () =>
      startRunEventsServer({ client, port, ...(values.host ? { host: values.host } : {}), ...(values.token ? { token: values.token } : {}) }),
    );
    console.log(`serving run events on ${server.url}: GET /runs/<runId> (live page), GET /runs/<runId>/events?from=<offset> (SSE)`);
    await untilSignal();
    await server.close();
    return 0;
  },
});
