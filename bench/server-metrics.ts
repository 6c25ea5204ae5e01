// The bench's Temporal dev server's own Prometheus metrics: the CLI picks the metrics port itself, so it is found
// among the ports the server process listens on (the one whose /metrics answers with Temporal's request counters).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const file of [`/proc/${pid}/net/tcp`, `/proc/${pid}/net/tcp6`]) {
    let lines: string[];
    try {
      lines = readFileSync(file, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      // local_address rem_address st ... inode (field 9); st 0A = LISTEN
      if (f.length > 9 && f[3] === '0A' && inodes.has(f[9]!)) ports.push(parseInt(f[1]!.split(':')[1]!, 16));
    }
  }
  return [...new Set(ports)];
}

/** The URL of the server's /metrics, or undefined when none of its ports serves Temporal's metrics. */
export async function serverMetricsUrl(pid: number): Promise<string | undefined> {
  for (const port of listeningPorts(pid)) {
    const url = `http://127.0.0.1:${port}/metrics`;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok && (await response.text()).includes('service_requests')) return url;
    } catch {
      // not HTTP
    }
  }
  return undefined;
}

/**
 * Requests clients made so far for these operations: the frontend's `service_requests` counter (the dev server runs
 * every service in one process, and the history service counts the calls the frontend forwards to it under the same
 * operation names).
 */
export async function requestCount(url: string, operations: string[]): Promise<number> {
  const text = await (await fetch(url)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('service_requests{') || !line.includes('service_name="frontend"')) continue;
    const operation = /operation="([^"]+)"/.exec(line)?.[1];
    if (operation && operations.includes(operation)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
