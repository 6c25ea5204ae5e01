// Reading the Temporal Web UI from headless Chromium: the text of a page and its frames, and an execution's
// Current Details (the User Metadata tab), polled until they show what a test expects. Screenshots: .artifacts/web-ui.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from './servers.js';

const SHOTS = join(ROOT, '.artifacts', 'web-ui');

/** The rendered text of the page and its frames (the UI renders markdown details in a frame of their own). */
async function allText(page: Page): Promise<string> {
  const parts: string[] = [];
  for (const frame of page.frames()) {
    try {
      parts.push(await frame.locator('body').innerText({ timeout: 2_000 }));
    } catch {
      // a frame that went away while reading
    }
  }
  return parts.join('\n');
}

/** Opens the execution's User Metadata tab and waits until its Current Details match every pattern. */
export async function currentDetailsShow(
  page: Page,
  /** The UI's namespace URL, e.g. http://127.0.0.1:8233/namespaces/default */
  base: string,
  workflowId: string,
  executionRunId: string,
  patterns: RegExp[],
  /** Screenshot name under .artifacts/web-ui (`<shot>-FAILED.png` when it never matched). */
  shot: string,
): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await page.goto(`${base}/workflows/${workflowId}/${executionRunId}/history`);
    await page.getByRole('tab', { name: /User Metadata/ }).click();
    const until = Date.now() + 4_000;
    let text = '';
    while (Date.now() < until) {
      text = await allText(page);
      const missing = patterns.filter((p) => !p.test(text));
      if (!missing.length) {
        await page.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: true });
        return text;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    if (Date.now() > deadline) {
      await page.screenshot({ path: join(SHOTS, `${shot}-FAILED.png`), fullPage: true });
      assert.fail(`Current Details of ${workflowId}/${executionRunId} never showed ${patterns.filter((p) => !p.test(text)).join(', ')}.\nPage text:\n${text.slice(0, 3000)}`);
    }
  }
}

