// The patch registry (src/workflows/loop/patches.ts) against the saved histories: each patch names exactly the
// histories that carry its marker, and every patch marker in a saved history is in the registry. Pure and fast: it
// reads the history JSON, runs no worker.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { PATCH_TABLE } from '../src/workflows/loop/patches.js';
import { ROOT } from './helpers/servers.js';

const dir = join(ROOT, 'test', 'histories');

interface HistoryJson {
  events: { markerRecordedEventAttributes?: { markerName?: string; details?: Record<string, { payloads?: { data?: string }[] }> } }[];
}

function historyFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? historyFiles(join(folder, entry.name)) : entry.name.endsWith('.json') ? [join(folder, entry.name)] : [],
  );
}

/** The patch ids in a history's MarkerRecorded events (the SDK's `core_patch` markers, `{ id, deprecated }` as JSON). */
function patchMarkers(file: string): Set<string> {
  const history = JSON.parse(readFileSync(file, 'utf8')) as HistoryJson;
  const ids = new Set<string>();
  for (const { markerRecordedEventAttributes: marker } of history.events) {
    if (marker?.markerName !== 'core_patch') continue;
    for (const payload of marker.details?.['patch-data']?.payloads ?? []) {
      ids.add((JSON.parse(Buffer.from(payload.data ?? '', 'base64').toString('utf8')) as { id: string }).id);
    }
  }
  return ids;
}

const markers = new Map(historyFiles(dir).map((file) => [relative(dir, file).split('\\').join('/'), patchMarkers(file)]));

test('the saved histories carry patch markers (the reader below finds them)', () => {
  assert.ok([...markers.values()].some((ids) => ids.size > 0));
});

test('every patch marker in a saved history is in the registry', () => {
  const known = new Set(PATCH_TABLE.map((patch) => patch.id));
  for (const [file, ids] of markers) {
    for (const id of ids) assert.ok(known.has(id), `${file} carries the marker of ${id}, which src/workflows/loop/patches.ts lacks`);
  }
});

test('each patch names exactly the saved histories that carry its marker', () => {
  for (const patch of PATCH_TABLE) {
    for (const file of patch.histories) assert.ok(markers.has(file), `${patch.id} names ${file}, which is not in test/histories`);
    const carrying = [...markers].filter(([, ids]) => ids.has(patch.id)).map(([file]) => file).sort();
    assert.deepEqual([...patch.histories].sort(), carrying, `the histories of ${patch.id} in src/workflows/loop/patches.ts`);
  }
});

test('the registry has one entry per id, each complete', () => {
  assert.equal(new Set(PATCH_TABLE.map((patch) => patch.id)).size, PATCH_TABLE.length);
  for (const patch of PATCH_TABLE) {
    assert.match(patch.id, /^durable-agent\/[a-z-]+$/);
    assert.ok(patch.changed && patch.where && patch.since && patch.deprecateWhen, `${patch.id} says what, where, since and when`);
    assert.ok(patch.histories.length > 0, `${patch.id}: a saved history exercises its new branch`);
  }
});

test('workflow code calls patched() only with a registry id', () => {
  const workflows = join(ROOT, 'src', 'workflows');
  const sources = readdirSync(workflows, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  for (const file of sources) {
    // Comments mention patched(id) in prose; code is what counts.
    const text = readFileSync(join(workflows, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const [, arg] of text.matchAll(/\b(?:patched|deprecatePatch)\(([^)]*)\)/g)) {
      assert.match(arg!, /^PATCHES\.\w+\.id$/, `src/workflows/${file}: patched(${arg}) — use an id from loop/patches.ts`);
    }
  }
});
