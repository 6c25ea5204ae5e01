// The workflow bundle's entry (not a public import path; `durable-agent/workflow` is public-entry.ts): every export here
// is a workflow type the worker registers.
export { agentRun } from './agent-run.js';
