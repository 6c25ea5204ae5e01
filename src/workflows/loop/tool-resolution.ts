// Tool resolution: the worker is the one source of a tool's schema and policy, so before its first model call a run
// asks the worker for the policy of every tool it names (the resolveTools activity).
import { proxyActivities } from '@temporalio/workflow';
import type { AgentActivities } from '../../activities/contract.js';
import { oneLine } from '../../core/text.js';
import { RESOLVE_TOOLS_OPTIONS } from '../activity-options.js';
import { unwrappedRefusal } from '../step-failure.js';
import type { LoopToolPolicy } from '../temporal-tools.js';
import type { RunContext } from './context.js';
import { SUMMARY_LIMIT } from './tool-step.js';

/** The worker's policy of each tool; fails the run (ToolNotRegisteredError, ToolMismatchError) before any step. */
export async function resolveToolsOnWorker(ctx: RunContext): Promise<Map<string, LoopToolPolicy>> {
  const { resolveTools } = proxyActivities<AgentActivities>({
    ...RESOLVE_TOOLS_OPTIONS,
    summary: oneLine(`resolve tools ${ctx.task.tools.map((ref) => ref.name).join(', ')}`, SUMMARY_LIMIT),
  });
  try {
    const resolved = await resolveTools({ tools: ctx.task.tools });
    return new Map(resolved.map(({ name, fingerprint: _fingerprint, ...policy }) => [name, policy]));
  } catch (err) {
    throw unwrappedRefusal(err);
  }
}
