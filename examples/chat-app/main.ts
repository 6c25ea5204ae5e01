// The chat example in one command, offline: `node --import tsx examples/chat-app/main.ts` (or `npm run example:chat`).
// Starts a Temporal dev server (the project's pinned CLI in .tools; or uses TEMPORAL_ADDRESS when set), the fake
// Anthropic model answering with the example's responder, a worker with the example's tools, and the web app.
// Open the printed URL; try "crunch 8 units" then Stop and Play, "deploy", a reload mid-story, a second tab.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { defineSearchAttributeKey } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { SEARCH_ATTRIBUTES } from '../../src/index.js';
import { FakeAnthropicServer } from '../../src/testing/index.js';
import { createWorker } from '../../src/worker/create-worker.js';
import { startChatApp } from './app.js';
import { chatResponder } from './responder.js';
import { chatTools, toolLog } from './tools.js';

const TASK_QUEUE = 'chat-app';
const cli = fileURLToPath(new URL('../../.tools/bin/temporal', import.meta.url));

async function temporal(): Promise<{ client: Client; native: NativeConnection; close(): Promise<void> }> {
  const address = process.env.TEMPORAL_ADDRESS;
  if (address) {
    const connection = await Connection.connect({ address });
    return { client: new Client({ connection }), native: await NativeConnection.connect({ address }), close: () => connection.close() };
  }
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run install-tools\` once (or set TEMPORAL_ADDRESS).`);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli },
      searchAttributes: Object.values(SEARCH_ATTRIBUTES).map((name) => defineSearchAttributeKey(name, 'KEYWORD')),
      extraArgs: ['--dynamic-config-value', 'frontend.enableServerVersionCheck=false', '--log-level', 'error'],
    },
  });
  return { client: env.client, native: env.nativeConnection, close: () => env.teardown() };
}

const t = await temporal();
const fake = await FakeAnthropicServer.start({ responder: chatResponder });
const worker = await createWorker({ connection: t.native, taskQueue: TASK_QUEUE, tools: chatTools, anthropic: { baseURL: fake.url, apiKey: 'offline' } });
const running = worker.run();
const app = await startChatApp({ client: t.client, taskQueue: TASK_QUEUE, port: Number(process.env.PORT ?? 3000) });
console.log(`chat example: ${app.url}/?user=alice   (Ctrl-C to stop)`);
let logged = 0;
const timer = setInterval(() => {
  for (const e of toolLog.slice(logged)) console.log(`tool ${e.tool} ${e.event}${e.unit !== undefined ? ` unit ${e.unit}` : ''} (attempt ${e.attempt})`);
  logged = toolLog.length;
}, 250);
const shutdown = async (): Promise<void> => {
  clearInterval(timer);
  await app.close();
  worker.shutdown();
  await running;
  await fake.close();
  await t.close();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
