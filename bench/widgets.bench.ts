/**
 * bench:widgets — in headless Chromium against the local stack (`npm start`'s, on free ports and a
 * fresh data dir): the time from a widget's element being connected to its first render with
 * data (its `tessera-ready` event, the render committed and a frame painted), for each widget,
 * and for a 500-line quote against the 3-line demo quote. Each figure is the median of RUNS
 * fresh pages: a cold token fetch and a cold API call, as a customer's first view; and the quote
 * on a page rendered with its first token (`token` attribute, minted by the shop's backend before
 * the page loads, as a server-rendered page would): no token fetch before the API call.
 * Goal: the quote's first render with data, median of fresh pages, ≤ 50 ms.
 *
 * The page loads `tessera.js` as it ships (`buildLibrary()`, built in this run), served in place
 * of the demo site's own bundle: that one is an esbuild bundle of the sources, with zod and the
 * development-only contrast check (20 ms a page) in it.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startStack } from '../bin/stack.ts';
import { buildLibrary } from '../scripts/build.ts';
import type { LineItem, Quote } from '../contracts/index.ts';
import { tempDir } from '../test/token-service/helpers.ts';
import { launchChromium } from '../test/support/chromium.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const QUOTE_GOAL_MS = 50;

interface Case {
  name: string;
  tag: string;
  attributes: Record<string, string>;
  /** Render the page with a token for this widget, minted by the shop's backend beforehand. */
  renderedToken?: string;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** A quote of `lines` line items for the demo account, written straight to the core API's store. */
function largeQuote(accountId: string, lines: number): Quote {
  const items: LineItem[] = Array.from({ length: lines }, (_, i) => ({
    id: `li_${i + 1}`,
    description: `Line item ${i + 1}: analytics seat, monthly`,
    quantity: (i % 5) + 1,
    unit_amount: 1_250,
    amount: ((i % 5) + 1) * 1_250,
  }));
  const subtotal = items.reduce((sum, item) => sum + item.amount, 0);
  const tax = Math.round(subtotal * 0.19);
  const now = new Date();
  return {
    id: `qt_${randomBytes(8).toString('hex')}`,
    number: 'Q-BENCH-00500',
    account_id: accountId,
    status: 'open',
    currency: 'EUR',
    line_items: items,
    subtotal,
    tax,
    total: subtotal + tax,
    valid_until: new Date(now.getTime() + 30 * 86_400_000).toISOString(),
    version: 1,
  };
}

/** What a server-rendering shop does before sending the page: asks its backend for a token. */
async function mintForPage(site: string, widget: string): Promise<string> {
  const response = await fetch(`${site}/api/widget-token?widget=${widget}`, {
    method: 'POST',
    headers: { origin: site, 'content-type': 'application/json' },
    body: '{}',
  });
  const { token } = (await response.json()) as { token: string };
  return token;
}

/**
 * One first render, and where its time went, from the page's resource timing (ms after the
 * element was connected): the token fetch (if any), the widget's first API call, and the rest
 * (script work before the first request, and from the answer to the painted frame).
 */
interface FirstRender {
  total: number;
  /** Connected → the first request (token or API) starts: the widget's own start-up work. */
  beforeRequest: number;
  /** The token fetch (partner endpoint), 0 with the token in the page. */
  token: number;
  /** The first API call, request start → response end. */
  api: number;
  /** The API's answer → `tessera-ready` (body read, contract checks, state). */
  toReady: number;
  /** `tessera-ready` → the render with data committed (`updateComplete`). */
  render: number;
  /** → the next frame painted. */
  paint: number;
}

async function timeFirstRender(
  browser: Browser,
  site: string,
  apiBase: string,
  library: string,
  widget: Case,
): Promise<FirstRender> {
  const attributes = widget.renderedToken
    ? { ...widget.attributes, token: await mintForPage(site, widget.renderedToken) }
    : widget.attributes;
  const context = await browser.newContext();
  // The site's `/widgets/…` answered from the library build, on the site's own origin.
  await context.route(`${site}/widgets/**`, async (route) => {
    const path = new URL(route.request().url()).pathname.replace(/^\/widgets\//, '');
    const body = await readFile(join(library, path)).catch(() => undefined);
    if (body) served++;
    await route.fulfill(body ? { contentType: 'text/javascript', body } : { status: 404 });
  });
  const page = await context.newPage();
  if (process.env.BENCH_DEBUG) {
    page.on('console', (m) => console.log('console', m.text()));
    page.on('requestfailed', (r) => console.log('failed', r.url(), r.failure()?.errorText));
    page.on('response', (r) => console.log('resp', r.status(), r.url()));
  }
  try {
    // A page of the partner's origin that loads the widgets bundle and nothing else.
    await page.goto(`${site}/blank`);
    await page.waitForFunction((tag) => customElements.get(tag) !== undefined, widget.tag);
    return await page.evaluate(
      async ({ tag, attributes, apiBase }) => {
        const el = document.createElement(tag) as HTMLElement & {
          updateComplete: Promise<unknown>;
        };
        for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
        // Read in the listener: the render may run before an `await` of the event resumes.
        let readyAt = 0;
        const ready = new Promise((resolve, reject) => {
          el.addEventListener(
            'tessera-ready',
            (event) => {
              readyAt = performance.now();
              resolve(event);
            },
            { once: true },
          );
          el.addEventListener(
            'tessera-error',
            (event) => reject(new Error(JSON.stringify((event as CustomEvent).detail))),
            { once: true },
          );
        });
        const start = performance.now();
        document.body.append(el);
        await ready;
        await el.updateComplete;
        const renderedAt = performance.now();
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
        const total = performance.now() - start;
        const requests = performance
          .getEntriesByType('resource')
          .filter(
            (entry): entry is PerformanceResourceTiming =>
              entry instanceof PerformanceResourceTiming && entry.startTime >= start,
          );
        const token = requests.find((entry) => entry.name.includes('/api/widget-token'));
        const api = requests.find((entry) => entry.name.startsWith(apiBase));
        const first = Math.min(...requests.map((entry) => entry.startTime));
        const answered = api ? api.responseEnd : readyAt;
        return {
          total,
          beforeRequest: (Number.isFinite(first) ? first : performance.now()) - start,
          token: token ? token.responseEnd - token.startTime : 0,
          api: api ? api.responseEnd - api.startTime : 0,
          toReady: readyAt - answered,
          render: renderedAt - readyAt,
          paint: start + total - renderedAt,
        };
      },
      { tag: widget.tag, attributes, apiBase },
    );
  } finally {
    await context.close();
  }
}

const stack = await startStack({
  dataDir: await tempDir('tessera-bench-'),
  tokenServicePort: 0,
  coreApiPort: 0,
  demoPort: 0,
  env: { ...process.env, TESSERA_LOG_LEVEL: 'warn' },
});
const library = await tempDir('tessera-bench-library-');
/** Files answered from the library build: none would mean the demo's own bundle was measured. */
let served = 0;
await buildLibrary({ outDir: library, sourcemap: false });
const browser = await launchChromium();
try {
  const { seed } = stack.demo;
  const big = largeQuote(seed.account_id, 500);
  await stack.coreApi.store.insertQuote(big);
  const apiBase = stack.coreApi.url;
  const token = (widget: string) => `/api/widget-token?widget=${widget}`;
  const cases: Case[] = [
    {
      name: '<tessera-quote>, 3 lines',
      tag: 'tessera-quote',
      attributes: {
        'quote-id': seed.quotes.open,
        'api-base': apiBase,
        'token-url': token('quote'),
      },
    },
    {
      name: '<tessera-quote>, 3 lines, token in page',
      tag: 'tessera-quote',
      attributes: {
        'quote-id': seed.quotes.open,
        'api-base': apiBase,
        'token-url': token('quote'),
      },
      renderedToken: 'quote',
    },
    {
      name: '<tessera-quote>, 500 lines',
      tag: 'tessera-quote',
      attributes: { 'quote-id': big.id, 'api-base': apiBase, 'token-url': token('quote') },
    },
    {
      name: '<tessera-onboarding>',
      tag: 'tessera-onboarding',
      attributes: { 'api-base': apiBase, 'token-url': token('onboarding') },
    },
    {
      name: '<tessera-account>',
      tag: 'tessera-account',
      attributes: {
        'account-id': seed.account_id,
        'api-base': apiBase,
        'token-url': token('account'),
      },
    },
  ];
  const medians = new Map<string, number>();
  console.log(
    `bench:widgets — element connected → first render with data, median of ${RUNS} fresh pages\n`,
  );
  const phases = new Map<string, FirstRender[]>();
  for (const widget of cases) {
    const runs: FirstRender[] = [];
    for (let i = 0; i < RUNS; i++)
      runs.push(await timeFirstRender(browser, stack.site.url, apiBase, library, widget));
    const times = runs.map((run) => run.total);
    const m = median(times);
    medians.set(widget.name, m);
    phases.set(widget.name, runs);
    console.log(
      `  ${widget.name.padEnd(40)} ${m.toFixed(1).padStart(7)} ms   (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)})`,
    );
  }
  // Medians of each phase apart (they need not add up to the median of the totals).
  console.log(
    '\nWhere the time goes (median ms of each phase): before the first request · token fetch · first API call · answer → ready · render · paint',
  );
  for (const [name, runs] of phases) {
    const of = (key: Exclude<keyof FirstRender, 'total'>) =>
      median(runs.map((run) => run[key]))
        .toFixed(1)
        .padStart(7);
    console.log(
      `  ${name.padEnd(40)} ${of('beforeRequest')} ${of('token')} ${of('api')} ${of('toReady')} ${of('render')} ${of('paint')}`,
    );
  }
  if (served === 0) throw new Error('No page loaded the library build.');
  const small = medians.get('<tessera-quote>, 3 lines')!;
  const large = medians.get('<tessera-quote>, 500 lines')!;
  console.log(`\n  500-line quote ÷ 3-line quote  ${(large / small).toFixed(2)}×`);
  const inPage = medians.get('<tessera-quote>, 3 lines, token in page')!;
  const verdict = (ms: number) => (ms <= QUOTE_GOAL_MS ? 'met' : 'NOT met');
  console.log(`\nGoal: quote first render with data, median of fresh pages ≤ ${QUOTE_GOAL_MS} ms`);
  console.log(
    `  token fetched by the widget  ${small.toFixed(1).padStart(7)} ms  ${verdict(small)}`,
  );
  console.log(
    `  token rendered with the page ${inPage.toFixed(1).padStart(7)} ms  ${verdict(inPage)}`,
  );
} finally {
  await browser.close();
  await stack.close();
  await rm(library, { recursive: true, force: true });
}
