// A node:http server of durable-agent's own (`serve`, `console`) listening on host:port: where it listens (its URL,
// with an IPv6 host in brackets), and a close that ends the open connections (SSE streams) instead of waiting for them.
import type { RequestListener } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listening server: where, and how to stop it. */
export interface ListeningServer {
  url: string;
  port: number;
  /** Stops listening and ends the open connections. */
  close(): Promise<void>;
}

/** Listens with `listener` on `host:port` (port 0: any free one); rejects as listen() fails (EADDRINUSE...). */
export async function listen(listener: RequestListener, host: string, port = 0): Promise<ListeningServer> {
  const server = createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${bound}`,
    port: bound,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
