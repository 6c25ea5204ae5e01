// Tools served by an MCP server (stdio or Streamable HTTP, through @modelcontextprotocol/sdk), as durable-agent tools.
// A McpToolServer keeps one connection and the server's tool list (listed on connect, listed again when the server
// sends notifications/tools/list_changed); each of its tools is a Tool like any other, so a client puts them in a Task
// (their fingerprint covers the server's description and input schema) and a worker serves them through the one tool
// activity (createWorker({ mcpServers })). A call is aborted with the activity: the SDK then sends the server
// notifications/cancelled. A connection that drops mid-call is opened again and the call sent again (`callAttempts`).
// The SDK is imported by the first connect, not with the package: the client entry loads nothing of it until then.
import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult, Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Tool, ToolContext } from './tool-definition.js';
import { DEFAULT_TOOL_TIMEOUT_MS } from '../activities/tool-call.js';
import { ToolUnavailableError } from './tool-unavailable.js';

/** How to reach an MCP server: a command to start (stdio) or a Streamable HTTP endpoint. */
export type McpServerConfig =
  | { command: string; args?: string[]; env?: Record<string, string>; cwd?: string }
  | { url: string; headers?: Record<string, string> };

/** Options of `connectMcpServer`. */
export interface McpServerOptions {
  /** Names the server in errors and in the MCP handshake. Default: the command or the URL's host. */
  name?: string;
  /** Put before each tool's name (the model sees `<prefix><name>`), to keep the names of several servers apart. */
  prefix?: string;
  /** Each tool's time limit inside the activity (the Tool's timeoutMs). Default 5 minutes. */
  timeoutMs?: number;
  /** Activity attempts of each tool on infrastructure failures (the Tool's maxAttempts). */
  maxAttempts?: number;
  /**
   * Times one call is sent when the connection drops under it or cannot be opened (reconnecting in between), within
   * one activity attempt. Past it the attempt fails with McpServerUnavailableError and Temporal retries the activity
   * by the tool's policy (`maxAttempts`). Default 3.
   */
  callAttempts?: number;
  /** Wait before reconnecting after a dropped connection, doubled each time. Default 200 ms. */
  reconnectDelayMs?: number;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const DEFAULT_CALL_ATTEMPTS = 3;
const DEFAULT_RECONNECT_DELAY_MS = 200;

/** The parts of @modelcontextprotocol/sdk this file uses, imported once, on the first connect (about 150 ms cold). */
async function importSdk() {
  const [client, stdio, http, types] = await Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/stdio.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/types.js'),
  ]);
  return {
    Client: client.Client,
    StdioClientTransport: stdio.StdioClientTransport,
    StreamableHTTPClientTransport: http.StreamableHTTPClientTransport,
    StreamableHTTPError: http.StreamableHTTPError,
    ErrorCode: types.ErrorCode,
    McpError: types.McpError,
  };
}

type McpSdk = Awaited<ReturnType<typeof importSdk>>;
let sdkImport: Promise<McpSdk> | undefined;

/** The server answered, but with an error: the model sees it as an error result (no retry). */
export class McpToolError extends Error {
  override name = 'McpToolError';
}

/** The server could not be reached for a call, `callAttempts` times: the tool activity's attempt fails (and is retried). */
export class McpServerUnavailableError extends ToolUnavailableError {
  override name = 'McpServerUnavailableError';
}

/** The connection went away under a request: reconnect and send it again. */
function isConnectionLoss(sdk: McpSdk, err: unknown): boolean {
  if (err instanceof sdk.McpError) return err.code === sdk.ErrorCode.ConnectionClosed;
  if (err instanceof sdk.StreamableHTTPError) return true;
  if (err instanceof TypeError && /fetch failed|terminated/i.test(err.message)) return true;
  const code = (err as { code?: unknown; cause?: { code?: unknown } } | undefined)?.cause?.code ?? (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(code);
}

/** What the model reads of a tool result: its text, other content as JSON. */
function resultText(result: CallToolResult): string {
  const parts = result.content.map((c) => (c.type === 'text' ? c.text : JSON.stringify(c)));
  if (!parts.length && result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
  return parts.join('\n');
}

/**
 * One connection to an MCP server (`connectMcpServer` makes it): its tools, listed again when the server says they
 * changed, each a tool a task and a worker can use. The caller owns the connection.
 */
export class McpToolServer {
  readonly name: string;
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private listed: McpTool[] = [];
  private readonly built = new Map<string, { source: McpTool; tool: Tool }>();
  private closed = false;

  private constructor(
    private readonly sdk: McpSdk,
    readonly config: McpServerConfig,
    readonly options: McpServerOptions,
  ) {
    this.name = options.name ?? ('url' in config ? new URL(config.url).host : config.command);
  }

  /** Connects and lists the server's tools. */
  static async connect(config: McpServerConfig, options: McpServerOptions = {}): Promise<McpToolServer> {
    sdkImport ??= importSdk().catch((err: unknown) => {
      sdkImport = undefined;
      throw err;
    });
    const server = new McpToolServer(await sdkImport, config, options);
    try {
      await server.connection();
    } catch (err) {
      // A command that does not exist, a server that exits or answers no handshake, an endpoint nobody serves.
      await server.close().catch(() => undefined);
      const how = 'url' in config ? `at ${config.url}` : `(${config.command}${config.args?.length ? ` ${config.args.join(' ')}` : ''})`;
      throw new McpServerUnavailableError(`MCP server ${server.name} ${how} could not be connected: ${(err as Error).message ?? String(err)}`, { cause: err });
    }
    return server;
  }

  /** The server's tools as last listed (on connect, or after its latest tools/list_changed). */
  tools(): Tool[] {
    return this.listed.map((t) => this.toolOf(t));
  }

  /** One tool by the name the model uses (prefix included), as last listed. */
  tool(name: string): Tool | undefined {
    const source = this.listed.find((t) => this.toolName(t) === name);
    return source ? this.toolOf(source) : undefined;
  }

  /** The pid of the stdio server process (undefined for HTTP, or while disconnected). */
  get pid(): number | undefined {
    const transport = this.client?.transport;
    return transport instanceof this.sdk.StdioClientTransport ? (transport.pid ?? undefined) : undefined;
  }

  /** Closes the connection (a stdio server's process ends); call it after the worker stops. */
  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.close();
  }

  private toolName(t: McpTool): string {
    return `${this.options.prefix ?? ''}${t.name}`;
  }

  private toolOf(source: McpTool): Tool {
    const name = this.toolName(source);
    const cached = this.built.get(name);
    if (cached?.source === source) return cached.tool;
    if (!TOOL_NAME.test(name)) throw new TypeError(`MCP server ${this.name}: tool name ${JSON.stringify(name)} is not a valid model tool name (1-64 letters, digits, "_" or "-"): use a prefix without other characters, or rename it on the server.`);
    const { $schema: _ignored, ...inputSchema } = source.inputSchema as Record<string, unknown>;
    const tool: Tool = {
      kind: 'durable-agent-tool',
      name,
      description: source.description?.trim() || source.title || source.name,
      // The server checks the input against its own schema; the worker passes any object on.
      input: z.record(z.string(), z.unknown()) as z.ZodType<unknown>,
      inputSchema,
      run: (input, context) => this.call(source.name, input as Record<string, unknown>, context),
      ...(this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {}),
      ...(this.options.maxAttempts !== undefined ? { maxAttempts: this.options.maxAttempts } : {}),
    };
    this.built.set(name, { source, tool });
    return tool;
  }

  /** One tools/call, aborted with the activity's signal; sent again on a fresh connection if the connection drops. */
  private async call(name: string, args: Record<string, unknown>, context: ToolContext): Promise<string> {
    const attempts = this.options.callAttempts ?? DEFAULT_CALL_ATTEMPTS;
    let wait = this.options.reconnectDelayMs ?? DEFAULT_RECONNECT_DELAY_MS;
    for (let attempt = 1; ; attempt++) {
      let client: Client | undefined;
      try {
        client = await this.connection();
        const result = (await client.callTool({ name, arguments: args, _meta: { idempotencyKey: context.idempotencyKey } }, undefined, {
          signal: context.signal,
          // The activity's own limit (the tool's timeoutMs) governs, not the SDK's 60 s default.
          timeout: (this.options.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS) + 1000,
        })) as CallToolResult;
        if (result.isError) throw new McpToolError(resultText(result));
        return resultText(result);
      } catch (err) {
        if (context.signal.aborted || !isConnectionLoss(this.sdk, err)) throw err;
        if (attempt >= attempts) {
          throw new McpServerUnavailableError(`MCP server ${this.name} could not be reached for ${name} (${attempts} tries): ${(err as Error).message}`, { cause: err });
        }
        if (client) this.dropConnection(client);
        context.heartbeat({ mcpReconnect: { server: this.name, attempt } });
        await delay(wait, undefined, { signal: context.signal });
        wait *= 2;
      }
    }
  }

  private dropConnection(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.close().catch(() => undefined);
  }

  private connection(): Promise<Client> {
    if (this.closed) return Promise.reject(new Error(`MCP server ${this.name} is closed.`));
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<Client> {
    const { Client, StdioClientTransport, StreamableHTTPClientTransport } = this.sdk;
    const client = new Client(
      { name: 'durable-agent', version: '1' },
      {
        listChanged: {
          tools: {
            debounceMs: 0,
            onChanged: (error, tools) => {
              if (!error && tools && this.client === client) this.listed = tools;
            },
          },
        },
      },
    );
    const { config } = this;
    const transport =
      'url' in config
        ? new StreamableHTTPClientTransport(new URL(config.url), config.headers ? { requestInit: { headers: config.headers } } : undefined)
        : new StdioClientTransport({
            command: config.command,
            ...(config.args ? { args: config.args } : {}),
            ...(config.env ? { env: config.env } : {}),
            ...(config.cwd ? { cwd: config.cwd } : {}),
          });
    // The server going away (its process exits, its HTTP endpoint stops) ends this connection: the next call opens one.
    client.onclose = () => {
      if (this.client === client) this.client = undefined;
    };
    // Over HTTP a response stream cut by the server's death is only reported here, and the request would wait for its
    // timeout: close the connection, which fails the requests in flight as ConnectionClosed (and so sends them again).
    client.onerror = (error) => {
      if (/SSE stream disconnected|Failed to reconnect|Maximum reconnection attempts/.test(error.message)) this.dropConnection(client);
    };
    await client.connect(transport);
    const tools: McpTool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor !== undefined ? { cursor } : undefined);
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    this.listed = tools;
    this.client = client;
    return client;
  }
}

/** Connects to an MCP server and lists its tools: `new Task({ tools: server.tools() })`, `createWorker({ mcpServers: [server] })`. */
export function connectMcpServer(config: McpServerConfig, options: McpServerOptions = {}): Promise<McpToolServer> {
  return McpToolServer.connect(config, options);
}
