// A TLS-terminating gRPC proxy in front of a Temporal server, the way an mTLS cluster or Temporal Cloud looks to a
// client: Debian's nginx (scripts/install-nginx.sh) with `grpc_pass`, client certificates checked against a CA made
// here with openssl, and an API key checked in the `authorization` header. Loopback only, its own prefix in a temp folder.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './servers.js';

export const NGINX = '/usr/sbin/nginx';
export const OPENSSL = '/usr/bin/openssl';
/** The name in the server certificate (clients reach 127.0.0.1 and set TEMPORAL_TLS_SERVER_NAME to it). */
export const SERVER_NAME = 'temporal.test';

/** Why the proxy cannot run here, or undefined when it can. */
export function tlsProxyUnavailable(): string | undefined {
  if (!existsSync(NGINX)) return `${NGINX} is missing (scripts/install-nginx.sh installs Debian's nginx)`;
  if (!existsSync(OPENSSL)) return `${OPENSSL} is missing`;
  return undefined;
}

function openssl(dir: string, args: string[]): void {
  execFileSync(OPENSSL, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function newKey(dir: string, name: string): void {
  openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`]);
}

/** A CA (`<name>-ca.pem`, `<name>-ca.key`) in `dir`. */
export function makeCa(dir: string, name: string): { cert: string; key: string } {
  newKey(dir, `${name}-ca`);
  openssl(dir, ['req', '-x509', '-new', '-key', `${name}-ca.key`, '-out', `${name}-ca.pem`, '-days', '2', '-subj', `/CN=${name} test CA`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  return { cert: join(dir, `${name}-ca.pem`), key: join(dir, `${name}-ca.key`) };
}

/** A leaf certificate `<name>.pem` / `<name>.key` signed by `ca`, for a server (SERVER_NAME, 127.0.0.1) or a client. */
export function makeLeaf(dir: string, name: string, ca: { cert: string; key: string }, role: 'server' | 'client'): { cert: string; key: string } {
  newKey(dir, name);
  openssl(dir, ['req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${role === 'server' ? SERVER_NAME : name}`]);
  const ext = role === 'server'
    ? `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${SERVER_NAME},IP:127.0.0.1\n`
    : 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n';
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`]);
  return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) };
}

export interface TlsProxy {
  /** host:port clients connect to. */
  address: string;
  /** The requests nginx served so far: `<status> <path>` per line, e.g. `200 /temporal.api.workflowservice.v1.WorkflowService/StartWorkflowExecution`. */
  requests(): string[];
  stop(): Promise<void>;
}

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/**
 * nginx in the foreground on a free loopback port: TLS with `server`, client certificates required and verified
 * against `clientCa`, `authorization: Bearer <apiKey>` required (else HTTP 403, which gRPC reads as PERMISSION_DENIED),
 * then `grpc_pass` to `upstream` (plain gRPC).
 */
export async function startTlsProxy(options: { dir: string; upstream: string; server: { cert: string; key: string }; clientCa: string; apiKey: string }): Promise<TlsProxy> {
  const prefix = join(options.dir, 'nginx');
  mkdirSync(join(prefix, 'tmp'), { recursive: true });
  const port = await freePort();
  const log = join(prefix, 'access.log');
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, `daemon off;
master_process off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 512; }
http {
  log_format grpc '$status $uri';
  access_log ${log} grpc;
  client_body_temp_path ${prefix}/tmp/body;
  proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi;
  scgi_temp_path ${prefix}/tmp/scgi;
  client_max_body_size 0;
  server {
    listen 127.0.0.1:${port} ssl http2;
    ssl_certificate ${options.server.cert};
    ssl_certificate_key ${options.server.key};
    ssl_client_certificate ${options.clientCa};
    ssl_verify_client on;
    location / {
      if ($http_authorization != "Bearer ${options.apiKey}") { return 403; }
      # Workers long-poll for about a minute.
      grpc_read_timeout 300s;
      grpc_send_timeout 300s;
      grpc_pass grpc://${options.upstream};
    }
  }
}
`);
  const child: ChildProcess = spawn(NGINX, ['-p', prefix, '-c', conf, '-e', join(prefix, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      const errors = existsSync(join(prefix, 'error.log')) ? readFileSync(join(prefix, 'error.log'), 'utf8') : '';
      throw new Error(`nginx did not listen on 127.0.0.1:${port}: ${stderr}${errors}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    address: `127.0.0.1:${port}`,
    requests: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
