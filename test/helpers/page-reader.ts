// A model that reads a report page by page (fetch_page), for context-management tests and recordings: the pages
// together pass a small context window, so a run completes only if its requests were compacted. It answers a
// summarisation request with a summary, and reads on from the last tool result in the transcript, however compacted.
import { z } from 'zod';
import { textTurn, toolTurn, type FakeTurn, type RecordedRequest } from '../../src/testing/fake-anthropic/index.js';
import type { OpenAIRecordedRequest } from '../../src/testing/fake-openai/index.js';
import { tool } from '../../src/tools/tool-definition.js';
import { SUMMARIZE_INSTRUCTION } from '../../src/workflows/context-window.js';

/** About 2,400 characters (600 tokens) a page. */
export const pageText = (page: number): string => `Page ${page}: ${'lorem ipsum dolor sit amet '.repeat(88)}`;

export const fetchPage = tool({
  name: 'fetch_page',
  description: 'Fetches one page of the report.',
  input: z.object({ page: z.number().int() }),
  run: ({ page }) => pageText(page),
});

/** The last page the request's transcript has a result of (0 before the first). */
export function lastPage(request: RecordedRequest): number {
  const ids = request.body.messages.flatMap((m) => (typeof m.content === 'string' ? [] : m.content.flatMap((b) => (b.type === 'tool_result' ? [b.tool_use_id] : []))));
  const last = ids[ids.length - 1];
  return last ? Number(last.replace('page-', '')) : 0;
}

/** The last page an OpenAI Chat Completions request has a result of (its last `tool` message; 0 before the first). */
export function lastPageOpenAI(request: OpenAIRecordedRequest): number {
  const last = request.body.messages.filter((m) => m.role === 'tool').at(-1);
  return last?.tool_call_id ? Number(last.tool_call_id.replace('page-', '')) : 0;
}

/** The request is a summarisation step's (its last message ends with the instruction). */
export function isSummarisation(request: RecordedRequest): boolean {
  const last = request.body.messages[request.body.messages.length - 1];
  return typeof last?.content !== 'string' && (last?.content.some((b) => b.type === 'text' && b.text === SUMMARIZE_INSTRUCTION) ?? false);
}

/**
 * Fetch pages 1 to `pages` one by one, then answer. `slow`: the turn that asks for that page streams slowly the first
 * time (`cut` is set then), so a cancel lands in the middle of it.
 */
export function pageReader(pages: number, slow?: { page: number; cut: boolean }) {
  return (request: RecordedRequest): FakeTurn => {
    if (isSummarisation(request)) return textTurn(`Pages 1 to ${lastPage(request)} were fetched; all of them are lorem ipsum.`);
    return nextPageTurn(lastPage(request) + 1, pages, slow);
  };
}

/** The same reader for the OpenAI fake (no summaries). */
export function pageReaderOpenAI(pages: number) {
  return (request: OpenAIRecordedRequest): FakeTurn => nextPageTurn(lastPageOpenAI(request) + 1, pages);
}

function nextPageTurn(next: number, pages: number, slow?: { page: number; cut: boolean }): FakeTurn {
  if (next > pages) return textTurn(`Read all ${pages} pages.`);
  const delay = slow && slow.page === next && !slow.cut ? ((slow.cut = true), 1500) : 0;
  return toolTurn([{ id: `page-${next}`, name: 'fetch_page', input: { page: next } }], { chunkDelayMs: delay });
}
