/**
 * The demo shop's "What our backend heard" panel in Chromium: deliveries signed as the core API
 * signs them (the official `standardwebhooks` library) reach the shop backend's receiver, which
 * verifies each over its raw body, notes a repeated `webhook-id` once, refuses a forged one, and
 * the page shows them live, accessibly.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { WebhookReceiver, shopTessera } from '../../demo/backend.ts';
import { startDemoSite, type DemoSite } from '../../demo/site.ts';
import { startTestStack, type TestStack } from '../core-api/helpers.ts';
import { CHROMIUM_PATH, launchChromium } from '../support/chromium.ts';

const SCREENSHOTS = new URL('./screenshots/', import.meta.url).pathname;
const PATIENCE = { timeout: 30_000 };
const skip = existsSync(CHROMIUM_PATH) ? false : `Chromium not found at ${CHROMIUM_PATH}`;

describe("the demo shop's backend panel", { skip }, () => {
  let stack: TestStack;
  let site: DemoSite;
  let browser: Browser;
  const secret = `whsec_${randomBytes(24).toString('base64')}`;

  before(async () => {
    stack = await startTestStack({ TESSERA_LOG_LEVEL: 'silent' });
    site = await startDemoSite({
      host: '127.0.0.1',
      port: 0,
      tokenServiceUrl: stack.tokenService.url,
      coreApiUrl: stack.api.url,
      secretKey: stack.partner.secret,
      accountId: stack.seed.account_id,
      quoteId: stack.seed.quotes.open,
      receiver: new WebhookReceiver(
        shopTessera({
          tokenServiceUrl: stack.tokenService.url,
          coreApiUrl: stack.api.url,
          partnerId: stack.partner.id,
          secretKey: stack.partner.secret,
        }),
        secret,
      ),
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
    await stack?.close();
  });

  function deliver(id: string, type: string, signWith = secret) {
    const body = JSON.stringify({
      type,
      timestamp: new Date().toISOString(),
      data: { id: 'qt_x' },
    });
    const now = new Date();
    return fetch(`${site.url}/webhooks/tessera`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': new Webhook(signWith).sign(id, now, body),
      },
      body,
    });
  }

  it('shows each verified delivery once, marks a forged one, and passes axe', async () => {
    const page = await browser.newPage();
    await page.goto(site.url);
    const panel = page.locator('#backend');

    assert.equal((await deliver('evt_aaa', 'quote.accepted')).status, 204);
    assert.equal((await deliver('evt_aaa', 'quote.accepted')).status, 204, 'a repeat is taken');
    const forged = `whsec_${randomBytes(24).toString('base64')}`;
    assert.equal((await deliver('evt_bbb', 'quote.declined', forged)).status, 400);

    await panel.locator('li[data-webhook-id="evt_aaa"][data-verified="true"]').waitFor(PATIENCE);
    await panel.locator('li[data-webhook-id="evt_bbb"][data-verified="false"]').waitFor(PATIENCE);
    assert.equal(await panel.locator('li[data-webhook-id="evt_aaa"]').count(), 1);
    assert.match(
      await panel.locator('li[data-webhook-id="evt_aaa"]').innerText(),
      /quote\.accepted evt_aaa verified ✓/,
    );

    // axe, evaluated over the debugger protocol (the page's CSP admits no injected script).
    const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
    await page.evaluate(await readFile(axePath, 'utf8'));
    const violations = await page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: { run: (c: unknown) => Promise<{ violations: { id: string }[] }> };
        }
      ).axe;
      const section = document.getElementById('backend-heading')!.closest('section')!;
      return (await axe.run(section)).violations.map((v) => v.id);
    });
    assert.deepEqual(violations, []);

    await mkdir(SCREENSHOTS, { recursive: true });
    // The panel alone: this stack's partner does not list the site's ephemeral origin, so the
    // widgets beside it show their token error, which is not what this picture is of.
    await page
      .locator('section', { has: page.locator('#backend-heading') })
      .screenshot({ path: join(SCREENSHOTS, 'backend-heard.png') });
    await page.close();
  });
});
