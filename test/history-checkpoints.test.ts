// Tool checkpoints in history, without a server: the decoder reads a cut tool call's last progress from its
// ActivityTaskCanceled details, the planner carries it in the seed (by activity id), and the recorded continuation
// handed it to the re-run call (test/histories/checkpoint-*.json, recorded by scripts/record-histories.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STEP_ACTIVITY } from '../src/activities/contract.js';
import { toolCheckpoints } from '../src/history/checkpoints.js';
import { planContinuation, seedOf } from '../src/history/continuation.js';
import type { ToolCallInput } from '../src/core/types.js';
import { savedRecord } from './helpers/saved-records.js';

test('a cut tool call: its last progress read from the cancel, carried in the seed, handed to the re-run call', async () => {
  const cancelled = await savedRecord('checkpoint-cancelled');
  const cut = cancelled.activities.find((a) => a.activityType === STEP_ACTIVITY.tool);
  assert.equal(cut?.status, 'cancelled');
  const progress = cut.checkpoint as { n: number };
  assert.ok(progress.n > 0, `the tool reported progress before the cut: ${JSON.stringify(cut.checkpoint)}`);
  assert.deepEqual(seedOf(cancelled).checkpoints, { [cut.activityId]: progress });

  const continued = await savedRecord('checkpoint-continued');
  const plan = planContinuation(cancelled, { kind: 'continue' });
  assert.equal(plan.kind, 'continue');
  // What the planner carries for the cut call and the completed steps is what the recorded continuation started from
  // (the seed's other fields are other features': compared by test/history-continuation.test.ts).
  assert.deepEqual(plan.input.seed?.checkpoints, continued.input.seed?.checkpoints, 'the recorded continuation started from the planned checkpoints');
  assert.deepEqual(plan.input.seed?.completed, continued.input.seed?.completed);
  const rerun = continued.activities.find((a) => a.activityId === cut.activityId);
  assert.deepEqual((rerun?.input as ToolCallInput).checkpoint, progress, 'the re-run call got the checkpoint');
  assert.equal(rerun?.status, 'completed');
  assert.equal(seedOf(continued).checkpoints, undefined, 'a call completed since leaves no checkpoint behind');
});

test('a run without checkpointing tools: no checkpoints in the seed', async () => {
  assert.equal(seedOf(await savedRecord('cancelled')).checkpoints, undefined);
});

test('an execution that cut the call again before it reported anything keeps the earlier checkpoint', async () => {
  const cancelled = await savedRecord('checkpoint-cancelled');
  const cut = cancelled.activities.find((a) => a.activityType === STEP_ACTIVITY.tool)!;
  const { checkpoint: _dropped, ...silent } = cut;
  const again = { ...cancelled, input: { ...cancelled.input, seed: { ...seedOf(cancelled), checkpoints: { [cut.activityId]: { n: 2 } } } }, activities: [silent] };
  assert.deepEqual(toolCheckpoints(again, {}), { [cut.activityId]: { n: 2 } });
  const fresher = { ...again, activities: [{ ...silent, checkpoint: { n: 4 } }] };
  assert.deepEqual(toolCheckpoints(fresher, {}), { [cut.activityId]: { n: 4 } }, 'this execution\'s progress wins');
});
