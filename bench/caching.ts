// Prompt caching: the same 20-turn run (19 tool round trips, then the answer) on a worker that marks cache breakpoints
// and on one that does not, against the fake model's version of Anthropic's cache rules. Reports the share of input
// tokens served from the cache and what the run costs, in base-input-token units at Anthropic's multipliers (cache
// write 1.25x, cache read 0.1x, output 5x as for Claude Sonnet), with caching against without.
import { z } from 'zod';
import { Agent } from '../src/client/agent.js';
import { Task } from '../src/client/task.js';
import { tool } from '../src/tools/tool-definition.js';
import { scriptedResponder, textTurn, toolTurn } from '../src/testing/fake-anthropic/index.js';
import type { Usage } from '../src/core/types.js';
import { sectionWorker, type BenchContext, type Row, type SectionResult } from './context.js';
import { round } from './stats.js';

const TURNS = 20;
const PRICE = { input: 1, cacheWrite: 1.25, cacheRead: 0.1, output: 5 } as const;
const GOAL_READ_SHARE = 0.8;
const GOAL_COST_RATIO = 0.35;

const readPage = tool({
  name: 'read_page',
  description: 'Reads one page of the handbook.',
  input: z.object({ page: z.number().int() }),
  run: ({ page }) => `Page ${page}: ${'The handbook explains one more rule of the house style in detail. '.repeat(20)}`,
});

function cost(usage: Usage): number {
  return (
    usage.inputTokens * PRICE.input +
    (usage.cacheCreationInputTokens ?? 0) * PRICE.cacheWrite +
    (usage.cacheReadInputTokens ?? 0) * PRICE.cacheRead +
    usage.outputTokens * PRICE.output
  );
}

const allInput = (usage: Usage): number => usage.inputTokens + (usage.cacheReadInputTokens ?? 0) + (usage.cacheCreationInputTokens ?? 0);

async function runOnce(ctx: BenchContext, promptCaching: boolean): Promise<Usage> {
  const taskQueue = `${ctx.taskQueue}-caching-${promptCaching ? 'on' : 'off'}`;
  const worker = await sectionWorker(ctx, taskQueue, { tools: [readPage], anthropic: { baseURL: ctx.fake.url, apiKey: 'bench-key', promptCaching } });
  return worker.runUntil(async () => {
    ctx.fake.setResponder(
      scriptedResponder([
        ...Array.from({ length: TURNS - 1 }, (_, i) => toolTurn([{ name: 'read_page', input: { page: i + 1 } }], { text: `Reading page ${i + 1}.` })),
        textTurn('I have read the handbook and will follow its rules.'),
      ]),
    );
    const agent = new Agent('anthropic/claude-sonnet-4-6', { client: ctx.client, taskQueue });
    // A system prompt of about 2,000 tokens (a realistic agent's instructions), distinct per run so no run reads another's cache.
    const system = `Run ${promptCaching ? 'cached' : 'uncached'} ${Date.now()}. ${'Follow the house style: short sentences, exact figures, no filler. '.repeat(120)}`;
    const output = await agent.do(new Task({ description: `Read pages 1 to ${TURNS - 1} of the handbook, one at a time.`, system, tools: [readPage], maxSteps: 2 * TURNS }));
    if (output.status !== 'completed') throw new Error(`the ${promptCaching ? 'cached' : 'uncached'} run ended ${output.status}: ${output.error?.message ?? ''}`);
    return output.usage;
  });
}

export async function cachingSection(ctx: BenchContext): Promise<SectionResult> {
  const cached = await runOnce(ctx, true);
  const uncached = await runOnce(ctx, false);
  const readShare = (cached.cacheReadInputTokens ?? 0) / allInput(cached);
  const costRatio = cost(cached) / cost(uncached);
  const inputCostRatio = (cost(cached) - cached.outputTokens * PRICE.output) / (cost(uncached) - uncached.outputTokens * PRICE.output);
  ctx.log(`caching: with ${JSON.stringify(cached)}, without ${JSON.stringify(uncached)}`);
  const rows: Row[] = [
    {
      section: 'caching',
      metric: `${TURNS}-turn run: share of input tokens read from the cache`,
      goal: `>= ${GOAL_READ_SHARE * 100}%`,
      measured: `${round(readShare * 100)}% (${cached.cacheReadInputTokens ?? 0} of ${allInput(cached)})`,
      pass: readShare >= GOAL_READ_SHARE,
    },
    {
      section: 'caching',
      metric: `${TURNS}-turn run: cost with caching / without (write 1.25x, read 0.1x, output 5x)`,
      goal: `<= ${GOAL_COST_RATIO}`,
      measured: `${round(costRatio, 3)} (${round(cost(cached))} / ${round(cost(uncached))} base-input-token units)`,
      pass: costRatio <= GOAL_COST_RATIO,
    },
    {
      section: 'caching',
      metric: `${TURNS}-turn run: input cost with caching / without`,
      measured: `${round(inputCostRatio, 3)} (written ${cached.cacheCreationInputTokens ?? 0}, uncached ${cached.inputTokens}; without caching ${uncached.inputTokens} input)`,
    },
  ];
  return { rows, data: { turns: TURNS, prices: PRICE, cached, uncached, readShare, costRatio, inputCostRatio } };
}
