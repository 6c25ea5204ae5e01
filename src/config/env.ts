// The one table of the environment variables durable-agent reads: its name, what it sets and its default. Code reads
// a variable through `readEnv(name)` (a name missing here does not compile) or names it through `ENV_VARS`; the table
// in docs/operations/configuration.md is rendered from this one (`envTableMarkdown()`, checked by
// test/env-table.test.ts), and every variable name that appears in src/ must be a row here (the same test).
// An option given in code always wins over the variable.

/** One environment variable: `name` may end in `*` for a family (`TEMPORAL_TLS_*`). */
export interface EnvVar {
  name: string;
  /** Who reads it: the client, the worker, the CLI, or a library durable-agent hands it to. */
  readBy: string;
  /** What it sets. */
  doc: string;
  /** What applies when it is unset. */
  default: string;
}

export const ENV_VARS = [
  { name: 'TEMPORAL_ADDRESS', readBy: 'client, worker, CLI', doc: "The Temporal frontend's host:port.", default: "the profile's `address`, else `localhost:7233`" },
  { name: 'TEMPORAL_NAMESPACE', readBy: 'client, worker, CLI', doc: 'The Temporal namespace.', default: "the profile's `namespace`, else `default`" },
  { name: 'TEMPORAL_API_KEY', readBy: 'client, worker, CLI', doc: 'An API key, sent as `authorization: Bearer <key>`; turns TLS on.', default: "the profile's `api_key`, else none" },
  { name: 'TEMPORAL_TLS', readBy: 'client, worker, CLI (@temporalio/envconfig)', doc: 'TLS on (`true`) or off (`false`).', default: "the profile's `[tls]`, else on with an API key" },
  {
    name: 'TEMPORAL_TLS_*',
    readBy: 'client, worker, CLI (@temporalio/envconfig)',
    doc: 'Client certificate and key, server CA, server name: `TEMPORAL_TLS_CLIENT_CERT_PATH`/`_DATA`, `TEMPORAL_TLS_CLIENT_KEY_PATH`/`_DATA`, `TEMPORAL_TLS_SERVER_CA_CERT_PATH`/`_DATA`, `TEMPORAL_TLS_SERVER_NAME`, `TEMPORAL_TLS_DISABLE_HOST_VERIFICATION`.',
    default: "the profile's `[tls]` table",
  },
  { name: 'TEMPORAL_GRPC_META_*', readBy: 'client, worker, CLI (@temporalio/envconfig)', doc: 'gRPC metadata sent with every call (`TEMPORAL_GRPC_META_<NAME>=value`).', default: "the profile's `[grpc_meta]`" },
  { name: 'TEMPORAL_CONFIG_FILE', readBy: 'client, worker, CLI', doc: 'The `temporal` CLI config file the profile is read from.', default: '`temporalio/temporal.toml` in the user config folder' },
  { name: 'TEMPORAL_PROFILE', readBy: 'client, worker, CLI', doc: 'The profile of the config file.', default: '`default`' },
  { name: 'DURABLE_AGENT_TASK_QUEUE', readBy: 'client, worker, CLI', doc: 'The task queue runs start on and workers poll.', default: '`durable-agent`' },
  {
    name: 'DURABLE_AGENT_SEARCH_ATTRIBUTES',
    readBy: 'client',
    doc: 'Set the `DurableAgent*` search attributes on runs (`1`/`true`) or not (anything else).',
    default: 'whether the namespace has them registered',
  },
  { name: 'DURABLE_AGENT_CODEC_KEY', readBy: 'client, worker, codec server', doc: 'A base64 AES-256 key: payloads are encrypted (AES-GCM).', default: 'payloads are not encrypted' },
  { name: 'DURABLE_AGENT_CODEC_KEY_ID', readBy: 'client, worker, codec server', doc: "The key's id, recorded in each encrypted payload.", default: "the key's fingerprint" },
  { name: 'DURABLE_AGENT_COMPRESSION', readBy: 'client, worker, codec server', doc: 'Compress payloads (`zlib`).', default: 'payloads are not compressed' },
  { name: 'DURABLE_AGENT_CODEC_TOKEN', readBy: 'codec server', doc: 'The bearer token the codec server requires.', default: 'none required' },
  { name: 'DURABLE_AGENT_CODEC_CORS_ORIGIN', readBy: 'codec server', doc: 'Comma-separated origins the codec server answers (the Web UI).', default: 'the local Web UI, `http://localhost:8233`' },
  { name: 'DURABLE_AGENT_SERVE_TOKEN', readBy: 'run events server (`serve`)', doc: 'The bearer token the SSE run events server requires.', default: 'none required' },
  { name: 'DURABLE_AGENT_CONSOLE_TOKEN', readBy: 'operator console (`console`, `dev`)', doc: 'The bearer token the operator console requires (needed off loopback).', default: 'none required' },
  { name: 'DURABLE_AGENT_METRICS_PORT', readBy: 'worker, CLI', doc: 'Serve Prometheus metrics on this port, at /metrics.', default: 'no metrics endpoint' },
  { name: 'DURABLE_AGENT_METRICS_HOST', readBy: 'worker, CLI', doc: 'The address the metrics endpoint binds.', default: '`0.0.0.0`' },
  { name: 'DURABLE_AGENT_CLI_SOURCE', readBy: 'CLI (bin/durable-agent.js)', doc: '`1` runs the CLI from the TypeScript sources, not dist/.', default: 'dist/ when built' },
  { name: 'TEMPORAL_LOG_LEVEL', readBy: 'worker, CLI', doc: "The Temporal core's log level (`DEBUG`, `INFO`).", default: '`WARN`' },
  { name: 'TEMPORAL_CLI_PATH', readBy: 'CLI (`dev`)', doc: 'The `temporal` CLI that `durable-agent dev` starts.', default: '`temporal` on PATH' },
  { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', readBy: 'worker', doc: 'Export traces over OTLP/HTTP to this endpoint.', default: 'tracing off' },
  { name: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', readBy: 'worker', doc: 'Export traces to this endpoint (wins over the one above).', default: 'tracing off' },
  { name: 'OTEL_SERVICE_NAME', readBy: 'worker', doc: "The traces' service name.", default: '`durable-agent-worker`' },
  { name: 'ANTHROPIC_API_KEY', readBy: 'worker, CLI', doc: "Anthropic's API key (the `anthropic` provider).", default: 'none: model calls fail with an authentication error' },
  { name: 'ANTHROPIC_BASE_URL', readBy: 'worker, CLI', doc: "Anthropic's API URL (point it at a fake in tests).", default: "the SDK's" },
  { name: 'OPENAI_API_KEY', readBy: 'CLI', doc: 'Serve `openai/` models with this key.', default: 'no `openai` provider' },
  { name: 'OPENAI_BASE_URL', readBy: 'CLI', doc: 'The OpenAI-compatible API URL of `openai/` models.', default: "the SDK's" },
  {
    name: 'AWS_REGION',
    readBy: 'worker (the AWS SDK, for `bedrock/` models)',
    doc: 'The region of Claude on Bedrock, with AWS credentials as the AWS SDK reads them.',
    default: 'none: `bedrock/` calls fail',
  },
  { name: 'AWS_BEARER_TOKEN_BEDROCK', readBy: 'worker (the Bedrock SDK, for `bedrock/` models)', doc: 'A Bedrock API key, instead of AWS credentials.', default: 'AWS credentials' },
  { name: 'CLOUD_ML_REGION', readBy: 'worker (the Vertex SDK, for `vertex/` models)', doc: 'The region of Claude on Vertex AI.', default: 'none: `vertex/` calls fail' },
  { name: 'ANTHROPIC_VERTEX_PROJECT_ID', readBy: 'worker (the Vertex SDK, for `vertex/` models)', doc: 'The Google Cloud project of Claude on Vertex AI.', default: 'none: `vertex/` calls fail' },
] as const satisfies readonly EnvVar[];

/** A variable of the table (not a `*` family). */
export type EnvName = Exclude<(typeof ENV_VARS)[number]['name'], `${string}*`>;

/** The variable's value, or undefined when it is unset (an empty value counts as set). */
export function readEnv(name: EnvName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[name];
}

/** The table as Markdown, as docs/operations/configuration.md shows it. */
export function envTableMarkdown(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = ENV_VARS.map((v) => `| \`${v.name}\` | ${cell(v.doc)} | ${cell(v.default)} | ${cell(v.readBy)} |`);
  return ['| variable | what it sets | default | read by |', '|---|---|---|---|', ...rows].join('\n');
}
