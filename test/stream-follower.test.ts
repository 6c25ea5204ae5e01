// Streaming reads only what is new: every stream of a run in one process shares one reader, which reads each history
// event of the run once (long-polling the open execution from the last event it has), whatever the number of
// streams; a stream that starts later, once the others are done, reads the run afresh, once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { streamRun, Task } from '../src/index.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/index.js';
import type { StreamEvent } from '../src/index.js';
import { countingClient } from './helpers/grpc-counter.js';
import { waitTool } from './helpers/wait-tool.js';
import { startHarness, type Harness } from './helpers/harness.js';

const wait = waitTool;

let h: Harness;
before(async () => {
  h = await startHarness({ tools: [wait] });
});
after(async () => {
  await h?.close();
});

async function collect(stream: AsyncGenerator<StreamEvent>): Promise<string[]> {
  const out: string[] = [];
  let text = '';
  for await (const e of stream) {
    if (e.type === 'text_delta') text += e.text;
    else out.push(`${e.offset} ${e.type}`);
  }
  return [...out, text];
}

test('five streams of one run in one process fetch each history event once', async () => {
  h.fake.setResponder(
    scriptedResponder([
      toolTurn([{ name: 'wait', input: { ms: 300 } }], { text: 'First I wait a little. ', chunkDelayMs: 20 }),
      toolTurn([{ name: 'wait', input: { ms: 300 } }], { text: 'Then once more. ', chunkDelayMs: 20 }),
      textTurn('Done waiting twice.', { chunkDelayMs: 20 }),
    ]),
  );
  const counted = await countingClient(h.env.address, h.env.namespace ?? 'default');
  try {
    const handle = await h.agent().start(new Task({ description: 'Wait twice.', tools: [wait] }));
    const streams = await Promise.all(Array.from({ length: 5 }, () => collect(streamRun(handle.runId, { client: counted.client }))));
    for (const s of streams) assert.deepEqual(s, streams[0]);
    assert.equal(streams[0]!.at(-1), 'First I wait a little. Then once more. Done waiting twice.');
    const recorded = (await h.client.workflow.getHandle(handle.runId).fetchHistory()).events?.length ?? 0;
    assert.equal(counted.counts.historyEvents, recorded, `fetched ${counted.counts.historyEvents} history events for ${recorded} recorded`);

    // Once the run is over and every stream gone, a new stream reads it afresh: once more, and only once.
    assert.deepEqual(await collect(streamRun(handle.runId, { client: counted.client })), streams[0]);
    assert.equal(counted.counts.historyEvents, 2 * recorded);
  } finally {
    await counted.close();
  }
});
