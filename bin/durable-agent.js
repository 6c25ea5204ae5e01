#!/usr/bin/env node
// Runs the compiled CLI when the package is built (npm run build), else the TypeScript sources through tsx.
// DURABLE_AGENT_CLI_SOURCE=1 forces the sources (tests, and anyone editing them next to a stale dist/).
import { existsSync } from 'node:fs';

const built = new URL('../dist/client/cli/main.js', import.meta.url);
if (existsSync(built) && process.env.DURABLE_AGENT_CLI_SOURCE !== '1') {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/client/cli/main.ts', import.meta.url).href);
}
