/**
 * The built bundles under the strict Content-Security-Policy docs/csp.md gives partners, in real
 * Chromium, against the real token service and core API: a partner page served with
 *
 *   default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' <api origin>
 *
 * loads `dist/tessera.js` (ESM, with a lazily loaded language) or `dist/tessera.iife.js`, embeds
 * `<tessera-quote>` (and on one page all three widgets) with a `token-url` on the same page
 * origin, and must show the quote with no `securitypolicyviolation` event, no console error and
 * no report to the policy's `report-uri`.
 * Control pages prove each of those checks can fail: an inline script, an inline style, and the
 * same bundle in a browser without constructable stylesheets (Lit then injects `<style>`).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SCOPES, type Scope } from '../../contracts/index.ts';
import { seedDemo } from '../../core-api/seed.ts';
import { buildLibrary } from '../../scripts/build.ts';
import { startTestStack, type TestStack } from '../core-api/helpers.ts';
import { CHROMIUM_PATH, launchChromium } from '../support/chromium.ts';

const CHROME = CHROMIUM_PATH;
const skip = existsSync(CHROME)
  ? false
  : `no Chromium at ${CHROME}: install it (apt-get install -y --no-install-recommends chromium; npm test's browser phase does so as root) or set CHROME_PATH`;

/** How long a report the browser sends to `report-uri` may take to arrive. */
const REPORT_GRACE_MS = 750;
/** The open quote's first line item in the seed: text only the loaded quote can show. */
const LINE_ITEM = 'Analytics Platform — Business plan (12 months)';

/** Least privilege, as a partner's backend does it: each widget's token has its own scopes. */
const WIDGET_SCOPES: Record<string, Scope[]> = {
  quote: ['quote:read', 'quote:accept'],
  onboarding: ['onboarding:read', 'onboarding:write'],
  account: ['account:read', 'account:write'],
};

/** The init script: records violations and widget events from before any script of the page runs. */
const RECORD = `
  window.__widgetEvents = [];
  for (const type of ['tessera-ready', 'tessera-error']) {
    document.addEventListener(type, (event) => {
      window.__widgetEvents.push(type + ' ' + (event.detail.widget ?? event.detail.code));
    });
  }
  window.__violations = [];
  window.addEventListener('securitypolicyviolation', (event) => {
    window.__violations.push({
      directive: event.effectiveDirective,
      blocked: event.blockedURI,
      sample: event.sample,
      source: event.sourceFile + ':' + event.lineNumber,
    });
  }, true);
`;

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
  source: string;
}

interface Report {
  path: string;
  body: unknown;
}

function policy(apiOrigin: string, ...extra: string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ${apiOrigin}`,
    ...extra,
    'report-uri /csp-report',
  ].join('; ');
}

/** Trusted Types on top, as docs/csp.md allows: lit-html's own policy is the only one needed. */
const TRUSTED_TYPES = ["require-trusted-types-for 'script'", 'trusted-types lit-html'];

function page(body: string, head = ''): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Partner shop</title>
    ${head}
  </head>
  <body>
    ${body}
  </body>
</html>`;
}

const escape = (value: string) => value.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

const account = (query: URLSearchParams) => encodeURIComponent(query.get('account') ?? '');

/** The widget as the partner guide embeds it: no script of the partner's, only attributes. */
function quoteElement(query: URLSearchParams, apiBase: string, locale = 'en'): string {
  return `<tessera-quote quote-id="${escape(query.get('quote') ?? '')}" api-base="${escape(apiBase)}"
      token-url="/token?widget=quote&amp;account=${account(query)}" locale="${locale}"></tessera-quote>`;
}

interface PartnerSite {
  origin: string;
  reports: Report[];
  close(): Promise<void>;
}

/**
 * The partner: its pages (under the policy), the built bundle, and its backend's token endpoint,
 * which mints with the partner's secret for the account in the query, bound to this origin.
 */
async function startPartnerSite(
  distDir: string,
  apiBase: string,
  mint: (
    account: string,
    widget: string,
    origin: string,
  ) => Promise<{ token: string; expires_at: string }>,
): Promise<PartnerSite> {
  const reports: Report[] = [];
  const apiOrigin = new URL(apiBase).origin;
  const pages: Record<string, (query: URLSearchParams) => string> = {
    '/esm': (query) =>
      page(quoteElement(query, apiBase), '<script type="module" src="/dist/tessera.js"></script>'),
    '/esm-de': (query) =>
      page(
        quoteElement(query, apiBase, 'de'),
        '<script type="module" src="/dist/tessera.js"></script>',
      ),
    '/esm-trusted-types': (query) =>
      page(quoteElement(query, apiBase), '<script type="module" src="/dist/tessera.js"></script>'),
    '/esm-all': (query) =>
      page(
        `${quoteElement(query, apiBase)}
    <tessera-onboarding api-base="${escape(apiBase)}"
      token-url="/token?widget=onboarding&amp;account=${account(query)}"></tessera-onboarding>
    <tessera-account account-id="${escape(query.get('account') ?? '')}" api-base="${escape(apiBase)}"
      token-url="/token?widget=account&amp;account=${account(query)}"></tessera-account>`,
        '<script type="module" src="/dist/tessera.js"></script>',
      ),
    '/iife': (query) =>
      page(`${quoteElement(query, apiBase)}\n<script src="/dist/tessera.iife.js"></script>`),
    '/iife-de': (query) =>
      page(`${quoteElement(query, apiBase, 'de')}\n<script src="/dist/tessera.iife.js"></script>`),
    '/control-inline-script': () =>
      page('<p>control</p><script>document.body.dataset.ran = "yes";</script>'),
    '/control-inline-style': () => page('<p style="color: red">control</p>'),
  };

  let origin = '';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void route(req.method ?? 'GET', url, Buffer.concat(chunks).toString('utf8'), res).catch(
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
        },
      );
    });
  });

  async function route(method: string, url: URL, body: string, res: ServerResponse) {
    const render = pages[url.pathname];
    if (method === 'GET' && render) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy':
          url.pathname === '/esm-trusted-types'
            ? policy(apiOrigin, ...TRUSTED_TYPES)
            : policy(apiOrigin),
        'cache-control': 'no-store',
      });
      res.end(render(url.searchParams));
      return;
    }
    if (method === 'GET' && url.pathname.startsWith('/dist/')) {
      const file = url.pathname.slice('/dist/'.length);
      if (file.split('/').includes('..') || !file.endsWith('.js')) {
        res.writeHead(404).end();
        return;
      }
      const code = await readFile(join(distDir, file)).catch(() => undefined);
      if (code === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(code);
      return;
    }
    if (method === 'POST' && url.pathname === '/token') {
      const minted = await mint(
        url.searchParams.get('account') ?? '',
        url.searchParams.get('widget') ?? 'quote',
        origin,
      );
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(minted));
      return;
    }
    if (method === 'POST' && url.pathname === '/csp-report') {
      let parsed: unknown = body;
      try {
        parsed = JSON.parse(body);
      } catch {
        /* recorded as text */
      }
      const documentUri = (parsed as { 'csp-report'?: { 'document-uri'?: string } })?.[
        'csp-report'
      ]?.['document-uri'];
      reports.push({ path: documentUri ? new URL(documentUri).pathname : '?', body: parsed });
      res.writeHead(204).end();
      return;
    }
    // Chromium asks for it on every page; a 404 would be a console error.
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(404).end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    reports,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe(
  'the widgets under a strict Content-Security-Policy (built bundles, Chromium)',
  { skip },
  () => {
    let distDir: string;
    let stack: TestStack;
    let site: PartnerSite;
    let browser: Browser;
    let partner: { id: string; secret: string };
    const contexts: BrowserContext[] = [];

    before(async () => {
      distDir = await mkdtemp(join(tmpdir(), 'tessera-csp-dist-'));
      const [stackStarted] = await Promise.all([
        startTestStack({ TESSERA_LOG_LEVEL: 'silent' }),
        buildLibrary({ outDir: distDir }),
      ]);
      stack = stackStarted;
      site = await startPartnerSite(distDir, stack.api.url, async (account, widget, origin) => {
        const minted = await stack.tokenService.mint(partner.secret, {
          subject: account,
          scopes: WIDGET_SCOPES[widget] ?? [],
          origin,
        });
        if (minted.status !== 201) throw new Error(`mint answered ${minted.status}`);
        return { token: minted.body.token, expires_at: minted.body.expires_at };
      });
      const created = await stack.tokenService.createPartner({
        scopes: [...SCOPES],
        origins: [site.origin],
        rate_limit: { per_second: 1000, burst: 1000 },
      });
      partner = { id: created.partner.id, secret: created.key.secret };
      browser = await launchChromium();
    });

    after(async () => {
      for (const context of contexts) await context.close();
      await browser?.close();
      await site?.close();
      await stack?.close();
      if (distDir) await rm(distDir, { recursive: true, force: true });
    });

    /** A fresh customer of this partner with the seed's quotes. */
    async function customer(): Promise<URLSearchParams> {
      const seed = await seedDemo(stack.api.store, { partnerId: partner.id });
      return new URLSearchParams({ account: seed.account_id, quote: seed.quotes.open });
    }

    interface Visit {
      page: Page;
      /** Console errors, uncaught exceptions and failed requests, in order. */
      errors: string[];
      violations(): Promise<Violation[]>;
      /** Reports the policy's `report-uri` received for this page, after a grace period. */
      reports(): Promise<Report[]>;
    }

    async function visit(path: string, initScript = ''): Promise<Visit> {
      const context = await browser.newContext({ bypassCSP: false });
      contexts.push(context);
      const page = await context.newPage();
      await page.addInitScript({ content: RECORD + initScript });
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
      page.on('requestfailed', (request) =>
        errors.push(`request failed: ${request.url()} ${request.failure()?.errorText}`),
      );
      const pathname = new URL(path, site.origin).pathname;
      await page.goto(new URL(path, site.origin).href);
      return {
        page,
        errors,
        violations: () =>
          page.evaluate(() => (window as unknown as { __violations: Violation[] }).__violations),
        reports: async () => {
          await page.waitForTimeout(REPORT_GRACE_MS);
          return site.reports.filter((report) => report.path === pathname);
        },
      };
    }

    async function assertClean(visit: Visit): Promise<void> {
      assert.deepEqual(await visit.violations(), [], 'securitypolicyviolation events');
      assert.deepEqual(visit.errors, [], 'console errors');
      assert.deepEqual(await visit.reports(), [], 'reports to report-uri');
    }

    it('dist/tessera.js (ESM) shows the quote and accepts it, with no violation', async () => {
      const query = await customer();
      const visited = await visit(`/esm?${query}`);
      const quote = visited.page.locator('tessera-quote');
      await quote.getByText(LINE_ITEM).waitFor({ timeout: 15_000 });
      assert.match(
        (await quote.getByRole('heading', { level: 2 }).textContent()) ?? '',
        /Quote Q-/,
      );

      await quote.getByLabel('Your name').fill('Ada Lovelace');
      await quote.getByLabel('Your email').fill('ada@example.com');
      await quote.getByLabel('I accept the terms of this quote').check();
      await quote.getByRole('button', { name: 'Accept quote' }).click();
      await quote
        .getByRole('paragraph')
        .filter({ hasText: /You accepted quote Q-.*Thank you!/ })
        .waitFor({ timeout: 15_000 });
      await assertClean(visited);
    });

    it('loads another language as a separate module under script-src self, with no violation', async () => {
      const query = await customer();
      const visited = await visit(`/esm-de?${query}`);
      const quote = visited.page.locator('tessera-quote');
      await quote.getByText(LINE_ITEM).waitFor({ timeout: 15_000 });
      await quote.getByRole('button', { name: 'Angebot annehmen' }).waitFor({ timeout: 15_000 });
      await assertClean(visited);
    });

    it('works with Trusted Types enforced, allowing only the lit-html policy', async () => {
      const query = await customer();
      const visited = await visit(`/esm-trusted-types?${query}`);
      await visited.page.locator('tessera-quote').getByText(LINE_ITEM).waitFor({ timeout: 15_000 });
      await assertClean(visited);
    });

    it('dist/tessera.js with all three widgets on one page: each gets ready, with no violation', async () => {
      const query = await customer();
      const visited = await visit(`/esm-all?${query}`);
      const events = () =>
        visited.page.evaluate(
          () => (window as unknown as { __widgetEvents: string[] }).__widgetEvents,
        );
      for (let waited = 0; (await events()).length < 3 && waited < 15_000; waited += 100) {
        await visited.page.waitForTimeout(100);
      }
      assert.deepEqual([...(await events())].sort(), [
        'tessera-ready account',
        'tessera-ready onboarding',
        'tessera-ready quote',
      ]);
      await visited.page.locator('tessera-quote').getByText(LINE_ITEM).waitFor({ timeout: 15_000 });
      await assertClean(visited);
    });

    it('dist/tessera.iife.js (classic script) shows the quote, with no violation', async () => {
      const query = await customer();
      const visited = await visit(`/iife?${query}`);
      const quote = visited.page.locator('tessera-quote');
      await quote.getByText(LINE_ITEM).waitFor({ timeout: 15_000 });
      assert.equal(
        await visited.page.evaluate(() => typeof (window as { Tessera?: unknown }).Tessera),
        'object',
      );
      await assertClean(visited);
    });

    it('dist/tessera.iife.js loads another language as a classic script of its own, with no violation', async () => {
      const query = await customer();
      const visited = await visit(`/iife-de?${query}`);
      const quote = visited.page.locator('tessera-quote');
      await quote.getByText(LINE_ITEM).waitFor({ timeout: 15_000 });
      await quote.getByRole('button', { name: 'Angebot annehmen' }).waitFor({ timeout: 15_000 });
      const scripts = await visited.page.evaluate(() =>
        [...document.scripts].map((script) => new URL(script.src).pathname),
      );
      assert.deepEqual(scripts.sort(), [
        '/dist/tessera.core.de.js',
        '/dist/tessera.iife.js',
        '/dist/tessera.quote.de.js',
      ]);
      await assertClean(visited);
    });

    it('control: an inline script is refused, and every check sees it', async () => {
      const visited = await visit('/control-inline-script');
      const violations = await visited.violations();
      assert.equal(violations.length, 1);
      assert.equal(violations[0]?.directive, 'script-src-elem');
      assert.equal(await visited.page.evaluate(() => document.body.dataset.ran), undefined);
      assert.ok(visited.errors.some((error) => error.includes('Content Security Policy')));
      const reports = await waitForReports(visited);
      assert.ok(reports.length >= 1, 'the report-uri received the violation');
    });

    it('control: an inline style attribute is refused, and every check sees it', async () => {
      const visited = await visit('/control-inline-style');
      const violations = await visited.violations();
      assert.equal(violations.length, 1);
      assert.equal(violations[0]?.directive, 'style-src-attr');
      assert.ok(visited.errors.some((error) => error.includes('Content Security Policy')));
      const reports = await waitForReports(visited);
      assert.ok(reports.length >= 1, 'the report-uri received the violation');
    });

    it('control: the same bundle without constructable stylesheets injects <style>, which is refused', async () => {
      // Lit falls back to <style> elements in the shadow root when a browser cannot adopt sheets.
      const query = await customer();
      const visited = await visit(`/esm?${query}`, 'delete Document.prototype.adoptedStyleSheets;');
      await visited.page.locator('tessera-quote').getByText(LINE_ITEM).waitFor({ timeout: 15_000 });
      const violations = await visited.violations();
      assert.ok(violations.length > 0);
      assert.ok(violations.every((violation) => violation.directive === 'style-src-elem'));
      assert.ok((await waitForReports(visited)).length > 0, 'the report-uri received them');
    });

    /** The controls wait for their report (not a fixed grace), so a slow machine cannot flake them. */
    async function waitForReports(visited: Visit): Promise<Report[]> {
      const path = new URL(visited.page.url()).pathname;
      for (let waited = 0; waited < 10_000; waited += 100) {
        const reports = site.reports.filter((report) => report.path === path);
        if (reports.length > 0) return reports;
        await visited.page.waitForTimeout(100);
      }
      return [];
    }
  },
);
