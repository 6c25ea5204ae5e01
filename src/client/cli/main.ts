// `durable-agent` command line: dev, worker, run, cancel, continue, show, list.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent } from '../agent.js';
import { closeConnections, getClient } from '../connection.js';
import { DurableAgentError } from '../../core/errors.js';
import { cancelRun, getRunOutput } from '../run-control.js';
import { Task } from '../task.js';
import { modelId } from '../../core/model-id.js';
import { createWorker } from '../../worker/create-worker.js';
import { DEFAULT_SHUTDOWN_SIGNALS } from '../../worker/graceful-shutdown.js';
import { METRICS_PORT_ENV } from '../../worker/quiet-runtime.js';
import { SEARCH_ATTRIBUTES, WORKFLOW_TYPE, type Requirement, type RequirementResolution, type RunOutput, type RunStatus, type RunStop } from '../../core/types.js';
import { CODEC_KEY_ENV } from '../../codec/aes-gcm-codec.js';
import { CodecChain } from '../../codec/codec-chain.js';
import { envCodecs } from '../../codec/env-codecs.js';
import { COMPRESSION_ENV } from '../../codec/zlib-codec.js';
import { startCodecServer } from '../../server/codec-server.js';
import { statusSearchAttribute } from '../../workflows/definitions.js';
import { installQuietRuntime } from '../../worker/quiet-runtime.js';
import { startDevServer } from './dev-server.js';
import { outputSummary, stepsTable } from './format.js';
import { limitsFrom, LIMIT_FLAGS } from './limit-flags.js';
import { closeToolModule, loadToolModule, taskTools, type ToolModule } from './load-tools.js';
import type { Tool } from '../../tools/tool-definition.js';
import { MissingApiKeyError, resolveModelBackend, type ModelBackendOptions } from './model-backend.js';
import { followProgress } from './progress.js';
import { logEnd } from '../run-stream.js';
import { readSession } from '../session-memory.js';
import { sessionText } from './session-format.js';
import { startRunEventsServer } from '../../server/run-events-server.js';
import type { RunHandle } from '../agent.js';
import { listening, portNumber, usage, UsageError, wholeNumber } from './args.js';

const USAGE = `durable-agent <command> [options]

  dev       [--db FILE] [--port 7233] [--ui-port 8233] [--tools MODULE] [--offline]
            Start the Temporal dev server (SQLite file, Web UI) and a worker with the example tools
            (anthropic/ with ANTHROPIC_API_KEY, openai/ with OPENAI_API_KEY, else the scripted offline models).
  worker    [--tools MODULE] [--offline] [--metrics-port N]
            Run a worker (TEMPORAL_ADDRESS, DURABLE_AGENT_TASK_QUEUE). Needs ANTHROPIC_API_KEY or OPENAI_API_KEY,
            or --offline for the scripted offline models; a --tools module's \`models\` export adds AI SDK providers. --metrics-port (or DURABLE_AGENT_METRICS_PORT) serves Prometheus metrics
            at /metrics; OTEL_EXPORTER_OTLP_ENDPOINT turns on OpenTelemetry traces.
  run       "<task>" [--tools MODULE] [--session S] [--memory] [--user U] [--model M] [--fallback M]... [--max-steps N]
            Start a run, print its id, follow its steps, print the result. --memory: the run starts after the
            conversation of the session's earlier runs.
  cancel    <runId> [--after-step] [--reason TEXT]
            Cancel a running run: at once, or --after-step (running steps finish and keep their results).
  continue  <runId> [--from-step K] [--task-queue Q] [--message TEXT] [--model M]
            Continue a cancelled or stopped run from where it stopped (or fork it from step K), on the run's own
            task queue unless --task-queue moves it; --message adds a user message the model reads next;
            --model continues it on another model, of any provider (e.g. openai/gpt-5).
            [--timeout-ms N] [--max-input-tokens N] [--max-output-tokens N] [--step-budget N] [--max-wall-time-ms N]
            New limits for the run (e.g. a raised budget after a budget stop); run takes them too.
            [--approve ID] [--reject ID --note TEXT] [--input ID=JSON] [--result ID=JSON]
            Answer what a paused run waits for (see \`show\`); repeat a flag for several answers.
  show      <runId>                     Steps table and result of a run.
  list      [--session S] [--user U] [--status S] [--limit N]
  session   show <sessionId>            The session's runs, oldest first, and each one's conversation.
  codec-server [--port 8888] [--host 127.0.0.1] [--cors-origin http://localhost:8233]
            Decrypt and inflate payloads for the Web UI (DURABLE_AGENT_CODEC_KEY, DURABLE_AGENT_COMPRESSION,
            DURABLE_AGENT_CODEC_TOKEN).
  serve     [--port 8787] [--host 127.0.0.1] [--token T]
            Serve runs' event streams over HTTP: GET /runs/<runId>/events?from=<offset> (Server-Sent Events,
            Last-Event-ID resumes) and a live page at GET /runs/<runId>. Any host but loopback needs a token
            (--token or DURABLE_AGENT_SERVE_TOKEN), sent as "Authorization: Bearer <token>" or ?token=.

Exit codes: 0 completed, 1 error, 2 usage, 3 cancelled, 4 durable-agent error (e.g. RunNotFoundError), 5 paused.
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

function positional(args: string[], what: string): string {
  const value = args[0];
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

async function finish(handle: RunHandle, fromOffset: number, printSteps: boolean): Promise<RunOutput> {
  await followProgress(await getClient(), handle.runId, fromOffset, process.stdout);
  const output = await handle.result();
  if (printSteps) console.log(stepsTable(output.stepResults));
  console.log(outputSummary(output));
  if (output.isCancelled) console.log(`continue it with: durable-agent continue ${output.runId}`);
  for (const r of output.requirements) console.log(`answer it with: durable-agent continue ${output.runId} ${answerHint(r)}`);
  return output;
}

const EXIT_CODES: Record<RunStatus, number> = { completed: 0, error: 1, cancelled: 3, paused: 5, running: 6 };

function answerHint(r: Requirement): string {
  switch (r.kind) {
    case 'confirmation':
      return `--approve ${r.id}   (or --reject ${r.id} --note "why")`;
    case 'userInput':
      return `--input '${r.id}={...}'`;
    case 'externalExecution':
      return `--result '${r.id}=<JSON result>'`;
  }
}

function exitCodeOf(output: RunOutput): number {
  return EXIT_CODES[output.status];
}

function parseJson(flag: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`${flag} takes <id>=<JSON>; "${text}" is not JSON`);
  }
}

/** `--approve ID`, `--reject ID [--note TEXT]`, `--input ID=JSON`, `--result ID=JSON`: answers for a paused run. */
function answersFrom(values: { approve?: string[]; reject?: string[]; note?: string; input?: string[]; result?: string[] }): RequirementResolution[] {
  const pair = (flag: string, spec: string): [string, unknown] => {
    const at = spec.indexOf('=');
    if (at <= 0) throw new UsageError(`${flag} takes <id>=<JSON>, got "${spec}"`);
    return [spec.slice(0, at), parseJson(flag, spec.slice(at + 1))];
  };
  return [
    ...(values.approve ?? []).map((id) => ({ id, approve: true })),
    ...(values.reject ?? []).map((id) => ({ id, approve: false, ...(values.note !== undefined ? { note: values.note } : {}) })),
    ...(values.input ?? []).map((spec) => {
      const [id, input] = pair('--input', spec);
      if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new UsageError(`--input ${id}= takes a JSON object`);
      return { id, values: input as Record<string, unknown> };
    }),
    ...(values.result ?? []).map((spec) => {
      const [id, result] = pair('--result', spec);
      return { id, result };
    }),
  ];
}

async function runWorkerUntilSignal(toolsModule: string | undefined, model: ModelBackendOptions, extra: { address?: string; tls?: false; metricsPort?: number } = {}): Promise<void> {
  const metricsPort = extra.metricsPort ?? (process.env[METRICS_PORT_ENV] ? portNumber(METRICS_PORT_ENV, process.env[METRICS_PORT_ENV], 0) : undefined);
  // Before anything makes Temporal's runtime: the SDK's INFO chatter ("Worker state changed", "No Nexus services
  // registered") is not the CLI's to print, and a metrics endpoint can only be set up as the runtime is made.
  installQuietRuntime(metricsPort !== undefined ? { metrics: { port: metricsPort } } : {});
  const backend = await resolveModelBackend(model);
  // Whatever started before the worker fails (the offline model's server, the tool module's MCP connections) is
  // closed too: either would keep the process alive after the error.
  let module: ToolModule | undefined;
  try {
    module = await loadToolModule(toolsModule);
    const { tools, mcpServers } = module;
    const worker = await createWorker({ tools, mcpServers, ...(backend.settings ? { anthropic: backend.settings } : {}), models: { ...backend.models, ...module.models }, ...extra });
    const mcp = mcpServers.map((server) => `${server.name} (${server.tools().map((t) => t.name).join(', ')})`);
    console.log(
      `worker: task queue ${worker.options.taskQueue}, tools: ${tools.map((t) => t.name).join(', ') || 'none of its own'}` +
        `${mcp.length ? `; MCP servers: ${mcp.join(', ')}` : ''}; model: ${backend.description}${backend.others ? `; ${backend.others}` : ''}`,
    );
    if (metricsPort !== undefined) console.log(`metrics: Prometheus on port ${metricsPort}, /metrics`);
    // createWorker's worker shuts down gracefully on these signals: in-flight steps go straight to another worker.
    for (const signal of DEFAULT_SHUTDOWN_SIGNALS) {
      process.once(signal, () => console.log(`worker: ${signal}: stopped polling; in-flight steps handed back to Temporal for another worker`));
    }
    await worker.run();
  } finally {
    if (module) await closeToolModule(module);
    await backend.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'dev': {
      const { values } = parseArgs({
        args: rest,
        options: {
          db: { type: 'string' },
          port: { type: 'string' },
          'ui-port': { type: 'string' },
          tools: { type: 'string' },
          offline: { type: 'boolean' },
        },
      });
      const uiPort = portNumber('--ui-port', values['ui-port'], 8233);
      const port = portNumber('--port', values.port, 7233);
      // Encrypted or compressed payloads stay readable in the dev Web UI: a loopback codec endpoint that trusts only that UI.
      const codecs = envCodecs();
      const codec = codecs.codecs.length
        ? await startCodecServer({ codec: new CodecChain(codecs.codecs), trustedLocalOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`] })
        : undefined;
      try {
        const server = await startDevServer({
          dbFilename: resolve(values.db ?? '.data/temporal.db'),
          port,
          uiPort,
          ...(codec ? { uiCodecEndpoint: codec.url } : {}),
        });
        console.log(`Temporal dev server ${server.started ? 'started' : 'already running'} at ${server.address}; Web UI: ${server.uiUrl}`);
        if (codec) {
          const what = [...(codecs.compression ? [`compressed (${COMPRESSION_ENV})`] : []), ...(codecs.encryption ? [`encrypted (${CODEC_KEY_ENV})`] : [])].join(' and ');
          console.log(`payloads are ${what}; the Web UI reads them through the codec endpoint ${codec.url}`);
        }
        process.env.DURABLE_AGENT_SEARCH_ATTRIBUTES ??= 'true';
        try {
          await runWorkerUntilSignal(values.tools, { offline: values.offline ?? false }, { address: server.address, tls: false });
        } finally {
          await server.stop();
        }
      } finally {
        // Also when the dev server fails to start: the codec endpoint would keep the process alive.
        await codec?.close();
      }
      return 0;
    }
    case 'worker': {
      const { values } = parseArgs({ args: rest, options: { tools: { type: 'string' }, offline: { type: 'boolean' }, 'metrics-port': { type: 'string' } } });
      const metricsPort = values['metrics-port'] === undefined ? undefined : portNumber('--metrics-port', values['metrics-port'], 0);
      await runWorkerUntilSignal(values.tools, { offline: values.offline ?? false, requireKey: true }, metricsPort !== undefined ? { metricsPort } : {});
      return 0;
    }
    case 'run': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          tools: { type: 'string' },
          session: { type: 'string' },
          memory: { type: 'boolean' },
          user: { type: 'string' },
          model: { type: 'string' },
          fallback: { type: 'string', multiple: true },
          'max-steps': { type: 'string' },
          ...LIMIT_FLAGS,
        },
      });
      const description = positionals.join(' ').trim();
      if (!description) throw new UsageError('missing the task text: durable-agent run "<task>"');
      const maxSteps = wholeNumber('--max-steps', values['max-steps']);
      const limits = limitsFrom(values);
      // The task needs the tools' definitions only: the MCP connections close as soon as they are read.
      const module = await loadToolModule(values.tools);
      let tools: Tool[];
      try {
        tools = taskTools(module);
      } finally {
        await closeToolModule(module);
      }
      const task = new Task({
        description,
        tools,
        ...(maxSteps !== undefined ? { maxSteps } : {}),
        ...(values.memory ? { memory: true } : {}),
      });
      const fallbacks = usage('--fallback', () => values.fallback?.map((model) => (modelId(model), model)));
      const agent = usage('--model', () =>
        new Agent(values.model ?? 'anthropic/claude-sonnet-4-6', {
          ...(fallbacks?.length ? { fallbacks } : {}),
          ...(values.session !== undefined ? { sessionId: values.session } : {}),
          ...(values.user !== undefined ? { userId: values.user } : {}),
        }),
      );
      const handle = await agent.start(task, limits);
      console.log(`run id: ${handle.runId}`);
      console.log(`cancel it with: durable-agent cancel ${handle.runId}`);
      return exitCodeOf(await finish(handle, 0, true));
    }
    case 'continue': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          approve: { type: 'string', multiple: true },
          reject: { type: 'string', multiple: true },
          note: { type: 'string' },
          input: { type: 'string', multiple: true },
          result: { type: 'string', multiple: true },
          'from-step': { type: 'string' },
          'task-queue': { type: 'string' },
          message: { type: 'string' },
          model: { type: 'string' },
          ...LIMIT_FLAGS,
        },
      });
      const runId = positional(positionals, 'run id');
      const steer = {
        ...(values.message !== undefined ? { message: values.message } : {}),
        ...(values.model !== undefined ? { model: usage('--model', () => (modelId(values.model!), values.model!)) } : {}),
        ...limitsFrom(values),
      };
      const requirements = answersFrom(values);
      const fromStep = wholeNumber('--from-step', values['from-step'], 0);
      // Follow only what the continuation adds to the run's log (a fork has a log of its own).
      const from = fromStep === undefined ? await logEnd(await getClient(), runId) : 0;
      // The model named here is not used: a continuation, an answer and a fork keep the run's own model (--model moves it).
      const agent = new Agent('anthropic/claude-sonnet-4-6');
      const taskQueue = values['task-queue'] !== undefined ? { taskQueue: values['task-queue'] } : {};
      const handle =
        fromStep !== undefined
          ? await agent.startForkRun({ runId, fromStep, ...taskQueue })
          : requirements.length
            ? await agent.startAnswerRun({ runId, answers: requirements })
            : await agent.startContinueRun({ runId, ...taskQueue, ...steer });
      const what = fromStep !== undefined ? `fork of ${runId} from step ${fromStep}` : requirements.length ? 'resuming' : 'continuing';
      console.log(`run id: ${handle.runId} (${what}, execution ${handle.executionRunId})`);
      return exitCodeOf(await finish(handle, from, true));
    }
    case 'cancel': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { 'after-step': { type: 'boolean' }, reason: { type: 'string' } },
      });
      const runId = positional(positionals, 'run id');
      await cancelRun(runId, { mode: values['after-step'] ? 'afterStep' : 'now', ...(values.reason !== undefined ? { reason: values.reason } : {}) });
      console.log(`cancellation of ${runId} requested${values['after-step'] ? ' (after the running steps)' : ''}`);
      return 0;
    }
    case 'show': {
      const output = await getRunOutput(positional(rest, 'run id'));
      console.log(stepsTable(output.stepResults));
      console.log(outputSummary(output));
      for (const r of output.requirements) console.log(`answer it with: durable-agent continue ${output.runId} ${answerHint(r)}`);
      return 0;
    }
    case 'list': {
      const { values } = parseArgs({
        args: rest,
        options: { session: { type: 'string' }, user: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' } },
      });
      const clauses = [`WorkflowType = '${WORKFLOW_TYPE}'`];
      const quote = (v: string): string => `'${v.replace(/'/g, "\\'")}'`;
      if (values.session) clauses.push(`${SEARCH_ATTRIBUTES.sessionId} = ${quote(values.session)}`);
      if (values.user) clauses.push(`${SEARCH_ATTRIBUTES.userId} = ${quote(values.user)}`);
      if (values.status) clauses.push(`${SEARCH_ATTRIBUTES.status} = ${quote(values.status)}`);
      const client = await getClient();
      const limit = wholeNumber('--limit', values.limit) ?? 50;
      let count = 0;
      // One line per execution: a continued run shows its cancelled execution and its continuation.
      console.log(['run id', 'status', 'execution', 'started', 'task', 'stop'].join('\t'));
      for await (const wf of client.workflow.list({ query: clauses.join(' AND ') })) {
        // Runs started without search attributes have no agent status: fall back to Temporal's.
        const status = wf.typedSearchAttributes.get(statusSearchAttribute) ?? wf.status.name.toLowerCase();
        const memo = (wf.memo ?? {}) as { task?: string; stop?: RunStop };
        const stop = memo.stop ? `${memo.stop.reason}${memo.stop.limit ? ` (${memo.stop.limit})` : ''}: ${memo.stop.message}` : '';
        console.log([wf.workflowId, status, `${wf.runId} ${wf.status.name}`, wf.startTime.toISOString(), memo.task ?? '', stop].join('\t'));
        if (++count >= limit) break;
      }
      return 0;
    }
    case 'session': {
      const [sub, ...args] = rest;
      if (sub !== 'show') throw new UsageError('durable-agent session show <sessionId>');
      console.log(sessionText(await readSession(await getClient(), positional(args, 'session id'))));
      return 0;
    }
    case 'codec-server': {
      const { values } = parseArgs({ args: rest, options: { port: { type: 'string' }, host: { type: 'string' }, 'cors-origin': { type: 'string' } } });
      const port = portNumber('--port', values.port, 8888);
      const server = await listening({ port, ...(values.host ? { host: values.host } : {}) }, () =>
        startCodecServer({
          port,
          ...(values.host ? { host: values.host } : {}),
          ...(values['cors-origin'] ? { corsOrigin: values['cors-origin'].split(',') } : {}),
        }),
      );
      console.log(`codec server on ${server.url} (POST /decode, POST /encode): Web UI → Settings → Codec Server`);
      await new Promise<void>((done) => {
        process.once('SIGINT', () => done());
        process.once('SIGTERM', () => done());
      });
      await server.close();
      return 0;
    }
    case 'serve': {
      const { values } = parseArgs({ args: rest, options: { port: { type: 'string' }, host: { type: 'string' }, token: { type: 'string' } } });
      const port = portNumber('--port', values.port, 8787);
      const client = await getClient();
      const server = await listening({ port, ...(values.host ? { host: values.host } : {}) }, () =>
        startRunEventsServer({ client, port, ...(values.host ? { host: values.host } : {}), ...(values.token ? { token: values.token } : {}) }),
      );
      console.log(`serving run events on ${server.url}: GET /runs/<runId> (live page), GET /runs/<runId>/events?from=<offset> (SSE)`);
      await new Promise<void>((done) => {
        process.once('SIGINT', () => done());
        process.once('SIGTERM', () => done());
      });
      await server.close();
      return 0;
    }
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
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
