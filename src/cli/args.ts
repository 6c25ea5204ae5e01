// The CLI's one argument layer: every value a command line gives (flags, positionals, the ports it listens on, the
// tool module it loads) is read through here, and a bad one is a UsageError that names the flag and what it takes:
// one line on stderr and exit 2, never a stack trace or a value that fails later, deeper down.

/** The command line cannot be used as given: main() prints the message on one line and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const WHOLE = /^[+-]?\d+$/;

/** `value` as a whole number of at least `min`; undefined when the flag was not given. */
export function wholeNumber(flag: string, value: string | undefined, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = WHOLE.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} takes a whole number${min > 0 ? ' above 0' : ' from 0'}, got "${value}"`);
  return n;
}

/** A TCP port to listen on or connect to: 1-65535; `fallback` when the flag was not given. */
export function portNumber(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = WHOLE.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`${flag} takes a port (1-65535), got "${value}"`);
  return port;
}

const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'is already in use (another process listens there)',
  EACCES: 'needs privileges this process lacks',
  EADDRNOTAVAIL: 'is not an address of this machine',
  ENOTFOUND: 'names a host that does not resolve',
};

/** Listens with `start`; a port in use (or a host that is not this machine's) is a UsageError naming the flags. */
export async function listening<T>(what: { port: number; host?: string }, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const problem = typeof code === 'string' ? LISTEN_ERRORS[code] : undefined;
    if (problem === undefined) throw err;
    throw new UsageError(`--port ${what.port}${what.host ? ` --host ${what.host}` : ''}: port ${what.port}${what.host ? ` on ${what.host}` : ''} ${problem}`);
  }
}

/** What went wrong in one line: the error's name and message, without its stack. */
export function oneLineError(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.replace(/\s*\n\s*/g, ' ');
}

/** `make()`, whose TypeError (the value of `flag` refused where it is used, e.g. a model id) is a UsageError. */
export function usage<T>(flag: string, make: () => T): T {
  try {
    return make();
  } catch (err) {
    if (err instanceof TypeError) throw new UsageError(`${flag}: ${err.message}`);
    throw err;
  }
}

/** The first positional argument, `what` (e.g. "run id"); a UsageError when there is none. */
export function positional(args: string[], what: string): string {
  const value = args[0];
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}
