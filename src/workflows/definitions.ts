// Names the client and the workflow share. Kept apart from the loop so the client can import them without
// pulling the workflow body into its bundle.
import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { SEARCH_ATTRIBUTES } from '../types.js';
import type { MessageParam, Requirement, RequirementResolution, StepResult } from '../types.js';

/** The live step list of the open execution, earlier executions' steps included. */
export const stepsQuery = defineQuery<StepResult[]>('steps');

/** The first `count` messages of the transcript: lets a worker that lost its cache rebuild a model request. */
export const transcriptQuery = defineQuery<MessageParam[], [number]>('transcript');

/** The tool calls the run is paused on (empty when it is not paused). */
export const requirementsQuery = defineQuery<Requirement[]>('requirements');

/** Resolves one pending requirement; fails (the run stays paused) when the answer does not fit. */
export const resolveRequirementUpdate = defineUpdate<void, [RequirementResolution]>('resolveRequirement');

export const statusSearchAttribute = defineSearchAttributeKey(SEARCH_ATTRIBUTES.status, 'KEYWORD');
export const sessionSearchAttribute = defineSearchAttributeKey(SEARCH_ATTRIBUTES.sessionId, 'KEYWORD');
export const userSearchAttribute = defineSearchAttributeKey(SEARCH_ATTRIBUTES.userId, 'KEYWORD');
