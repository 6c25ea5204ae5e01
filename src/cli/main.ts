// `durable-agent` command line: one command per file in ./commands, dispatched from the table below, which also makes
// `durable-agent --help`. Adding a command is one file and one entry in COMMANDS.
import { parseArgs } from 'node:util';
import { closeConnections } from '../client/connection.js';
import { DurableAgentError } from '../core/errors.js';
import { UsageError } from './args.js';
import { parseArgsOptions, usageText, type Command } from './command.js';
import { cancel } from './commands/cancel.js';
import { codecServer } from './commands/codec-server.js';
import { consoleCommand } from './commands/console.js';
import { continueRun } from './commands/continue.js';
import { dev } from './commands/dev.js';
import { list } from './commands/list.js';
import { run } from './commands/run.js';
import { serve } from './commands/serve.js';
import { session } from './commands/session.js';
import { show } from './commands/show.js';
import { worker } from './commands/worker.js';
import { MissingApiKeyError } from './model-backend.js';

/** Every command, in the order of `durable-agent --help`. */
const COMMANDS: readonly Command[] = [dev, worker, run, cancel, continueRun, show, list, session, codecServer, serve, consoleCommand];

const FOOTER = `Exit codes: 0 completed, 1 error, 2 usage, 3 cancelled, 4 durable-agent error (e.g. RunNotFoundError), 5 paused.
Environment: TEMPORAL_ADDRESS (localhost:7233), TEMPORAL_NAMESPACE (default), DURABLE_AGENT_TASK_QUEUE
(durable-agent), ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, OPENAI_API_KEY, OPENAI_BASE_URL, DURABLE_AGENT_SEARCH_ATTRIBUTES.
Models: <provider>/<model>: anthropic/…, openai/…, bedrock/… (AWS credentials), vertex/… (Google credentials).
Temporal Cloud / mTLS, as the \`temporal\` CLI reads them: TEMPORAL_API_KEY, TEMPORAL_TLS, TEMPORAL_TLS_CLIENT_CERT_PATH,
TEMPORAL_TLS_CLIENT_KEY_PATH, TEMPORAL_TLS_SERVER_CA_CERT_PATH (or the *_DATA variants), TEMPORAL_TLS_SERVER_NAME,
TEMPORAL_GRPC_META_<HEADER>, and profiles of the config file: TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE.`;

/** node:util parseArgs refusing the command line (an unknown option, a missing value, an unexpected argument). */
function isParseArgsError(err: unknown): err is TypeError {
  const code = err instanceof TypeError ? (err as TypeError & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    console.log(usageText(COMMANDS, FOOTER));
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command "${name}"`);
  if (!command.options) return command.run({}, rest);
  const { values, positionals } = parseArgs({ args: rest, options: parseArgsOptions(command.options), allowPositionals: command.args !== undefined });
  return command.run(values, positionals);
}

main(process.argv.slice(2))
  .then(async (code) => {
    await closeConnections();
    process.exitCode = code;
  })
  .catch(async (err: unknown) => {
    await closeConnections().catch(() => undefined);
    if (err instanceof MissingApiKeyError) {
      console.error(`durable-agent: ${err.message}`);
      process.exitCode = 2;
    } else if (err instanceof UsageError || isParseArgsError(err)) {
      // One line: what is wrong and where the usage is (the whole usage would bury it).
      console.error(`durable-agent: ${err.message.replace(/\s*\n\s*/g, ' ')} (durable-agent --help for the usage)`);
      process.exitCode = 2;
    } else if (err instanceof DurableAgentError) {
      console.error(`${err.name}: ${err.message}`);
      process.exitCode = 4;
    } else {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exitCode = 1;
    }
  });
