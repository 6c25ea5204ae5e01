// The durable-agent CLI as a child process, the way a user runs it: output collected, exit awaited.
import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from './servers.js';

export interface CliProcess {
  child: ChildProcess;
  pid: number;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

const spawned: ChildProcess[] = [];

/** Runs `bin/durable-agent.js ...args` from the repository root (or `command` instead of the repo's bin). */
export function startCli(env: NodeJS.ProcessEnv, args: string[], options: { command?: string[]; cwd?: string } = {}): CliProcess {
  const [file, ...prefix] = options.command ?? [process.execPath, 'bin/durable-agent.js'];
  const child = spawn(file!, [...prefix, ...args], { cwd: options.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  spawned.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, pid: child.pid!, stdout: () => out, stderr: () => err, exit };
}

export async function finished(cli: CliProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const code = await cli.exit;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** SIGKILLs every CLI process this file started that is still alive (call it in `after`). */
export function killCliProcesses(): void {
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/**
 * The environment of a CLI process that works with a harness's server and task queue: from the sources (not a possibly
 * stale dist/ build), with the DurableAgent* search attributes, and without an Anthropic key of the machine's.
 */
export function cliEnv(server: { address: string }, taskQueue: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: server.address,
    DURABLE_AGENT_TASK_QUEUE: taskQueue,
    DURABLE_AGENT_SEARCH_ATTRIBUTES: 'true',
    DURABLE_AGENT_CLI_SOURCE: '1',
  };
  delete env.ANTHROPIC_API_KEY;
  return env;
}
