/**
 * The server-rendering examples (examples/ssr-*), each built by its own toolchain against
 * `@tessera/widgets` and `@tessera/node` built as packages, and started as a partner runs it: its
 * own Node process, configured by its environment, against a real token service and core API
 * with a seeded partner, customer and quote.
 *
 * Without JavaScript, the page's HTML already holds the quote: its number, its lines and its
 * total. In Chromium, the element takes over the server's markup (the same nodes, `:state(ready)`),
 * the customer accepts the quote, and the core API has it accepted — and the browser never asked
 * the core API for the quote before the accept: it came with the page.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Request } from 'playwright-core';
import { SCOPES, type Quote } from '../../contracts/index.ts';
import { seedDemo } from '../../core-api/seed.ts';
import { Tessera } from '../../sdk/index.ts';
import { startTestStack, type TestStack } from '../core-api/helpers.ts';
import { CHROMIUM_PATH, launchChromium } from '../support/chromium.ts';
import { addSdk, freePort, startShop, type RunningShop } from './ssr-servers.ts';
import { createWorkspace, mustRun, tool, type Workspace } from './workspace.ts';

const skip = existsSync(CHROMIUM_PATH)
  ? false
  : `no Chromium at ${CHROMIUM_PATH}: install it (apt-get install -y --no-install-recommends chromium) or set CHROME_PATH`;
/** Generous: a shared, busy machine. Not a speed check, only "it got there". */
const PATIENCE = { timeout: 30_000 };

const log = (line: string) => console.error(`[ssr examples] ${line}`);

/** A command of an example's build: a package's script and its arguments. */
type Step = [pkg: string, script: string, ...args: string[]];

const TSC: Step = ['typescript', 'bin/tsc', '-p', '.'];
const TSC_CLIENT: Step = ['typescript', 'bin/tsc', '-p', 'tsconfig.client.json'];
const VITE: Step = ['vite', 'bin/vite.js', 'build'];

interface Example {
  name: string;
  /** What builds and runs it, for the test's name. */
  toolchain: string;
  steps: Step[];
  /** How the partner starts it (its package.json's `start`), in its directory, on a port. */
  start: (workspace: Workspace, port: number) => string[];
  /** The page's scripts, as a URL pattern: held back to look at the server's markup first. */
  scripts: string;
}

const NODE_SERVER = () => ['dist/server.js'];

const EXAMPLES: Example[] = [
  {
    name: 'ssr-hono',
    toolchain: 'tsc and Vite, run by node on @hono/node-server',
    steps: [TSC, TSC_CLIENT, VITE],
    start: NODE_SERVER,
    scripts: '**/assets/client.js',
  },
  {
    name: 'ssr-express',
    toolchain: 'tsc and Vite, run by node on Express (the widget streamed)',
    steps: [TSC, TSC_CLIENT, VITE],
    start: NODE_SERVER,
    scripts: '**/assets/client.js',
  },
  {
    name: 'ssr-next',
    toolchain: 'Next.js (App Router, webpack), run by next start',
    steps: [['next', 'dist/bin/next', 'build', '--webpack']],
    start: (workspace, port) => [
      join(workspace.dir, 'node_modules', 'next', 'dist', 'bin', 'next'),
      'start',
      '--port',
      String(port),
      '--hostname',
      '127.0.0.1',
    ],
    scripts: '**/_next/static/**',
  },
];

/** What a person reads in the HTML: no tags or Lit's markers, entities decoded, spaces collapsed. */
function readable(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(style|script)\b[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;|\u00a0|\u202f/g, ' ')
    .replace(/\s+/g, ' ');
}

/** Money as an English page shows it, from the quote's minor units and its currency. */
function money(amount: number, currency: string): string {
  const format = new Intl.NumberFormat('en', { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** digits).replace(/\u00a0|\u202f/g, ' ');
}

describe('the server-rendering examples, started as a partner runs them', { skip }, () => {
  let workspace: Workspace;
  let stack: TestStack;
  let browser: Browser;

  before(async () => {
    // Next.js would otherwise try to report its builds.
    process.env.NEXT_TELEMETRY_DISABLED = '1';
    workspace = await createWorkspace(log);
    await addSdk(workspace, log);
    stack = await startTestStack({ TESSERA_LOG_LEVEL: 'silent' });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
    await workspace?.close();
  });

  for (const example of EXAMPLES) {
    describe(`${example.name}: built with ${example.toolchain}`, () => {
      let shop: RunningShop;
      let partner: { id: string; secret: string };
      /** The shop's partner, as its backend sees it. */
      let tessera: Tessera;
      let seed: Awaited<ReturnType<typeof seedDemo>>;
      /** The seeded quote as the partner API has it. */
      let quote: Quote;

      before(async () => {
        const dir = workspace.example(example.name);
        for (const [pkg, script, ...args] of example.steps) {
          log(`${example.name}: ${pkg} ${args.join(' ')}`);
          const [command, base] = tool(workspace.dir, pkg, script);
          await mustRun(command, [...base, ...args], dir);
        }
        const port = await freePort();
        const created = await stack.tokenService.createPartner({
          scopes: [...SCOPES],
          origins: [`http://127.0.0.1:${port}`],
          rate_limit: { per_second: 1000, burst: 1000 },
        });
        partner = { id: created.partner.id, secret: created.key.secret };
        const customerId = `shop-customer-${example.name}`;
        seed = await seedDemo(stack.api.store, { partnerId: partner.id, externalId: customerId });
        tessera = new Tessera({
          secretKey: partner.secret,
          partnerId: partner.id,
          tokenServiceUrl: stack.tokenService.url,
          apiUrl: stack.api.url,
        });
        quote = await tessera.quotes.get(seed.quotes.open);
        shop = await startShop(process.execPath, example.start(workspace, port), dir, {
          port,
          tokenServiceUrl: stack.tokenService.url,
          apiUrl: stack.api.url,
          partnerId: partner.id,
          secretKey: partner.secret,
          customerId,
        });
        log(`${example.name}: listening at ${shop.origin}`);
      });

      after(async () => {
        await shop?.stop();
      });

      it("the page's HTML, fetched without running any script, shows the quote's number, lines and total", async () => {
        const response = await fetch(`${shop.origin}/quotes/${quote.id}`);
        const html = await response.text();
        assert.equal(response.status, 200, shop.output());
        assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
        assert.match(html, /<tessera-quote\b/);
        assert.match(html, /<template [^>]*shadowrootmode="open"/, 'a declarative shadow root');
        const text = readable(html);
        assert.ok(text.includes(quote.number), `the number ${quote.number} in: ${text}`);
        for (const line of quote.line_items) {
          assert.ok(text.includes(line.description), `the line "${line.description}"`);
          assert.ok(
            text.includes(money(line.amount, quote.currency)),
            `the line's amount ${money(line.amount, quote.currency)}`,
          );
        }
        const total = money(quote.total, quote.currency);
        assert.ok(text.includes(total), `the total ${total} in: ${text}`);
      });

      it("answers 404 with a page saying there is no such quote, for another customer's quote and for an unknown id", async () => {
        // Another customer of the same shop, with a quote the partner API shows the shop.
        const other = `another-customer-${example.name}`;
        await tessera.accounts.upsert(other, {
          legal_name: 'Another Customer Ltd',
          billing_email: `billing@${example.name}.example`,
          billing_address: {
            line1: '1 Long Lane',
            city: 'Leeds',
            postal_code: 'LS1 1AA',
            country: 'GB',
          },
          currency: 'GBP',
        });
        const theirs = await tessera.quotes.create({
          external_id: other,
          currency: 'GBP',
          line_items: [{ description: 'Seats', quantity: 3, unit_amount: 1500 }],
          tax: 900,
          valid_until: new Date(Date.now() + 14 * 86_400_000).toISOString(),
        });
        for (const id of [theirs.id, `${quote.id}0`, 'x']) {
          const page = await browser.newPage();
          const response = await page.goto(`${shop.origin}/quotes/${id}`);
          assert.equal(response?.status(), 404, `${id}: ${shop.output()}`);
          await page.getByText('There is no such quote.').waitFor(PATIENCE);
          assert.equal(await page.locator('tessera-quote').count(), 0, 'no widget');
          await page.close();
        }
      });

      it('in Chromium the element takes over the server-rendered quote, the customer accepts it, and no request for the quote went out before the accept', async () => {
        const page = await browser.newPage();
        const problems: string[] = [];
        page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(`console: ${message.text()}`);
        });
        const requests: Request[] = [];
        page.on('request', (request) => requests.push(request));

        // The page's script is held until the server's markup has been looked at, so that the
        // element found then can be checked to be the one that goes on to work.
        let release = () => {};
        const held = new Promise<void>((resolve) => (release = resolve));
        await page.route(example.scripts, async (route) => {
          await held;
          await route.continue();
        });
        await page.goto(`${shop.origin}/quotes/${quote.id}`, { waitUntil: 'commit' });
        const element = page.locator('tessera-quote');
        const heading = await element
          .getByRole('heading', { name: new RegExp(`Quote ${quote.number}`) })
          .elementHandle(PATIENCE);
        assert.ok(heading, 'the quote is on the page before any script ran');
        release();

        await page.waitForFunction(
          () => document.querySelector('tessera-quote')?.matches(':state(ready)') === true,
          undefined,
          PATIENCE,
        );
        assert.equal(
          await heading.evaluate((node) => node.isConnected),
          true,
          'hydrated: the heading the server rendered is still the one shown',
        );

        await element.getByLabel('Your name').fill('Ada Lovelace');
        await element.getByLabel('Your email').fill('ada@example.com');
        await element.getByLabel('I accept the terms of this quote').check();
        await element.getByRole('button', { name: 'Accept quote' }).click();
        const outcome = page.locator('#outcome');
        await outcome.filter({ hasText: 'tessera-success' }).waitFor(PATIENCE);
        assert.equal(
          (await outcome.textContent())?.trim(),
          `tessera-success: accept ${quote.number} (accepted)`,
        );

        const token = await stack.token(['quote:read'], {
          subject: seed.account_id,
          origin: shop.origin,
          secret: partner.secret,
        });
        const served = await fetch(`${stack.api.url}/v1/quotes/${quote.id}`, {
          headers: { authorization: `Bearer ${token}`, origin: shop.origin },
        });
        assert.equal(((await served.json()) as Quote).status, 'accepted', 'the core API has it');

        const api = requests
          .filter((request) => request.url().startsWith(stack.api.url))
          .map((request) => `${request.method()} ${new URL(request.url()).pathname}`);
        const accept = api.indexOf(`POST /v1/quotes/${quote.id}/accept`);
        assert.ok(accept >= 0, `the accept went to the core API: ${api.join(', ')}`);
        assert.deepEqual(
          api.slice(0, accept).filter((line) => line.includes(`/v1/quotes/${quote.id}`)),
          [],
          'no request for the quote before the accept',
        );
        assert.deepEqual(problems, [], 'no error on the page');
        await page.close();
      });
    });
  }
});
