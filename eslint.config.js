// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import layersFile from './scripts/layers.json' with { type: 'json' };

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

// The layers of src/ (scripts/layers.json, lowest first): a folder imports only its own layer and those below it.
// `node --import tsx scripts/layer-imports.ts` lists the imports that break the order; the rules below fail lint on one.
/** @type {{ layers: { name: string, folders: string[] }[], placed: Record<string, string> }} */
const layers = layersFile;
const rankOf = (/** @type {string} */ folder) => layers.layers.findIndex((layer) => layer.folders.includes(folder));
const layerFolders = [
  ...layers.layers.flatMap((layer) => layer.folders.map((folder) => ({ folder, rank: rankOf(folder) }))),
  // A folder placed in another's layer comes after its parent folder's block, so that its rule wins.
  ...Object.entries(layers.placed).map(([folder, like]) => ({ folder, rank: rankOf(like) })),
];
/** Where the worker (and its native core bridge) may be loaded: everything else is reachable from the client entry. */
const workerSide = ['worker', 'cli', 'testing', 'examples'];
/** The no-restricted-imports options of a folder: no import of a folder of a higher layer, type imports included. */
function layerRule(/** @type {string} */ folder, /** @type {number} */ rank) {
  const above = layers.layers.slice(rank + 1).flatMap((layer) => layer.folders);
  return {
    paths: [
      ...(workerSide.includes(folder)
        ? []
        : [{ name: '@temporalio/worker', allowTypeImports: true, message: 'Only the worker side loads @temporalio/worker (durable-agent, the client entry, must not).' }]),
      // core is under the workflow code too: bundle-safe, like it.
      ...(rank === 0 ? nodeBuiltins.map((name) => ({ name, message: 'src/core/ is bundle-safe: no Node built-ins.' })) : []),
    ],
    patterns: above.length
      ? [{ regex: `^(\\.\\./)+(${above.join('|')})/`, message: `src/${folder}/ is below ${above.join(', ')} (scripts/layers.json): import downward only.` }]
      : [],
  };
}
const layerBlocks = layerFolders
  .filter(({ folder }) => folder !== 'workflows')
  .map(({ folder, rank }) => ({ files: [`src/${folder}/**/*.ts`], rules: { 'no-restricted-imports': ['error', layerRule(folder, rank)] } }));
const workflowLayer = layerRule('workflows', rankOf('workflows'));
// The client entry (`durable-agent`) re-exports nothing of the worker side: that is `durable-agent/worker`.
layerBlocks.push({
  files: ['src/index.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: layerRule('client', rankOf('client')).paths,
        patterns: [{ regex: `^\\./(${workerSide.join('|')})/`, message: 'The client entry loads no worker: export it from src/worker/index.ts (durable-agent/worker).' }],
      },
    ],
  },
});

export default tseslint.config(
  // bench/ai-sdk-baseline is another package (the bench's @temporalio/ai-sdk baseline, its own node_modules and tsconfig).
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', '.data/**', '.artifacts/**', 'bin/**', 'bench/ai-sdk-baseline/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/test return promises the runner itself tracks.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'test', 'it', 'suite'] }] },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...layerBlocks,
  {
    // Workflow code is replayed: it must not touch the clock, randomness, the environment or I/O (and it is a layer).
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'Node built-ins are not deterministic: not in workflow code.' })),
            ...workflowLayer.paths,
          ],
          patterns: [
            ...workflowLayer.patterns,
            { group: ['../activities/*', '../client/*', '../../activities/*', '../../client/*'], allowTypeImports: true, message: 'Workflows import activity/client types only.' },
            { group: ['@anthropic-ai/*', 'zod'], allowTypeImports: true, message: 'Only types from SDKs in workflow code.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'fetch'],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use workflow time only via Temporal APIs.' },
        { object: 'Math', property: 'random', message: 'Use Temporal uuid4() / deterministic ids.' },
      ],
    },
  },
);
