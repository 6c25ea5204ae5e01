// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

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
  {
    // Workflow code is replayed: it must not touch the clock, randomness, the environment or I/O.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Node built-ins are not deterministic: not in workflow code.' })),
          patterns: [
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
