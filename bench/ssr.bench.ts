/**
 * bench:ssr — a server-rendered quote page against a client-only one, in headless Chromium on
 * loopback against a real token service and core API, and the renderer's throughput.
 *
 * Both pages come from one partner site in this process, built as a partner's would be (the
 * package's renderer `ssr.js` and the browser's `quote.js` + `hydrate.js` from one template
 * transform, Lit bundled): the server-rendered page reads the quote and mints the token with
 * `@tessera/node` and renders `<tessera-quote>` into the HTML (the browser hydrates it); the
 * client-only page has the bare element with `quote-id`, `api-base` and `token-url` (the browser
 * fetches a token, then the quote). Each page holds only the widget, so its first contentful
 * paint is the widget's.
 *
 * Per fresh page (a new browser context: nothing cached), from navigation start: the first byte,
 * first contentful paint, the first animation frame whose widget holds the quote's number (taken
 * before that frame paints, so it can precede the first contentful paint), and interactive
 * (`:state(ready)`: the element defined, hydrated or rendered, the accept form usable). Medians of BENCH_RUNS pages of
 * each kind (default 15), the two kinds alternating so that a busy moment hits both.
 *
 * Then `renderQuote` in this process with the seeded quote (four lines, as the partner API
 * answers it): pages/s over BENCH_SSR_RENDERS renders (default 2000) after a warm-up, the
 * median of three batches.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { SCOPES, type Quote } from '../contracts/index.ts';
import { seedDemo } from '../core-api/seed.ts';
import { viteBuild } from '../scripts/build.ts';
import { Tessera } from '../sdk/index.ts';
import { startTestStack } from '../test/core-api/helpers.ts';
import { launchChromium } from '../test/support/chromium.ts';
import type * as SourceRenderer from '../widgets/ssr/index.ts';
import { HYDRATE_ENTRY, libraryEntries, ssrBuild } from '../vite.config.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const RENDERS = Number(process.env.BENCH_SSR_RENDERS ?? 2000);
const CUSTOMER = 'bench-customer';

type Renderer = typeof SourceRenderer;
type Kind = 'server' | 'client';

interface PageTimes {
  /** The response's first byte. */
  ttfb: number;
  fcp: number;
  /** The first frame with the quote's number in the widget. */
  shown: number;
  /** The element in `:state(ready)`. */
  ready: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/**
 * The renderer and the browser's scripts, as the package builds them, under node_modules/.cache
 * so that `ssr.js` resolves Lit where an installed package would.
 */
async function buildPages(): Promise<{ ssr: Renderer; web: string; remove(): Promise<void> }> {
  const cache = fileURLToPath(new URL('../node_modules/.cache/', import.meta.url));
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(join(cache, 'tessera-bench-ssr-'));
  await viteBuild({ ...ssrBuild(), outDir: dir, sourcemap: false });
  const web = join(dir, 'web');
  await viteBuild({
    format: 'es',
    entries: { quote: libraryEntries().quote ?? 'widgets/quote/index.ts', hydrate: HYDRATE_ENTRY },
    outDir: web,
    sourcemap: false,
  });
  const ssr = (await import(pathToFileURL(join(dir, 'ssr.js')).href)) as Renderer;
  return { ssr, web, remove: () => rm(dir, { recursive: true, force: true }) };
}

function page(body: string, scripts: string[]): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Your quote</title>
    ${scripts.map((src) => `<script type="module" src="${src}"></script>`).join('\n    ')}
  </head>
  <body>
    ${body}
  </body>
</html>`;
}

/** The shop's partner and customer: set once the site listens, since the partner needs its origin. */
interface Shop {
  tessera: Tessera;
  accountId: string;
}

async function startSite(options: {
  ssr: Renderer;
  web: string;
  apiUrl: string;
}): Promise<{ origin: string; open(shop: Shop): void; close(): Promise<void> }> {
  const { ssr, web, apiUrl } = options;
  let origin = '';
  let shop: Shop | undefined;
  const partner = () => {
    if (!shop) throw new Error('The shop is not open yet.');
    return shop;
  };
  const mint = () =>
    partner().tessera.widgetTokens.create({
      subject: partner().accountId,
      scopes: ['quote:read', 'quote:accept'],
      origin,
    });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', origin);
    const [, kind = '', id = ''] = url.pathname.split('/');
    if (kind === 'web') {
      const path = normalize(url.pathname.slice('/web/'.length));
      const body = path.startsWith('..')
        ? undefined
        : await readFile(join(web, path)).catch(() => undefined);
      if (!body) return void response.writeHead(404).end();
      response.writeHead(200, {
        'content-type': extname(path) === '.js' ? 'text/javascript' : 'text/plain',
      });
      return void response.end(body);
    }
    if (kind === 'token' && request.method === 'POST') {
      const minted = await mint();
      response.writeHead(200, { 'content-type': 'application/json' });
      return void response.end(
        JSON.stringify({ token: minted.token, expires_at: minted.expires_at }),
      );
    }
    let html: string;
    if (kind === 'server') {
      const [quote, { token }] = await Promise.all([partner().tessera.quotes.get(id), mint()]);
      const widget = await ssr.renderQuote({ quote, token, apiBase: apiUrl, tokenUrl: '/token' });
      html = page(await widget.text(), ['/web/hydrate.js', '/web/quote.js']);
    } else if (kind === 'client') {
      html = page(
        `<tessera-quote quote-id="${id}" api-base="${apiUrl}" token-url="/token" locale="en"></tessera-quote>`,
        ['/web/quote.js'],
      );
    } else return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(502, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    open: (opened) => (shop = opened),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Runs in the page before anything else: notes the first frame that shows the quote's number and
 * the moment the element is `:state(ready)` (checked on `tessera-ready` and on every frame). A
 * string, not a function: tsx's transform would give a function helpers the page does not have.
 */
const WATCH_QUOTE = `
  const number = NUMBER;
  const marks = (window.__marks = {});
  const check = () => {
    const element = document.querySelector('tessera-quote');
    if (!element) return;
    if (marks.shown === undefined && element.shadowRoot?.textContent?.includes(number)) {
      marks.shown = performance.now();
    }
    if (marks.ready === undefined && element.matches(':state(ready)')) {
      marks.ready = performance.now();
    }
  };
  document.addEventListener('tessera-ready', () => {
    check();
    queueMicrotask(check);
  });
  const frame = () => {
    check();
    if (marks.ready === undefined || marks.shown === undefined) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
`;

async function timePage(browser: Browser, url: string, number: string): Promise<PageTimes> {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (process.env.BENCH_DEBUG) {
    page.on('console', (message) => console.error(`console: ${message.text()}`));
    page.on('pageerror', (error) => console.error(`pageerror: ${error.message}`));
  }
  await page.addInitScript({ content: WATCH_QUOTE.replace('NUMBER', JSON.stringify(number)) });
  await page.goto(url);
  await page.waitForFunction(
    () => {
      const marks = (window as unknown as { __marks: Record<string, number> }).__marks;
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return marks.ready !== undefined && marks.shown !== undefined && fcp !== undefined;
    },
    undefined,
    { timeout: 60_000 },
  );
  const times = await page.evaluate(() => {
    const marks = (window as unknown as { __marks: Record<string, number> }).__marks;
    const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return {
      ttfb: navigation.responseStart,
      fcp: performance.getEntriesByName('first-contentful-paint')[0]!.startTime,
      shown: marks.shown!,
      ready: marks.ready!,
    };
  });
  await context.close();
  return times;
}

/** Pages per second of `renderQuote(…).text()`, one batch of `count`. */
async function renderRate(
  ssr: Renderer,
  quote: Quote,
  token: string,
  apiUrl: string,
  count: number,
) {
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    await (await ssr.renderQuote({ quote, token, apiBase: apiUrl, tokenUrl: '/token' })).text();
  }
  return count / ((performance.now() - started) / 1000);
}

const stack = await startTestStack({ TESSERA_LOG_LEVEL: 'silent' });
const built = await buildPages();
let site: Awaited<ReturnType<typeof startSite>> | undefined;
let browser: Browser | undefined;
try {
  site = await startSite({ ...built, apiUrl: stack.api.url });
  const created = await stack.tokenService.createPartner({
    scopes: [...SCOPES],
    origins: [site.origin],
    rate_limit: { per_second: 1000, burst: 1000 },
  });
  const seed = await seedDemo(stack.api.store, {
    partnerId: created.partner.id,
    externalId: CUSTOMER,
  });
  const tessera = new Tessera({
    secretKey: created.key.secret,
    partnerId: created.partner.id,
    tokenServiceUrl: stack.tokenService.url,
    apiUrl: stack.api.url,
  });
  site.open({ tessera, accountId: seed.account_id });
  const quote = await tessera.quotes.get(seed.quotes.open);

  browser = await launchChromium();
  const times: Record<Kind, PageTimes[]> = { server: [], client: [] };
  // One of each first, not counted: Chromium's and the servers' own first-use costs.
  for (const kind of ['server', 'client'] as const) {
    await timePage(browser, `${site.origin}/${kind}/${quote.id}`, quote.number);
  }
  for (let run = 0; run < RUNS; run++) {
    const order: Kind[] = run % 2 ? ['client', 'server'] : ['server', 'client'];
    for (const kind of order) {
      times[kind].push(await timePage(browser, `${site.origin}/${kind}/${quote.id}`, quote.number));
    }
  }

  const { token } = await tessera.widgetTokens.create({
    subject: seed.account_id,
    scopes: ['quote:read', 'quote:accept'],
    origin: site.origin,
  });
  await renderRate(built.ssr, quote, token, stack.api.url, Math.min(500, RENDERS));
  const rates: number[] = [];
  for (let batch = 0; batch < 3; batch++) {
    rates.push(await renderRate(built.ssr, quote, token, stack.api.url, RENDERS));
  }

  const rows: [string, keyof PageTimes][] = [
    ['first byte', 'ttfb'],
    ['first contentful paint', 'fcp'],
    ['quote in the widget (frame)', 'shown'],
    ['interactive (:state(ready))', 'ready'],
  ];
  console.log(
    `\nbench:ssr — median of ${RUNS} fresh pages of each kind, alternating, loopback, headless Chromium (ms from navigation start)\n`,
  );
  console.log('  measure                       server-rendered  client-only  client / server');
  for (const [label, key] of rows) {
    const server = median(times.server.map((t) => t[key]));
    const client = median(times.client.map((t) => t[key]));
    console.log(
      `  ${label.padEnd(29)} ${server.toFixed(1).padStart(15)} ${client.toFixed(1).padStart(12)} ${(client / server).toFixed(2).padStart(15)}×`,
    );
  }
  console.log(
    `\n  renderQuote (${quote.line_items.length} lines, in process, after ${Math.min(500, RENDERS)} warm-up renders): ` +
      `${median(rates).toFixed(0)} pages/s (median of 3 batches of ${RENDERS}: ${rates.map((r) => r.toFixed(0)).join(', ')})`,
  );
} finally {
  await browser?.close();
  await site?.close();
  await built.remove();
  await stack.close();
}
