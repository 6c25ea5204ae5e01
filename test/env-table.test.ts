// The one table of environment variables (src/config/env.ts): every variable name src/ (and the CLI's bin) mentions is
// a row of it, and docs/operations/configuration.md shows it as rendered. Server-free: a second or so.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ENV_VARS, envTableMarkdown } from '../src/config/env.js';
import { ROOT } from './helpers/servers.js';

/** Names with an env-variable prefix that are not variables (identifiers of the code). */
const NOT_VARIABLES = new Set(['ANTHROPIC_PROVIDER', 'TEMPORAL_TOOLS']);
const NAME = /\b(?:DURABLE_AGENT|TEMPORAL|OTEL|ANTHROPIC|OPENAI|AWS|CLOUD_ML)_[A-Z0-9_]*[A-Z0-9]\b/g;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : /\.(ts|js)$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}

describe('the environment variables table', () => {
  test('every variable src/ and bin/ name is a row (a `*` row covers its family)', () => {
    const named = new Set(
      [...files(join(ROOT, 'src')), ...files(join(ROOT, 'bin'))].flatMap((file) => readFileSync(file, 'utf8').match(NAME) ?? []),
    );
    const covered = (name: string) =>
      ENV_VARS.some((v) => (v.name.endsWith('*') ? name.startsWith(v.name.slice(0, -1)) : name === v.name));
    const missing = [...named].filter((name) => !NOT_VARIABLES.has(name) && !covered(name)).sort();
    assert.deepEqual(missing, [], 'add these to ENV_VARS in src/config/env.ts');
  });

  test('docs/operations/configuration.md shows the table as rendered from src/config/env.ts', () => {
    const page = readFileSync(join(ROOT, 'docs/operations/configuration.md'), 'utf8');
    const shown = /<!-- env-table: generated from src\/config\/env.ts -->\n([\s\S]*?)\n<!-- \/env-table -->/.exec(page)?.[1];
    assert.equal(shown, envTableMarkdown(), 'render it again: the table in the page is envTableMarkdown()');
  });
});
