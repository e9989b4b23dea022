/**
 * End to end: `tessera start` as a real process, and the demo shop's backend on `@tessera/node`.
 * A customer accepts the shop's quote in Chromium; the core API delivers `quote.accepted` to the
 * shop backend's receiver over HTTP; the delivery, exactly as the backend got it, verifies with
 * the official `standardwebhooks` library and the endpoint secret the shop keeps, its
 * `webhook-id` is the `event_id` of the widget's `tessera-success`, and the page's panel shows it
 * verified. A restart on the same data dir keeps the one endpoint and its secret.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { HeardDelivery } from '../../demo/backend.ts';
import { startTessera, type RunningStart, type Started } from '../support/tessera-start.ts';
import { tempDir } from '../token-service/helpers.ts';
import { CHROMIUM_PATH, launchChromium } from '../support/chromium.ts';

/** Generous: a shared, busy machine. Not a speed check, only "it got there". */
const PATIENCE = { timeout: 60_000 };
const skip = existsSync(CHROMIUM_PATH) ? false : `Chromium not found at ${CHROMIUM_PATH}`;

/** What the shop backend's receiver heard, from the endpoint the page's panel polls. */
async function heard(info: Started): Promise<HeardDelivery[]> {
  const response = await fetch(`${info.demo_site}/api/backend-heard`);
  assert.equal(response.status, 200);
  return ((await response.json()) as { deliveries: HeardDelivery[] }).deliveries;
}

/** The partner API as the shop's operator calls it, with a partner token for its webhooks. */
async function partnerApi(info: Started, method: string, path: string): Promise<unknown> {
  const minted = await fetch(`${info.token_service}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${info.demo.partner_id}:${info.demo.secret_key}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials&scope=partner:webhooks',
  });
  const { access_token } = (await minted.json()) as { access_token: string };
  const response = await fetch(`${info.core_api}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${access_token}`,
      ...(method === 'GET' ? {} : { 'idempotency-key': crypto.randomUUID() }),
    },
  });
  const body: unknown = await response.json();
  assert.ok(response.ok, `${method} ${path} answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

describe("the demo shop's backend hears the customer's acceptance (end to end)", { skip }, () => {
  let browser: Browser;
  let dataDir: string;
  let running: RunningStart | undefined;

  before(async () => {
    dataDir = await tempDir('tessera-e2e-webhook-');
    running = await startTessera(dataDir);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    if (running) assert.equal(await running.stop(), 0, 'Ctrl-C stops everything cleanly');
  });

  it('delivers quote.accepted to the shop backend, signed so standardwebhooks verifies it, under the event_id the widget reported', async () => {
    const info = running!.info;
    const { shop } = info.demo;
    assert.equal(shop.customer_external_id, 'shop-customer-1001');
    assert.equal(shop.account_id, info.demo.seed.account_id, 'the seeded customer, by its shop id');
    assert.equal(shop.webhook.url, `${info.demo_site}/webhooks/tessera`);
    assert.match(shop.webhook.secret, /^whsec_/);

    const page = await browser.newPage();
    await page.goto(info.demo_site);
    const quote = page.locator('tessera-quote');
    await quote.getByRole('heading', { name: /^Quote Q-/ }).waitFor(PATIENCE);
    assert.equal(await quote.getAttribute('quote-id'), shop.quote_id, 'the quote the shop made');

    // Listening as the partner's page does, before the customer acts.
    const success = page.evaluate(
      () =>
        new Promise<{ action: string; event_id?: string }>((resolve) =>
          document.addEventListener(
            'tessera-success',
            (event) => resolve(event.detail as { action: string; event_id?: string }),
            { once: true },
          ),
        ),
    );
    await quote.getByLabel('Your name').fill('Ada Lovelace');
    await quote.getByLabel('Your email').fill('ada@example.com');
    await quote.getByLabel('I accept the terms of this quote').check();
    await quote.getByRole('button', { name: 'Accept quote' }).click();
    const detail = await success;
    assert.equal(detail.action, 'accept');
    assert.match(detail.event_id ?? '', /^evt_/, 'tessera-success carries the event id');
    const eventId = detail.event_id!;

    // The page's panel: the shop backend took the delivery in and verified it.
    const item = page.locator(
      `#backend li[data-webhook-id="${eventId}"][data-type="quote.accepted"][data-verified="true"]`,
    );
    await item.waitFor(PATIENCE);
    assert.match(await item.innerText(), /quote\.accepted evt_\S+ verified ✓/);

    // The delivery as the backend received it, checked again here with the official library.
    const delivery = (await heard(info)).find((d) => d.webhook_id === eventId);
    assert.ok(delivery, `the backend heard ${eventId}`);
    assert.equal(delivery.raw.headers['webhook-id'], eventId, 'webhook-id is the event_id');
    const receiver = new Webhook(shop.webhook.secret);
    const payload = receiver.verify(delivery.raw.body, delivery.raw.headers) as {
      type: string;
      data: { id: string; status: string; account_id: string };
    };
    assert.equal(payload.type, 'quote.accepted');
    assert.equal(payload.data.id, shop.quote_id);
    assert.equal(payload.data.status, 'accepted');
    assert.equal(payload.data.account_id, shop.account_id);

    // The check can fail: one byte changed, or another secret, is refused.
    assert.throws(
      () =>
        receiver.verify(delivery.raw.body.replace('accepted', 'declined'), delivery.raw.headers),
      WebhookVerificationError,
    );
    const stranger = new Webhook(`whsec_${Buffer.alloc(24, 7).toString('base64')}`);
    assert.throws(
      () => stranger.verify(delivery.raw.body, delivery.raw.headers),
      WebhookVerificationError,
    );
    await page.close();
  });

  it('a restart keeps the one endpoint and its secret, moved to where the receiver now listens', async () => {
    const first = running!.info;
    assert.equal(await running!.stop(), 0);
    running = undefined;
    running = await startTessera(dataDir);
    const second = running.info;

    assert.equal(second.demo.shop.webhook.endpoint_id, first.demo.shop.webhook.endpoint_id);
    assert.equal(second.demo.shop.webhook.secret, first.demo.shop.webhook.secret);
    assert.equal(second.demo.shop.quote_id, first.demo.shop.quote_id);
    assert.equal(second.demo.shop.webhook.url, `${second.demo_site}/webhooks/tessera`);
    const kept = JSON.parse(await readFile(join(dataDir, 'demo.json'), 'utf8')) as Started['demo'];
    assert.deepEqual(kept.shop, second.demo.shop, 'demo.json keeps what the backend uses');
    const { data } = (await partnerApi(second, 'GET', '/v1/partner/webhook-endpoints')) as {
      data: { id: string; url: string }[];
    };
    assert.deepEqual(
      data.map(({ id, url }) => ({ id, url })),
      [{ id: first.demo.shop.webhook.endpoint_id, url: second.demo.shop.webhook.url }],
      'one endpoint, none registered twice',
    );

    // The kept secret still verifies: a test delivery shows verified in the page's panel.
    await partnerApi(
      second,
      'POST',
      `/v1/partner/webhook-endpoints/${second.demo.shop.webhook.endpoint_id}/test`,
    );
    const page = await browser.newPage();
    await page.goto(second.demo_site);
    await page
      .locator('#backend li[data-type="webhook.test"][data-verified="true"]')
      .waitFor(PATIENCE);
    await page.close();
  });
});
