// Task({ context }): a run whose tool results together pass the model's context window completes, because each
// request is kept under a token budget: older tool results are sent as short placeholders (the run's history keeps
// them whole). Offline, the fake model has a 4,000-token window and refuses anything longer, as the API does.
// Run: TEMPORAL_ADDRESS=localhost:7233 npx tsx examples/context-management/main.ts
import { fileURLToPath } from 'node:url';
import { Agent, Task, closeConnections, tool, type RunOutput } from 'durable-agent';
import { textTurn, toolTurn } from 'durable-agent/testing';
import { z } from 'zod';
import { startExample, stepLines, type ExampleOptions } from '../shared/setup.js';

const PAGES = 6;

/** One page of a long report: about 2,400 characters (600 tokens) each. */
const fetchPage = tool({
  name: 'fetch_page',
  description: 'Fetches one page of the quarterly report.',
  input: z.object({ page: z.number().int() }),
  run: ({ page }) => `Page ${page}: ${'revenue grew in every region; costs held steady. '.repeat(48)}`,
});

export async function readLongReport(options: ExampleOptions = {}): Promise<{ output: RunOutput; peakInputTokens: number }> {
  const example = await startExample('context-management', {
    ...options,
    tools: [fetchPage],
    // Offline: the model fetches the pages one by one, then answers; its window is 4,000 tokens.
    anthropic: [
      ...Array.from({ length: PAGES }, (_, i) => toolTurn([{ name: 'fetch_page', input: { page: i + 1 } }])),
      textTurn(`Revenue grew in every region across all ${PAGES} pages; costs held steady.`),
    ],
    contextWindow: 4000,
  });
  try {
    const agent = new Agent('anthropic/claude-sonnet-4-6', example.connection);
    const task = new Task({
      description: `Read the quarterly report (fetch_page, pages 1 to ${PAGES}, one at a time) and summarise it in one sentence.`,
      tools: [fetchPage],
      maxTokens: 512,
      // Keep each request under 3,000 tokens: clear all but the last two turns' tool results when it would pass.
      context: { budgetTokens: 3000, strategy: 'clear-tool-results', keepRecent: 2 },
    });
    const output = await agent.do(task);
    const peakInputTokens = Math.max(0, ...output.stepResults.map((s) => (s.usage ? s.usage.inputTokens + (s.usage.cacheReadInputTokens ?? 0) + (s.usage.cacheCreationInputTokens ?? 0) : 0)));
    example.print(`status: ${output.status}`, ...stepLines(output.stepResults));
    for (const s of output.stepResults) {
      if (s.context) example.print(`step ${s.index}: ${s.context.clearedToolResults} tool results cleared, about ${s.context.estimatedTokens} of ${s.context.budgetTokens} tokens sent`);
    }
    example.print(`peak input tokens of a request: ${peakInputTokens}`, `output: ${String(output.output)}`);
    return { output, peakInputTokens };
  } finally {
    await example.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await readLongReport();
  await closeConnections();
}
