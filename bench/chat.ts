// The chat app (examples/chat-app) in headless Chromium: Stop click → the slow tool aborted on the worker (p95 over 20
// trials; goal < 1 s, the bound), and a reload mid-answer → the answer shown again (replayed) and → the first
// new token after the reload. Real dev server, worker, fake model and handler; skipped without /usr/bin/chromium.
import { existsSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { startChatApp } from '../examples/chat-app/app.js';
import { chatResponder, STORY } from '../examples/chat-app/responder.js';
import { chatTools, toolLog } from '../examples/chat-app/tools.js';
import { sectionWorker, waitUntil, type BenchContext, type Row, type SectionResult } from './context.js';
import { ms, summarise } from './stats.js';

const CHROMIUM = '/usr/bin/chromium';
const STOP_GOAL_MS = 1000;

const assistantText = async (page: Page): Promise<string> =>
  (await page.getByTestId('msg-assistant').last().getByTestId('text').allInnerTexts().catch(() => [])).join('');

export async function chatSection(ctx: BenchContext): Promise<SectionResult> {
  if (!existsSync(CHROMIUM)) {
    return { rows: [{ section: 'chat', metric: 'skipped', measured: `${CHROMIUM} is missing (scripts/install-chromium.sh)` }], data: {} };
  }
  const taskQueue = `${ctx.taskQueue}-chat`;
  ctx.fake.setResponder(chatResponder);
  const worker = await sectionWorker(ctx, taskQueue, { tools: chatTools });
  const app = await startChatApp({ client: ctx.client, taskQueue });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const stopTrials = ctx.quick ? 3 : 20;
  const reloadTrials = ctx.quick ? 1 : 5;
  const stopMs: number[] = [];
  const replayMs: number[] = [];
  const newTokenMs: number[] = [];
  try {
    await worker.runUntil(async () => {
      const page = await browser.newPage();
      for (let i = 0; i < stopTrials; i++) {
        await page.goto(`${app.url}/?chat=bench-stop-${i}&user=bench`);
        const since = toolLog.length;
        await page.getByTestId('input').fill('crunch 20 units');
        await page.getByTestId('send').click();
        await waitUntil(() => toolLog.slice(since).some((e) => e.tool === 'crunch_numbers' && e.event === 'start'), 'crunch_numbers to start', 20_000);
        const clicked = Date.now();
        await page.getByTestId('stop').click();
        await waitUntil(() => toolLog.slice(since).some((e) => e.event === 'aborted'), 'the tool to be aborted', 10_000);
        stopMs.push(toolLog.slice(since).find((e) => e.event === 'aborted')!.at - clicked);
      }
      for (let i = 0; i < reloadTrials; i++) {
        await page.goto(`${app.url}/?chat=bench-reload-${i}&user=bench`);
        await page.getByTestId('input').fill('tell me a story');
        await page.getByTestId('send').click();
        const deadline = Date.now() + 20_000;
        while ((await assistantText(page)).length <= 40) {
          if (Date.now() > deadline) throw new Error('the story never streamed');
          await new Promise((r) => setTimeout(r, 20));
        }
        const before = (await assistantText(page)).length;
        const reloaded = Date.now();
        await page.reload();
        let replayed = 0;
        for (;;) {
          const text = await assistantText(page);
          if (!replayed && text.length > 0) replayed = Date.now() - reloaded;
          if (text.length > before) {
            newTokenMs.push(Date.now() - reloaded);
            break;
          }
          if (text === STORY || Date.now() - reloaded > 20_000) break;
          await new Promise((r) => setTimeout(r, 10));
        }
        replayMs.push(replayed);
      }
      await page.close();
    });
  } finally {
    await browser.close();
    await app.close();
  }
  const stop = summarise(stopMs);
  const rows: Row[] = [
    { section: 'chat', metric: `Stop click → tool aborted, p95 of ${stopMs.length}`, goal: `< ${ms(STOP_GOAL_MS)}`, measured: `${ms(stop.p95)} (median ${ms(stop.p50)})`, pass: stop.p95 < STOP_GOAL_MS },
    { section: 'chat', metric: `reload → answer shown again (replayed), median of ${replayMs.length}`, measured: ms(summarise(replayMs).p50) },
    { section: 'chat', metric: `reload → first new token, median of ${newTokenMs.length}`, measured: newTokenMs.length ? ms(summarise(newTokenMs).p50) : 'the story ended first' },
  ];
  return { rows, data: { stopMs, replayMs, newTokenMs } };
}
