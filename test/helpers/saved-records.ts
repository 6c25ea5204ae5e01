// The saved histories of test/histories decoded into ExecutionRecords, without a server: what the pure history
// modules' unit tests are fed. The run id of each is its file name (history events do not carry the workflow id).
import { readFileSync } from 'node:fs';
import type { temporal } from '@temporalio/proto';
import { decodeExecution, type ExecutionRecord } from '../../src/history/decode.js';
import { payloadDecoderOf, type PayloadDecoder } from '../../src/history/payload-decoder.js';
import type { ContinuationSeed } from '../../src/core/types.js';
import { historyFromFile } from './history-files.js';

export type SavedHistory =
  | 'completed'
  | 'cancelled'
  | 'continued'
  | 'errored'
  | 'forked'
  | 'human-confirmed'
  | 'max-steps'
  | 'parallel-tools'
  | 'paused'
  | 'cut-model'
  | 'checkpoint-cancelled'
  | 'checkpoint-continued'
  | 'stop-after-step'
  | 'stop-deadline'
  | 'stop-budget'
  | 'stop-redirected'
  | 'stop-guardrail'
  | 'stop-cost'
  | 'stop-cost-continued'
  | 'structured-repaired'
  | 'structured-invalid'
  | 'structured-continued';

export function savedEvents(name: SavedHistory): temporal.api.history.v1.IHistoryEvent[] {
  return historyFromFile(readFileSync(new URL(`../histories/${name}.json`, import.meta.url), 'utf8')).events;
}

export function savedRecord(name: SavedHistory, decoder: PayloadDecoder = payloadDecoderOf()): Promise<ExecutionRecord> {
  return decodeExecution(savedEvents(name), decoder, { runId: name });
}

/**
 * A seed a saved continuation recorded before model steps named the model that answered them (runs may use several):
 * the same seed as the planner builds it now, each model step naming `model` (the model of the recorded run).
 */
export function withStepModels(seed: ContinuationSeed, model: string): ContinuationSeed {
  return { ...seed, previousSteps: seed.previousSteps.map((step) => (step.name === 'model' ? { ...step, model } : step)) };
}
