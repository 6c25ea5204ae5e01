// The agent loop's workflow function; the loop itself is taken apart in ./loop/ (run.ts is the loop).
// This path stays the one the entries (entry.ts, index.ts) and the client's type import name.
export { agentRun } from './loop/run.js';
