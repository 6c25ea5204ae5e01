// What a model step costs the worker that a no-op activity does not pay: the Anthropic SDK's HTTP + SSE handling of
// one messages.stream() call, measured in a process of its own (bench/model-client-child.ts) against the fake server.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FakeAnthropicServer } from '../src/testing/fake-anthropic/index.js';
import { scriptedResponder, toolTurn } from '../src/testing/fake-anthropic/index.js';
import type { ModelClientConfig } from './model-client-child.js';

/** Client CPU (ms) per model call, after `warmup` calls; the fake's responder is replaced. */
export async function modelClientCpuPerCall(fake: FakeAnthropicServer, calls: number, warmup = 30): Promise<number> {
  fake.reset();
  fake.setResponder(scriptedResponder(Array.from({ length: warmup + calls }, (_, i) => toolTurn([{ name: 'instant', input: { n: i } }]))));
  const config: ModelClientConfig = { fakeUrl: fake.url, warmup, calls };
  const child = fork(fileURLToPath(new URL('./model-client-child.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_MODEL_CLIENT: JSON.stringify(config) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { cpuMsPerCall: number }).cpuMsPerCall));
    child.once('exit', (code) => reject(new Error(`model client child exited with ${code} before reporting`)));
  });
}
