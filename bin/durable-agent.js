#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build` and shipped in the npm package), else — in a clone of the
// repository — the TypeScript sources through tsx. DURABLE_AGENT_CLI_SOURCE=1 forces the sources (tests, and anyone
// editing them next to a stale dist/).
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(built) && process.env.DURABLE_AGENT_CLI_SOURCE !== '1') {
  await import(built.href);
} else {
  let api;
  try {
    api = await import('tsx/esm/api');
  } catch {
    console.error('durable-agent: this copy has no compiled dist/ and no tsx to run its sources: run `npm run build` in it (or `npm install`).');
    process.exit(1);
  }
  api.register();
  await import(new URL('../src/cli/main.ts', import.meta.url).href);
}
