// A process that only makes model calls: the Anthropic SDK's messages.stream() against the fake server, read to the
// final message as the model activity reads it. Reports its own CPU per call over IPC, so the figure is the client's
// HTTP + SSE cost alone (the fake answers from the parent process). Configured through BENCH_MODEL_CLIENT (JSON).
import { benchAnthropic, streamModelCall } from './model-call-request.js';

export interface ModelClientConfig {
  fakeUrl: string;
  warmup: number;
  calls: number;
}

const config = JSON.parse(process.env.BENCH_MODEL_CLIENT ?? '') as ModelClientConfig;
const client = benchAnthropic(config.fakeUrl);
const call = (): Promise<unknown> => streamModelCall(client);

for (let i = 0; i < config.warmup; i++) await call();
const before = process.cpuUsage();
for (let i = 0; i < config.calls; i++) await call();
const used = process.cpuUsage(before);
process.send?.({ cpuMsPerCall: (used.user + used.system) / 1000 / config.calls });
process.disconnect?.();
