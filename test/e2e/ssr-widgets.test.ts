/**
 * End to end: server-rendered widgets in real Chromium against the real token service and core
 * API. The partner's server (test/widgets/ssr/pages.ts) reads the data with `@tessera/node`,
 * renders each widget with the built `@tessera/widgets/ssr` and hands over the first token; the
 * page loads `hydrate.js` before the widget. Checked: what a customer sees without JavaScript,
 * hydration without a request or a layout shift, the accept flow on the hydrated quote (and after
 * the handed-over token expired), axe before and after hydration, and that the server's HTML
 * looks and reads exactly as the browser renders the same widget by itself.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startStack, type Stack } from '../../bin/stack.ts';
import { SHOP_CUSTOMER_ID, shopQuote, shopTessera } from '../../demo/backend.ts';
import type { Tessera } from '../../sdk/index.ts';
import { CHROMIUM_PATH, launchChromium } from '../support/chromium.ts';
import { TEST_ENV } from '../support/tessera-start.ts';
import { tempDir } from '../token-service/helpers.ts';
import { buildForPages, type PageBuild } from '../widgets/ssr/build.ts';
import { startPageSite, type PageSite, type WidgetName } from '../widgets/ssr/pages.ts';

/** Generous: a shared, busy machine. Not a speed check, only "it got there". */
const PATIENCE = { timeout: 30_000 };
const WIDGETS: WidgetName[] = ['quote', 'onboarding', 'account'];

const skip = existsSync(CHROMIUM_PATH) ? false : `Chromium not found at ${CHROMIUM_PATH}`;

declare global {
  interface Window {
    /** The page's cumulative layout shift so far (test/e2e/ssr-widgets.test.ts). */
    cls: number;
  }
}

/** Sums every layout shift from navigation on, as the Layout Instability API reports it. */
function recordLayoutShift(): void {
  window.cls = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as (PerformanceEntry & {
      value: number;
      hadRecentInput: boolean;
    })[]) {
      if (!entry.hadRecentInput) window.cls += entry.value;
    }
  }).observe({ type: 'layout-shift', buffered: true });
}

/** Every request the page makes, as `METHOD path`. */
function requests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request) => {
    seen.push(`${request.method()} ${new URL(request.url()).pathname}`);
  });
  return seen;
}

function watchErrors(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return problems;
}

async function ready(page: Page, widget: WidgetName): Promise<void> {
  await page.waitForFunction(
    (tag) => document.querySelector(tag)?.matches(':state(ready)') === true,
    `tessera-${widget}`,
    PATIENCE,
  );
}

/** Two frames after the last change, so any shift the change caused has been reported. */
async function settled(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) =>
        requestAnimationFrame(() => requestAnimationFrame(() => resolve())),
      ),
  );
}

async function axeViolations(page: Page): Promise<string[]> {
  const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  await page.evaluate(await readFile(axePath, 'utf8'));
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (c: unknown) => Promise<{ violations: { id: string; nodes: unknown[] }[] }> };
      }
    ).axe;
    return (await axe.run(document)).violations.map((v) => `${v.id} (${v.nodes.length})`);
  });
}

/**
 * What a customer sees of a widget: its shadow root's text (the server's `<style>` aside) and the
 * computed look and size of its main parts.
 */
function appearanceOf(tag: string): { text: string; styles: Record<string, string> } {
  const root = document.querySelector(tag)?.shadowRoot;
  if (!root) throw new Error(`${tag} has no shadow root`);
  const text = [...root.children]
    .filter((child) => child.localName !== 'style')
    .map((child) => child.textContent ?? '')
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  const parts: Record<string, string> = {
    base: '[part~="base"]',
    title: 'h2',
    header: '[part~="header"]',
    lineItem: '[part~="line-item"]',
    total: '[part~="total"]',
    field: '[part~="field"]',
    input: 'input:not([type="checkbox"])',
    primary: '[part~="primary-button"]',
    actions: '[part~="actions"]',
    notice: '.needs-script',
  };
  const properties = [
    'display',
    'color',
    'background-color',
    'border-top-color',
    'border-top-left-radius',
    'font-family',
    'font-size',
    'font-weight',
    'padding-top',
    'width',
    'height',
  ];
  const styles: Record<string, string> = {};
  for (const [name, selector] of Object.entries(parts)) {
    const node = root.querySelector(selector);
    if (!node) continue;
    const computed = getComputedStyle(node);
    styles[name] = properties.map((p) => `${p}: ${computed.getPropertyValue(p)}`).join('; ');
  }
  return { text, styles };
}

describe('server-rendered widgets in Chromium', { skip }, () => {
  let dataDir: string;
  let stack: Stack;
  let build: PageBuild;
  let site: PageSite;
  let browser: Browser;
  let tessera: Tessera;

  /** A fresh open quote for the shop's customer, through the partner API. */
  async function newQuote(): Promise<string> {
    const quote = await tessera.quotes.create(shopQuote());
    return quote.id;
  }

  before(async () => {
    dataDir = await tempDir('tessera-ssr-e2e-');
    [stack, build] = await Promise.all([
      startStack({ dataDir, tokenServicePort: 0, coreApiPort: 0, demoPort: 0, env: TEST_ENV }),
      buildForPages(),
    ]);
    tessera = shopTessera({
      tokenServiceUrl: stack.tokenService.url,
      coreApiUrl: stack.coreApi.url,
      partnerId: stack.demo.partner_id,
      secretKey: stack.demo.secret_key,
    });
    site = await startPageSite({
      build,
      tessera,
      coreApiUrl: stack.coreApi.url,
      customer: { externalId: SHOP_CUSTOMER_ID, accountId: stack.demo.shop.account_id },
    });
    // The partner allows the shop's page, as a partner registers its site's origin.
    const { partner } = await stack.tokenService.state.partners.show(stack.demo.partner_id);
    await stack.tokenService.state.partners.update(stack.demo.partner_id, {
      origins: [...partner.origins, site.origin],
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await site?.close();
    await stack?.close();
    await build?.remove();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('shows the quote’s number, lines and total without JavaScript, and says the actions need it', async () => {
    const id = await newQuote();
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${site.origin}/ssr/quote/${id}`);
    const quote = page.locator('tessera-quote');
    await quote.locator('h2').waitFor(PATIENCE);
    assert.match(await quote.locator('h2').innerText(), /^Quote Q-\d+/);
    const lines = quote.locator('[part~="line-item"]');
    assert.equal(await lines.count(), 2);
    assert.match(await lines.first().innerText(), /Analytics platform, annual licence/);
    assert.match(await lines.nth(1).innerText(), /Onboarding workshop \(days\)/);
    assert.match(await quote.locator('[part~="total"]').innerText(), /€17,850\.00/);
    assert.match(await quote.locator('header').innerText(), /Valid until/);
    assert.equal(await quote.locator('.needs-script').isVisible(), true);
    assert.match(await quote.locator('.needs-script').innerText(), /needs JavaScript/);
    assert.equal(await quote.locator('form').isVisible(), false);
    await context.close();
  });

  it('shows the account’s details without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${site.origin}/ssr/account`);
    const account = page.locator('tessera-account');
    const shown = await account.locator('[part~="base"]').innerText(PATIENCE);
    const stored = await tessera.accounts.get(SHOP_CUSTOMER_ID);
    assert.ok(shown.includes(stored.legal_name), shown);
    assert.ok(shown.includes(stored.billing_email), shown);
    assert.ok(shown.includes(stored.billing_address.city), shown);
    assert.equal(await account.locator('.needs-script').isVisible(), true);
    assert.equal(await account.locator('#edit').isVisible(), false);
    await context.close();
  });

  it('hydrates the quote with no request before the customer accepts it, by keyboard', async () => {
    const id = await newQuote();
    const page = await browser.newPage();
    const problems = watchErrors(page);
    const seen = requests(page);
    await page.goto(`${site.origin}/ssr/quote/${id}`);
    await ready(page, 'quote');
    const beforeAccept = seen.filter(
      (r) => !r.startsWith('GET /web/') && r !== `GET /ssr/quote/${id}`,
    );
    assert.deepEqual(beforeAccept, [], 'nothing asked for before the customer acts');

    const quote = page.locator('tessera-quote');
    await quote.locator('#signer-name').fill('Ada Lovelace');
    await quote.locator('#signer-email').fill('ada@example.com');
    await quote.locator('#accept-terms').focus();
    await page.keyboard.press('Space');
    await quote.locator('[part~="primary-button"]').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () => document.querySelector('tessera-quote')?.matches(':state(accepted)') === true,
      null,
      PATIENCE,
    );
    assert.match(await quote.locator('.message').innerText(), /accepted/i);
    const api = seen.filter((r) => r.includes('/v1/'));
    assert.deepEqual(api, [`POST /v1/quotes/${id}/accept`], 'the quote itself never fetched');
    assert.deepEqual(problems, []);
    assert.equal((await tessera.quotes.get(id)).status, 'accepted');
    await page.close();
  });

  it('refreshes the handed-over token as usual when it expires before the customer acts', async () => {
    const id = await newQuote();
    const page = await browser.newPage();
    // The page's clock, moved past the token's end instead of waiting for it.
    await page.clock.install();
    const seen = requests(page);
    await page.goto(`${site.origin}/ssr/quote/${id}`);
    await ready(page, 'quote');
    const quote = page.locator('tessera-quote');
    const handedOver = await quote.getAttribute('token');
    const refreshed = page.waitForRequest((r) => new URL(r.url()).pathname === '/token/quote');
    await page.clock.fastForward('15:00');
    await refreshed;
    await quote.locator('#signer-name').fill('Ada Lovelace');
    await quote.locator('#signer-email').fill('ada@example.com');
    await quote.locator('#accept-terms').check();
    const accepting = page.waitForRequest((r) => r.url().endsWith('/accept'));
    await quote.locator('[part~="primary-button"]').click();
    const accept = await accepting;
    await page.waitForFunction(
      () => document.querySelector('tessera-quote')?.matches(':state(accepted)') === true,
      null,
      PATIENCE,
    );
    const calls = seen.filter((r) => r.includes('/v1/') || r.startsWith('POST /token/'));
    assert.deepEqual(calls, ['POST /token/quote', `POST /v1/quotes/${id}/accept`]);
    assert.ok(handedOver);
    assert.notEqual(accept.headers().authorization, `Bearer ${handedOver}`);
    await page.close();
  });

  it('renders a server-rendered quote afresh, once and from its data, where the page forgot hydrate.js', async () => {
    const id = await newQuote();
    const page = await browser.newPage();
    const problems = watchErrors(page);
    const seen = requests(page);
    await page.goto(`${site.origin}/ssr/quote/${id}?hydrate=0`);
    await ready(page, 'quote');
    const quote = page.locator('tessera-quote');
    assert.equal(await quote.locator('[part~="base"]').count(), 1);
    assert.equal(await quote.locator('[part~="line-item"]').count(), 2);
    assert.deepEqual(
      seen.filter((r) => r.includes('/v1/')),
      [],
      'drawn from the data on the page',
    );
    assert.deepEqual(problems, []);
    await page.close();
  });

  for (const widget of WIDGETS) {
    it(`hydrates ${widget} with no layout shift, while the browser-rendered ${widget} shifts`, async (t) => {
      const id = widget === 'quote' ? await newQuote() : undefined;
      const path = widget === 'quote' ? `${widget}/${id}` : widget;
      const measure = async (kind: 'ssr' | 'client') => {
        const page = await browser.newPage();
        await page.addInitScript(recordLayoutShift);
        const problems = watchErrors(page);
        await page.goto(`${site.origin}/${kind}/${path}`);
        await ready(page, widget);
        await settled(page);
        const cls = await page.evaluate(() => window.cls);
        await page.close();
        assert.deepEqual(problems, []);
        return cls;
      };
      const server = await measure('ssr');
      const client = await measure('client');
      t.diagnostic(
        `cumulative layout shift: server-rendered ${server}, browser-rendered ${client}`,
      );
      assert.equal(server, 0);
      assert.ok(client > 0, 'the page without server rendering shifts');
    });
  }

  for (const widget of WIDGETS) {
    it(`passes axe on the server-rendered and on the hydrated ${widget}`, async () => {
      const id = widget === 'quote' ? await newQuote() : undefined;
      const path = widget === 'quote' ? `${widget}/${id}` : widget;
      const page = await browser.newPage();
      await page.goto(`${site.origin}/ssr/${path}?scripts=0`);
      assert.deepEqual(await axeViolations(page), [], 'server-rendered');
      await page.goto(`${site.origin}/ssr/${path}`);
      await ready(page, widget);
      assert.deepEqual(await axeViolations(page), [], 'hydrated');
      await page.close();
    });
  }

  const looks = [
    ...['en', 'de', 'fr', 'es'].flatMap((locale) => [
      { widget: 'quote' as const, locale, appearance: 'light', accent: '' },
      { widget: 'quote' as const, locale, appearance: 'dark', accent: '#ffcc00' },
    ]),
    { widget: 'account' as const, locale: 'fr', appearance: 'light', accent: '#0b6e4f' },
    { widget: 'account' as const, locale: 'de', appearance: 'dark', accent: '#ffcc00' },
    { widget: 'onboarding' as const, locale: 'es', appearance: 'light', accent: '#0b6e4f' },
    { widget: 'onboarding' as const, locale: 'de', appearance: 'dark', accent: '#ffcc00' },
  ];
  for (const { widget, locale, appearance, accent } of looks) {
    it(`renders ${widget} in ${locale}, ${appearance}${accent ? `, brand ${accent}` : ''} on the server exactly as the browser does`, async () => {
      const id = widget === 'quote' ? await newQuote() : undefined;
      const path = widget === 'quote' ? `${widget}/${id}` : widget;
      const query = `locale=${locale}&appearance=${appearance}${accent ? `&accent=${encodeURIComponent(accent)}` : ''}`;
      const page = await browser.newPage();
      await page.goto(`${site.origin}/ssr/${path}?${query}&scripts=0`);
      const server = await page.evaluate(appearanceOf, `tessera-${widget}`);
      await page.goto(`${site.origin}/client/${path}?${query}`);
      await ready(page, widget);
      // The language's strings are a chunk of their own, loaded once the widget needs them.
      await page.waitForLoadState('networkidle');
      await page.evaluate(
        (tag) =>
          (document.querySelector(tag) as unknown as { updateComplete: Promise<unknown> })
            .updateComplete,
        `tessera-${widget}`,
      );
      const client = await page.evaluate(appearanceOf, `tessera-${widget}`);
      await page.close();
      assert.equal(server.text, client.text);
      assert.deepEqual(server.styles, client.styles);
      assert.ok(Object.keys(server.styles).length >= 4, 'the main parts were compared');
    });
  }
});
