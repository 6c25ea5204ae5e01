// `durable-agent console`: the operator console (src/server/console/) on its own, against any Temporal server the
// environment names: the runs list, a run's page, and the actions on runs, in bulk too.
import { getClient } from '../../client/connection.js';
import { CONSOLE_TOKEN_ENV, startConsoleServer } from '../../server/console/server.js';
import { listening, portNumber } from '../args.js';
import { command } from '../command.js';
import { untilSignal } from '../signals.js';

/** The console's default port (`dev` serves it there too). */
export const CONSOLE_PORT = 8234;

export const consoleCommand = command({
  name: 'console',
  description:
    'Serve the operator console: the runs (filters, live, paging), a run (steps, transcript, usage, live), and actions: ' +
    'cancel, continue, answer, interrupt, fork with an edit, bulk cancel / continue of a filter. Reads runs through ' +
    `Temporal only. Any host but loopback needs a token (--token or ${CONSOLE_TOKEN_ENV}).`,
  options: {
    port: { type: 'string', value: 'N', help: `the port to listen on (${CONSOLE_PORT})` },
    host: { type: 'string', value: 'HOST', help: 'the host to listen on (127.0.0.1)' },
    token: { type: 'string', value: 'T', help: `the token every request must carry (or ${CONSOLE_TOKEN_ENV})` },
    'web-ui': { type: 'string', value: 'URL', help: "the Temporal Web UI's address, for links to a run there" },
  },
  async run(values) {
    const port = portNumber('--port', values.port, CONSOLE_PORT);
    const client = await getClient();
    const server = await listening({ port, ...(values.host ? { host: values.host } : {}) }, () =>
      startConsoleServer({
        client,
        port,
        ...(values.host ? { host: values.host } : {}),
        ...(values.token ? { token: values.token } : {}),
        ...(values['web-ui'] ? { webUiUrl: values['web-ui'] } : {}),
      }),
    );
    console.log(`operator console on ${server.url}`);
    await untilSignal();
    await server.close();
    return 0;
  },
});
