// `durable-agent list`: the runs' executions, by session, user, status or model (search attributes).
import { getClient } from '../../client/connection.js';
import { runQuery } from '../../client/run-list.js';
import type { RunStop } from '../../core/types.js';
import { statusSearchAttribute } from '../../workflows/definitions.js';
import { wholeNumber } from '../args.js';
import { command } from '../command.js';

export const list = command({
  name: 'list',
  description: "The runs' executions, one line each: a continued run shows its cancelled execution and its continuation.",
  options: {
    session: { type: 'string', value: 'S', help: "the session's runs" },
    user: { type: 'string', value: 'U', help: "the user's runs" },
    status: { type: 'string', value: 'S', help: 'runs with this status (running, completed, cancelled, paused, error)' },
    model: { type: 'string', value: 'M', help: 'runs of this model (claude-sonnet-4-6, openai/gpt-5); needs DurableAgentModel registered' },
    limit: { type: 'string', value: 'N', help: 'at most N lines (50)' },
  },
  async run(values) {
    const query = runQuery({
      ...(values.session ? { sessionId: values.session } : {}),
      ...(values.user ? { userId: values.user } : {}),
      ...(values.status ? { status: values.status } : {}),
      ...(values.model ? { model: values.model } : {}),
    });
    const client = await getClient();
    const limit = wholeNumber('--limit', values.limit) ?? 50;
    let count = 0;
    // One line per execution: a continued run shows its cancelled execution and its continuation.
    console.log(['run id', 'status', 'execution', 'started', 'task', 'stop'].join('\t'));
    for await (const wf of client.workflow.list({ query })) {
      // Runs started without search attributes have no agent status: fall back to Temporal's.
      const status = wf.typedSearchAttributes.get(statusSearchAttribute) ?? wf.status.name.toLowerCase();
      const memo = (wf.memo ?? {}) as { task?: string; stop?: RunStop };
      const stop = memo.stop ? `${memo.stop.reason}${memo.stop.limit ? ` (${memo.stop.limit})` : ''}: ${memo.stop.message}` : '';
      console.log([wf.workflowId, status, `${wf.runId} ${wf.status.name}`, wf.startTime.toISOString(), memo.task ?? '', stop].join('\t'));
      if (++count >= limit) break;
    }
    return 0;
  },
});
