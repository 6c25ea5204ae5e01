// A CLI command: its name, arguments, options (each with its help) and what it runs. main() dispatches on a table of
// these and builds `durable-agent --help` from it, so the usage cannot drift from the options the parser accepts.
import type { ParseArgsConfig } from 'node:util';

/** One `--flag`: node:util parseArgs' type (and `multiple`), the placeholder of its value in the usage, its help. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** The value's placeholder in the usage (`--port N`); string options only. */
  value?: string;
  help: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

type Scalar<T> = T extends 'boolean' ? boolean : string;
type Many<M, V> = M extends true ? V[] : V;
type ValueOf<S extends OptionSpec> = Many<S['multiple'], Scalar<S['type']>>;

/** The parsed values of `O`, as parseArgs gives them: a flag not on the command line is absent. */
export type Values<O extends OptionSpecs> = { [K in keyof O]?: ValueOf<O[K]> };

export interface Command<O extends OptionSpecs = OptionSpecs> {
  name: string;
  /** The positional arguments as the usage shows them (`<runId>`); without it a positional is a usage error. */
  args?: string;
  description: string;
  /** Parsed by main() (an unknown option or a missing value is a usage error); without options the command reads its
   *  arguments as given. */
  options?: O;
  /** The process' exit code (0 completed, 1 error, 3 cancelled, 5 paused; main() maps errors to 1, 2 and 4). */
  run(values: Values<O>, positionals: string[]): Promise<number>;
}

/** A command with its options' value types kept (for `run`'s `values`). */
export function command<const O extends OptionSpecs>(spec: Command<O>): Command<O> {
  return spec;
}

/** The parser's view of a command's options. */
export function parseArgsOptions(options: OptionSpecs): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(Object.entries(options).map(([flag, { type, multiple }]) => [flag, multiple ? { type, multiple } : { type }]));
}

const WIDTH = 118;
const INDENT = ' '.repeat(12);

/** `words` joined by spaces into lines of at most WIDTH columns, the first after `first`, the others after `indent`. */
function wrap(words: string[], first: string, indent: string): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of words) {
    if (!empty && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = indent;
      empty = true;
    }
    line += `${empty ? '' : ' '}${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

function flag(name: string, spec: OptionSpec): string {
  return `--${name}${spec.type === 'string' ? ` ${spec.value ?? 'TEXT'}` : ''}`;
}

/** A command's lines of the usage: name and synopsis, what it does, then one line per option. */
export function commandUsage(cmd: Command): string[] {
  const options = Object.entries(cmd.options ?? {});
  const synopsis = [...(cmd.args ? [cmd.args] : []), ...options.map(([name, spec]) => `[${flag(name, spec)}]${spec.multiple ? '...' : ''}`)];
  const flags = options.map(([name, spec]) => flag(name, spec));
  const column = Math.max(0, ...flags.map((f) => f.length)) + 2;
  return [
    ...wrap(synopsis, `  ${cmd.name.padEnd(INDENT.length - 3)} `, INDENT),
    ...wrap(cmd.description.split(' '), INDENT, INDENT),
    ...options.flatMap(([, spec], i) => wrap(spec.help.split(' '), `${INDENT}  ${flags[i]!.padEnd(column)}`, `${INDENT}  ${' '.repeat(column)}`)),
  ];
}

/** `durable-agent --help`: every command of the table, then `footer`. */
export function usageText(commands: readonly Command[], footer: string): string {
  return ['durable-agent <command> [options]', '', ...commands.flatMap((cmd) => [...commandUsage(cmd), '']), footer].join('\n');
}
