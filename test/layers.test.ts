// The layers of src/ (scripts/layers.json) hold: no import runs upward (scripts/layer-imports.ts, which anyone can run
// as `node --import tsx scripts/layer-imports.ts`), and every file under src/ is in a layer. Server-free.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { upwardImports } from '../scripts/layer-imports.js';

test('no import in src/ runs upward against the layers', () => {
  const { imports, unlayered } = upwardImports();
  assert.deepEqual(
    imports.map((i) => `${i.from}:${i.line} (${i.fromLayer}) → ${i.to} (${i.toLayer})`),
    [],
  );
  assert.deepEqual(unlayered, []);
});
