/**
 * End to end: `tessera start` as a real process (token service, core API, demo shop), and a
 * customer in real Chromium on the demo shop's page — accepting the quote, completing onboarding
 * across a reload, updating the account — with each `tessera-success` reaching the partner page
 * and the matching events in the core API's feed. Then what goes wrong: a token expiring during
 * onboarding, the partner suspended mid-session, a page on an origin the partner never registered.
 *
 * Screenshots of each widget's main states land in test/e2e/screenshots/ (not committed).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { EventPage } from '../../contracts/index.ts';
import { startDemoSite } from '../../demo/site.ts';
import {
  BIN,
  TEST_ENV,
  startTessera,
  type RunningStart,
  type Started,
} from '../support/tessera-start.ts';
import { tempDir } from '../token-service/helpers.ts';
import { CHROMIUM_PATH, launchChromium } from '../support/chromium.ts';

const SCREENSHOTS = new URL('./screenshots/', import.meta.url).pathname;
/** Generous: a shared, busy machine. Not a speed check, only "it got there". */
const PATIENCE = { timeout: 30_000 };

const skip = existsSync(CHROMIUM_PATH) ? false : `Chromium not found at ${CHROMIUM_PATH}`;

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Records what the page saw: uncaught errors and console errors. Chromium logs every HTTP error
 * answer; `expected` lists the statuses a test meets on purpose (a 412 the widget resolves).
 */
function watch(page: Page, expected: number[] = []): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    const status = /responded with a status of (\d+)/.exec(message.text())?.[1];
    if (status && expected.includes(Number(status))) return;
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return problems;
}

/** The partner page's own log of `tessera-*` events (demo/public/demo.js writes it). */
function heard(page: Page, widget: string, type: string): Locator {
  return page.locator(`#events li[data-widget="${widget}"][data-type="${type}"]`);
}

/**
 * The core API's event feed for the demo account, read with each widget's token from the demo
 * backend: a token sees only the event types its scopes read, so the three together see them all.
 */
async function feed(info: Started): Promise<string[]> {
  const origin = new URL(info.demo_site).origin;
  const events = new Map<string, string>();
  for (const widget of ['quote', 'onboarding', 'account']) {
    const minted = await fetch(`${info.demo_site}/api/widget-token?widget=${widget}`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: '{}',
    });
    const { token } = (await minted.json()) as { token: string };
    const response = await fetch(`${info.core_api}/v1/events?limit=100`, {
      headers: { authorization: `Bearer ${token}`, origin },
    });
    assert.equal(response.status, 200);
    for (const event of EventPage.parse(await response.json()).data)
      events.set(event.id, event.type);
  }
  return [...events.values()];
}

async function fillContactStep(onboarding: Locator): Promise<void> {
  await onboarding.locator('#contact-name').fill('Lena Schäfer');
  await onboarding.locator('#contact-email').fill('lena@nordlicht.example');
  await onboarding.locator('#phone').fill('030 1234567');
}

describe('the demo shop in Chromium (end to end)', { skip }, () => {
  let browser: Browser;
  let running: RunningStart;
  let info: Started;

  before(async () => {
    running = await startTessera(await tempDir('tessera-e2e-'));
    info = running.info;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    if (running) assert.equal(await running.stop(), 0, 'Ctrl-C stops everything cleanly');
  });

  it('a customer accepts the quote, completes onboarding across a reload and updates the account; the page hears each success and the feed has each event once', async () => {
    const page = await browser.newPage();
    const problems = watch(page, [412]);
    await page.goto(info.demo_site);

    // The quote.
    const quote = page.locator('tessera-quote');
    await quote.getByRole('heading', { name: /^Quote Q-/ }).waitFor(PATIENCE);
    await screenshot(page, 'quote-ready');
    await quote.getByLabel('Your name').fill('Ada Lovelace');
    await quote.getByLabel('Your email').fill('ada@example.com');
    await quote.getByLabel('I accept the terms of this quote').check();
    await quote.getByRole('button', { name: 'Accept quote' }).click();
    await quote
      .getByText(/You accepted quote Q-.*Accepted by Ada Lovelace/)
      .first()
      .waitFor(PATIENCE);
    await heard(page, 'tessera-quote', 'tessera-success').waitFor(PATIENCE);
    await screenshot(page, 'quote-accepted');

    // Onboarding: the seeded application resumes at its contact step.
    let onboarding = page.locator('tessera-onboarding');
    await onboarding
      .getByRole('heading', { name: 'Step 2 of 4: Contact person' })
      .waitFor(PATIENCE);
    await fillContactStep(onboarding);
    await onboarding.getByRole('button', { name: 'Save and continue' }).click();
    await onboarding.getByRole('heading', { name: 'Step 3 of 4: Billing' }).waitFor(PATIENCE);
    await screenshot(page, 'onboarding-billing');

    // A reload in the middle: the application comes back at the same step with its values.
    await page.reload();
    onboarding = page.locator('tessera-onboarding');
    await onboarding.getByRole('heading', { name: 'Step 3 of 4: Billing' }).waitFor(PATIENCE);
    await onboarding.getByRole('button', { name: 'Back' }).click();
    await onboarding
      .getByRole('heading', { name: 'Step 2 of 4: Contact person' })
      .waitFor(PATIENCE);
    assert.equal(await onboarding.locator('#contact-name').inputValue(), 'Lena Schäfer');
    assert.equal(await onboarding.locator('#phone').inputValue(), '+49301234567');
    await onboarding.getByRole('button', { name: 'Save and continue' }).click();
    await onboarding.getByRole('heading', { name: 'Step 3 of 4: Billing' }).waitFor(PATIENCE);
    await onboarding.locator('#line1').fill('Friedrichstraße 123');
    await onboarding.locator('#city').fill('Berlin');
    await onboarding.locator('#postal-code').fill('10117');
    await onboarding.getByRole('button', { name: 'Save and continue' }).click();
    await onboarding
      .getByRole('heading', { name: 'Step 4 of 4: Review and submit' })
      .waitFor(PATIENCE);
    await onboarding.locator('#accept-terms').check();
    await onboarding.getByRole('button', { name: 'Submit application' }).click();
    await onboarding.getByText('Application submitted').first().waitFor(PATIENCE);
    await heard(page, 'tessera-onboarding', 'tessera-success').waitFor(PATIENCE);
    await screenshot(page, 'onboarding-submitted');

    // The account. The widget loaded it before the submission updated it, so saving meets the
    // newer version: the customer is asked, and keeps their change.
    const account = page.locator('tessera-account');
    await account.getByRole('button', { name: 'Edit details' }).click(PATIENCE);
    await account.locator('#billing-email').fill('invoices@nordlicht.example');
    await screenshot(page, 'account-editing');
    await account.getByRole('button', { name: 'Save changes' }).click();
    await account
      .getByRole('heading', { name: 'These details were changed elsewhere' })
      .waitFor(PATIENCE);
    await screenshot(page, 'account-conflict');
    await account.getByRole('button', { name: 'Keep my changes' }).click();
    await account.getByText('Your changes were saved.').first().waitFor(PATIENCE);
    await account.getByText('invoices@nordlicht.example').first().waitFor(PATIENCE);
    await heard(page, 'tessera-account', 'tessera-success').waitFor(PATIENCE);
    await screenshot(page, 'account-saved');

    const types = await feed(info);
    assert.equal(types.filter((t) => t === 'quote.accepted').length, 1);
    assert.equal(types.filter((t) => t === 'onboarding.submitted').length, 1);
    // The submission updates the account, and so does the customer's own change.
    assert.ok(types.filter((t) => t === 'account.updated').length >= 2, types.join(', '));
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('refuses the widgets on an origin the partner never registered, with a clear error', async () => {
    // The demo backend again, with the partner's real key, but served from another port.
    const stranger = await startDemoSite({
      host: '127.0.0.1',
      port: 0,
      tokenServiceUrl: info.token_service,
      coreApiUrl: info.core_api,
      secretKey: info.demo.secret_key,
      accountId: info.demo.seed.account_id,
      quoteId: info.demo.seed.quotes.open,
    });
    const page = await browser.newPage();
    try {
      const minted = await fetch(`${stranger.url}/api/widget-token?widget=quote`, {
        method: 'POST',
        headers: { origin: stranger.url, 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(minted.status, 502);
      assert.equal(
        ((await minted.json()) as { error: { code: string } }).error.code,
        'origin_not_allowed',
        'the token service refuses to mint for that origin',
      );
      await page.goto(stranger.url);
      const quote = page.locator('tessera-quote');
      await quote.getByRole('alert').waitFor(PATIENCE);
      assert.match(await quote.getByRole('alert').innerText(), /session could not be renewed/);
      await quote.getByRole('button', { name: 'Try again' }).waitFor(PATIENCE);
      await heard(page, 'tessera-quote', 'tessera-error').first().waitFor(PATIENCE);
      await screenshot(page, 'quote-origin-refused');
    } finally {
      await page.close();
      await stranger.close();
    }
  });
});

describe(
  'the demo shop when tokens expire or the partner is suspended (end to end)',
  { skip },
  () => {
    let browser: Browser;
    let running: RunningStart;
    let info: Started;
    let dataDir: string;

    before(async () => {
      dataDir = await tempDir('tessera-e2e-');
      // Five-second widget tokens: the demo partner is in test mode, which allows them.
      running = await startTessera(dataDir, { TESSERA_DEMO_TOKEN_TTL: '5' });
      info = running.info;
      browser = await launchChromium();
    });

    after(async () => {
      await browser?.close();
      if (running) assert.equal(await running.stop(), 0);
    });

    it('a token expiring during onboarding loses nothing the customer typed', async () => {
      const page = await browser.newPage();
      const problems = watch(page);
      const tokenCalls: string[] = [];
      page.on('request', (request) => {
        if (request.url().includes('/api/widget-token?widget=onboarding'))
          tokenCalls.push(request.url());
      });
      await page.goto(info.demo_site);
      const onboarding = page.locator('tessera-onboarding');
      await onboarding
        .getByRole('heading', { name: 'Step 2 of 4: Contact person' })
        .waitFor(PATIENCE);
      await fillContactStep(onboarding);
      // The customer pauses longer than the token lives.
      await page.waitForTimeout(7_000);
      assert.equal(await onboarding.locator('#contact-name').inputValue(), 'Lena Schäfer');
      await onboarding.getByRole('button', { name: 'Save and continue' }).click();
      await onboarding.getByRole('heading', { name: 'Step 3 of 4: Billing' }).waitFor(PATIENCE);
      assert.ok(tokenCalls.length >= 2, 'a fresh token was fetched');
      await onboarding.getByRole('button', { name: 'Back' }).click();
      await onboarding
        .getByRole('heading', { name: 'Step 2 of 4: Contact person' })
        .waitFor(PATIENCE);
      assert.equal(
        await onboarding.locator('#contact-email').inputValue(),
        'lena@nordlicht.example',
      );
      assert.deepEqual(problems, []);
      await page.close();
    });

    it('the partner suspended mid-session: the widget says so with a clear error', async () => {
      const page = await browser.newPage();
      await page.goto(info.demo_site);
      const account = page.locator('tessera-account');
      await account.getByRole('button', { name: 'Edit details' }).waitFor(PATIENCE);

      const suspended = spawnSync(
        process.execPath,
        [BIN, '--json', '--data-dir', dataDir, 'partner', 'suspend', info.demo.partner_id],
        { env: TEST_ENV, encoding: 'utf8' },
      );
      assert.equal(suspended.status, 0, suspended.stderr);

      // The open page acts again once its five-second token has run out: the token service
      // refuses the partner at once, so the widget cannot get another.
      await page.waitForTimeout(6_000);
      await account.getByRole('button', { name: 'Edit details' }).click();
      await account.locator('#billing-email').fill('after-suspension@nordlicht.example');
      await account.getByRole('button', { name: 'Save changes' }).click();
      const alert = account.getByRole('alert');
      await alert.waitFor({ timeout: 60_000 });
      assert.match(await alert.innerText(), /could not be saved|session could not be renewed/i);
      assert.equal(
        await account.locator('#billing-email').inputValue(),
        'after-suspension@nordlicht.example',
        'what the customer typed is still there',
      );
      await screenshot(page, 'account-partner-suspended');
      await page.close();
    });
  },
);
