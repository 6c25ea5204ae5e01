// Names the client and the workflow share. Kept apart from the loop so the client can import them without
// pulling the workflow body into its bundle.
import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { SEARCH_ATTRIBUTES } from '../core/types.js';
import type { MessageParam, ModelCallSettings, Requirement, RequirementResolution, SnapshotResult, StepResult } from '../core/types.js';

/**
 * Every query and update name carries this prefix, so none collides with a user's own handlers. Runs started before
 * the prefix answer the bare names too (the loop registers both; see LEGACY_NAMES): histories record updates by name,
 * so recorded `resolveRequirement` updates still replay, and clients of before the change still reach new workers.
 */
export const HANDLER_PREFIX = 'durableAgent.';

/** The live step list of the open execution, earlier executions' steps included. */
export const stepsQuery = defineQuery<StepResult[]>(`${HANDLER_PREFIX}steps`);

/** The first `count` messages of the transcript: lets a worker that lost its cache rebuild a model request. */
export const transcriptQuery = defineQuery<MessageParam[], [number]>(`${HANDLER_PREFIX}transcript`);

/** The settings of the execution's model calls: lets a worker that lacks them run a call that does not carry them. */
export const callSettingsQuery = defineQuery<ModelCallSettings>(`${HANDLER_PREFIX}callSettings`);

/**
 * The tool results the transcript refers to since the run continued as new (ConversationSnapshot.results): lets a
 * worker fill in what the transcript query leaves out.
 */
export const snapshotResultsQuery = defineQuery<Record<string, SnapshotResult>>(`${HANDLER_PREFIX}snapshotResults`);

/** The tool calls the run is paused on (empty when it is not paused). */
export const requirementsQuery = defineQuery<Requirement[]>(`${HANDLER_PREFIX}requirements`);

/** Resolves one pending requirement; fails (the run stays paused) when the answer does not fit. */
export const resolveRequirementUpdate = defineUpdate<void, [RequirementResolution]>(`${HANDLER_PREFIX}resolveRequirement`);

/** The names of before the prefix, answered by the same handlers (the loop registers each under both names). */
export const LEGACY_NAMES = {
  steps: defineQuery<StepResult[]>('steps'),
  transcript: defineQuery<MessageParam[], [number]>('transcript'),
  requirements: defineQuery<Requirement[]>('requirements'),
  resolveRequirement: defineUpdate<void, [RequirementResolution]>('resolveRequirement'),
} as const;

export const statusSearchAttribute = defineSearchAttributeKey(SEARCH_ATTRIBUTES.status, 'KEYWORD');
export const sessionSearchAttribute = defineSearchAttributeKey(SEARCH_ATTRIBUTES.sessionId, 'KEYWORD');
export const userSearchAttribute = defineSearchAttributeKey(SEARCH_ATTRIBUTES.userId, 'KEYWORD');
export const modelSearchAttribute = defineSearchAttributeKey(SEARCH_ATTRIBUTES.model, 'KEYWORD');
