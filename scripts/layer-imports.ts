// The layer check anyone can run: `node --import tsx scripts/layer-imports.ts` lists every import in src/ that runs
// upward against the layer order below and prints their count (exit 1 when there is one; `--count` prints only the
// count). The same order is held by eslint.config.js (one no-restricted-imports block per layer); this script is the
// census the lint rules are checked against, and counts type-only imports too (marked "type").
//
// The layers are scripts/layers.json's (lowest first; a folder imports only its own layer and those below it):
//   core < history, task, tools, models, activities, workflows, codec, telemetry, config < client, worker < cli, server, testing
// The package's entry files (src/index.ts, src/worker/index.ts, src/workflows/public-entry.ts, src/testing/index.ts)
// gather names from every layer: they are exempt.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import layers from './layers.json' with { type: 'json' };

const ROOT = resolve(import.meta.dirname, '..');
// `--src DIR` counts another tree, e.g. main's: `git archive main src | tar -x -C /tmp/main && … --src /tmp/main/src`.
const srcFlag = process.argv.indexOf('--src');
const SRC = srcFlag > 0 && process.argv[srcFlag + 1] ? resolve(process.argv[srcFlag + 1]!) : join(ROOT, 'src');

// A file's layer is that of the longest path prefix below that matches it (a folder, or one file).
export const LAYERS: Record<string, number> = {
  ...Object.fromEntries(layers.layers.flatMap((layer, rank) => layer.folders.map((folder) => [`${folder}/`, rank]))),
  ...Object.fromEntries(
    Object.entries(layers.placed).map(([folder, like]) => [`${folder}/`, layers.layers.findIndex((layer) => layer.folders.includes(like))]),
  ),
  // Where files lived before issue 27's moves, so that the script counts an older tree (main before them) the same way.
  'types.ts': 0,
  'text.ts': 0,
  'model-id.ts': 0,
  'workflow-id.ts': 0,
  'environment.ts': 1,
  'client/run-events-server.ts': 3,
  'codec/codec-server.ts': 3,
};

const ENTRIES = new Set(['index.ts', 'worker/index.ts', 'workflows/public-entry.ts', 'testing/index.ts']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The layer of a file under src/, by the longest matching prefix; undefined for a file in no layer. */
function layerOf(file: string): { name: string; rank: number } | undefined {
  const rel = relative(SRC, file).split('\\').join('/');
  const prefix = Object.keys(LAYERS)
    .filter((key) => (key.endsWith('/') ? rel.startsWith(key) : rel === key))
    .sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? undefined : { name: prefix.replace(/\/$/, ''), rank: LAYERS[prefix]! };
}

export interface UpwardImport {
  from: string;
  to: string;
  line: number;
  typeOnly: boolean;
  fromLayer: string;
  toLayer: string;
}

// Static `import … from './x.js'` / `export … from './x.js'` (over several lines too) and dynamic `import('./x.js')`.
const STATIC = /^[ \t]*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.[^'"]+)['"]/gm;
const DYNAMIC = /import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

export function upwardImports(): { imports: UpwardImport[]; unlayered: string[] } {
  const imports: UpwardImport[] = [];
  const unlayered: string[] = [];
  for (const file of sources(SRC)) {
    const rel = relative(SRC, file).split('\\').join('/');
    if (ENTRIES.has(rel)) continue;
    const from = layerOf(file);
    if (!from) {
      unlayered.push(`src/${rel}`);
      continue;
    }
    const text = readFileSync(file, 'utf8');
    const lineAt = (index: number) => text.slice(0, index).split('\n').length;
    const specifiers = [
      ...[...text.matchAll(STATIC)].map((m) => ({ spec: m[2]!, typeOnly: m[1] !== undefined, index: m.index })),
      ...[...text.matchAll(DYNAMIC)].map((m) => ({ spec: m[1]!, typeOnly: false, index: m.index })),
    ];
    for (const { spec, typeOnly, index } of specifiers) {
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      const targetRel = relative(SRC, target).split('\\').join('/');
      const to = layerOf(target) ?? { name: ENTRIES.has(targetRel) ? 'entry' : '(src root)', rank: 99 };
      if (to.rank > from.rank) {
        imports.push({ from: `src/${rel}`, to: `src/${targetRel}`, line: lineAt(index), typeOnly, fromLayer: from.name, toLayer: to.name });
      }
    }
  }
  return { imports, unlayered };
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('layer-imports.ts')) {
  const { imports, unlayered } = upwardImports();
  if (process.argv.includes('--count')) {
    console.log(imports.length);
  } else {
    for (const i of imports) {
      console.log(`${i.from}:${i.line} (${i.fromLayer}) → ${i.to} (${i.toLayer})${i.typeOnly ? ' type' : ''}`);
    }
    for (const file of unlayered) console.log(`${file}: in no layer (a file directly under src/ that is not an entry)`);
    const runtime = imports.filter((i) => !i.typeOnly).length;
    console.log(`${imports.length} upward imports (${runtime} at runtime), ${unlayered.length} files in no layer`);
  }
  process.exit(imports.length + unlayered.length === 0 ? 0 : 1);
}
