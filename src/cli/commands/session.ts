// `durable-agent session show <sessionId>`: a session's runs and their conversations.
import { getClient } from '../../client/connection.js';
import { readSession } from '../../client/session-memory.js';
import { positional, UsageError } from '../args.js';
import { command } from '../command.js';
import { sessionText } from '../session-format.js';

export const session = command({
  name: 'session',
  args: 'show <sessionId>',
  description: "The session's runs, oldest first, and each one's conversation.",
  async run(_values, [sub, ...args]) {
    if (sub !== 'show') throw new UsageError('durable-agent session show <sessionId>');
    console.log(sessionText(await readSession(await getClient(), positional(args, 'session id'))));
    return 0;
  },
});
