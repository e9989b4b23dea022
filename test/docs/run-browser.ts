/**
 * Browser samples, in Chromium on the local partner site. An HTML sample is the page (a fragment
 * gets a document around it, the bundle's `<script>` when it has none, and — when it configures
 * nothing itself — the `<tessera-provider>` with `api-base` and `token-url` that a partner page
 * has around its widgets). A script sample is bundled with the widgets and loaded as the page's
 * module; when it configures widgets without placing one, a `<tessera-quote>` is on the page to
 * prove the configuration works. Either way the sample passes when the script finished, every
 * widget on the page fired `tessera-ready` with its data, and nothing failed: no `tessera-error`,
 * no page error, no console error.
 */
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { browserPrelude } from './context.ts';
import { bundleForBrowser, type SampleSite } from './site.ts';
import type { Fixture } from './stack.ts';
import { CHROMIUM_PATH, launchChromium } from '../support/chromium.ts';

export const CHROME = CHROMIUM_PATH;
const WIDGETS = ['tessera-quote', 'tessera-onboarding', 'tessera-account'];
const WIDGET_SELECTOR = WIDGETS.join(', ');

export const launchBrowser = launchChromium;

/** Registered before any script of the page: what the widgets said, per element. */
const RECORD_EVENTS = `
  window.__tessera = [];
  for (const type of ['tessera-ready', 'tessera-error', 'tessera-success']) {
    window.addEventListener(type, (event) => {
      const el = event.composedPath()[0];
      window.__tessera.push({ type, tag: el.localName, detail: event.detail });
      if (type === 'tessera-ready') el.__sampleReady = event.detail;
    }, true);
  }
`;

const escape = (value: string) => value.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

function documentFor(body: string, head: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Doc sample</title>
    ${head}
  </head>
  <body>
${body}
  </body>
</html>`;
}

/** An HTML sample as a page of the partner site. */
export function htmlPage(html: string, apiBase: string): string {
  if (/^\s*(<!doctype|<html)/i.test(html)) return html;
  const loadsBundle = /tessera(\.iife)?\.js/.test(html);
  const configures = /api-base=|configure\(|<tessera-provider/.test(html);
  const body = configures
    ? html
    : `<tessera-provider api-base="${escape(apiBase)}" token-url="/api/widget-token">\n${html}\n</tessera-provider>`;
  return documentFor(body, loadsBundle ? '' : '<script type="module" src="/tessera.js"></script>');
}

/** A script sample as a page of the partner site: the bundled module, and a widget to configure. */
export async function scriptPage(
  site: SampleSite,
  code: string,
  lang: 'js' | 'ts',
  fixture: Fixture,
): Promise<{ url: string; context: string[] }> {
  const { prelude, names } = browserPrelude(code);
  const bundled = await bundleForBrowser(prelude + code, lang);
  const path = site.script(bundled);
  const placesWidgets = /createElement\(|innerHTML|<tessera-/.test(code);
  const configuresWidgets = /from\s+['"]tessera['"]/.test(code) && /configure\(/.test(code);
  const widget =
    configuresWidgets && !placesWidgets
      ? `<tessera-quote quote-id="${escape(fixture.quoteId)}"></tessera-quote>`
      : '';
  const loader = `<script type="module">
  import(${JSON.stringify(path)}).then(
    () => { window.__sampleDone = 'ok'; },
    (error) => { window.__sampleDone = 'error: ' + (error && error.stack || error); },
  );
</script>`;
  return { url: site.page(documentFor(widget, loader), fixture), context: names };
}

export interface PageResult {
  widgets: { tag: string; ready: boolean }[];
  events: { type: string; tag: string; detail: unknown }[];
  renders: unknown[];
}

/** Loads `url` and waits for the sample to settle; throws with everything that went wrong. */
export async function checkPage(
  browser: Browser,
  url: string,
  { script = false, timeoutMs = 15_000 } = {},
): Promise<PageResult> {
  const context = await browser.newContext();
  const problems: string[] = [];
  try {
    const page = await context.newPage();
    await page.addInitScript(RECORD_EVENTS);
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    await page.goto(url);
    if (script) {
      await page.waitForFunction(() => '__sampleDone' in window, undefined, { timeout: timeoutMs });
      const done = await page.evaluate(
        () => (window as unknown as { __sampleDone: string }).__sampleDone,
      );
      if (done !== 'ok') problems.push(`the script failed: ${done}`);
    }
    const undefinedTags = await page.evaluate(
      (selector) =>
        [...document.querySelectorAll(selector)]
          .filter((el) => !customElements.get(el.localName))
          .map((el) => el.localName),
      WIDGET_SELECTOR,
    );
    for (const tag of new Set(undefinedTags))
      problems.push(`<${tag}> is not defined by the bundle`);
    if (!undefinedTags.length) {
      await page
        .waitForFunction(
          (selector) =>
            [...document.querySelectorAll(selector)].every(
              (el) =>
                '__sampleReady' in el ||
                (window as unknown as { __tessera: { type: string }[] }).__tessera.some(
                  (e) => e.type === 'tessera-error',
                ),
            ),
          WIDGET_SELECTOR,
          { timeout: timeoutMs },
        )
        .catch(() => problems.push('not every widget fired tessera-ready in time'));
    }
    const result = await page.evaluate((selector) => {
      const w = window as unknown as {
        __tessera: PageResult['events'];
        __sampleContext?: { renders: unknown[] };
      };
      return {
        widgets: [...document.querySelectorAll(selector)].map((el) => ({
          tag: el.localName,
          ready: '__sampleReady' in el,
          text: el.shadowRoot?.textContent ?? '',
        })),
        events: JSON.parse(JSON.stringify(w.__tessera)) as PageResult['events'],
        renders: JSON.parse(JSON.stringify(w.__sampleContext?.renders ?? [])) as unknown[],
      };
    }, WIDGET_SELECTOR);
    for (const event of result.events.filter((e) => e.type === 'tessera-error'))
      problems.push(`<${event.tag}> tessera-error ${JSON.stringify(event.detail)}`);
    for (const widget of result.widgets)
      if (widget.ready && !widget.text.trim()) problems.push(`<${widget.tag}> rendered nothing`);
    assert.deepEqual(problems, [], `${url}:\n${problems.join('\n')}`);
    return result;
  } finally {
    await context.close();
  }
}
