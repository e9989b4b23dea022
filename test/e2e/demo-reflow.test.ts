/**
 * The demo shop on a phone: `tessera start` as a process, its page in Chromium at 320 px and at
 * 1280 px wide. At 320 px nothing scrolls sideways (WCAG 2.2 SC 1.4.10, reflow) and all three
 * widgets show their content, in the light and the dark appearance the page offers. Screenshots
 * of both widths land in test/e2e/screenshots/ (not committed).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from '../support/chromium.ts';
import { startTessera, type RunningStart } from '../support/tessera-start.ts';
import { tempDir } from '../token-service/helpers.ts';

const SCREENSHOTS = new URL('./screenshots/', import.meta.url).pathname;
const PATIENCE = { timeout: 30_000 };
const skip = existsSync(CHROMIUM_PATH) ? false : `Chromium not found at ${CHROMIUM_PATH}`;

/** How far the page, and any element in it, reaches past the viewport's width (0: nothing does). */
function sidewaysOverflow(page: Page): Promise<{ page: number; widest: string | null }> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    let widest: string | null = null;
    let reach = width;
    for (const element of document.querySelectorAll('body *')) {
      const right = element.getBoundingClientRect().right;
      if (right > reach + 0.5) {
        reach = right;
        widest = element.tagName.toLowerCase() + (element.id ? `#${element.id}` : '');
      }
    }
    return { page: document.documentElement.scrollWidth - width, widest };
  });
}

async function waitForWidgets(page: Page): Promise<void> {
  await page
    .locator('tessera-quote')
    .getByRole('heading', { name: /^Quote Q-/ })
    .waitFor(PATIENCE);
  await page
    .locator('tessera-onboarding')
    .getByRole('heading', { name: /^Step \d of 4/ })
    .waitFor(PATIENCE);
  await page
    .locator('tessera-account')
    .getByRole('button', { name: 'Edit details' })
    .waitFor(PATIENCE);
}

describe('the demo shop reflows from 320 px up (end to end)', { skip }, () => {
  let browser: Browser;
  let running: RunningStart;

  before(async () => {
    running = await startTessera(await tempDir('tessera-reflow-'));
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    if (running) assert.equal(await running.stop(), 0);
  });

  for (const width of [320, 1280]) {
    it(`at ${width} px wide, the page never scrolls sideways and every widget shows its content`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(running.info.demo_site);
      await waitForWidgets(page);
      const overflow = await sidewaysOverflow(page);
      assert.equal(overflow.page, 0, `the page scrolls sideways by ${overflow.page} px`);
      assert.equal(overflow.widest, null, `${overflow.widest} reaches past the viewport`);
      await page.screenshot({ path: join(SCREENSHOTS, `demo-${width}.png`), fullPage: true });
      await page.close();
    });
  }

  it('at 320 px, the widgets keep to the screen in the dark appearance too', async () => {
    const page = await browser.newPage({ viewport: { width: 320, height: 900 } });
    await page.goto(running.info.demo_site);
    await waitForWidgets(page);
    await page.getByLabel('Appearance').selectOption('dark');
    await waitForWidgets(page);
    const overflow = await sidewaysOverflow(page);
    assert.equal(overflow.page, 0, `the page scrolls sideways by ${overflow.page} px`);
    assert.equal(overflow.widest, null, `${overflow.widest} reaches past the viewport`);
    await page.screenshot({ path: join(SCREENSHOTS, 'demo-320-dark.png'), fullPage: true });
    await page.close();
  });
});
