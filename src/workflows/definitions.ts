// Names the client and the workflow share. Kept apart from the loop so the client can import them without
// pulling the workflow body into its bundle.
import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery } from '@temporalio/workflow';
import { SEARCH_ATTRIBUTES } from '../types.js';
import type { MessageParam, StepResult } from '../types.js';

/** The live step list of the open execution, earlier executions' steps included. */
export const stepsQuery = defineQuery<StepResult[]>('steps');

/** The first `count` messages of the transcript: lets a worker that lost its cache rebuild a model request. */
export const transcriptQuery = defineQuery<MessageParam[], [number]>('transcript');

export const statusSearchAttribute = defineSearchAttributeKey(SEARCH_ATTRIBUTES.status, 'KEYWORD');
export const sessionSearchAttribute = defineSearchAttributeKey(SEARCH_ATTRIBUTES.sessionId, 'KEYWORD');
export const userSearchAttribute = defineSearchAttributeKey(SEARCH_ATTRIBUTES.userId, 'KEYWORD');
