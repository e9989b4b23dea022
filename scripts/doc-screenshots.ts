/**
 * `node --import tsx scripts/doc-screenshots.ts [--url http://127.0.0.1:5173]`: the pictures in
 * docs/theming.md, taken in headless Chromium from the demo shop that `npm start` serves — the
 * open quote with the light preset, the dark preset, and the custom theme whose CSS is the
 * `tessera-provider.brand` block of docs/theming.md, side by side in `docs/images/theming.png`.
 * Without `--url` it starts its own demo stack on free ports and a temporary data dir.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { startStack } from '../bin/stack.ts';
import { launchChromium } from '../test/support/chromium.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'docs/images/theming.png');

/** The custom theme exactly as docs/theming.md shows it. */
async function customTheme(): Promise<string> {
  const doc = await readFile(join(ROOT, 'docs/theming.md'), 'utf8');
  const css = [...doc.matchAll(/```css\n([\s\S]*?)```/g)]
    .map((m) => m[1] ?? '')
    .find((block) => block.includes('tessera-provider.brand'));
  if (!css) throw new Error('docs/theming.md has no css block for tessera-provider.brand');
  return css;
}

interface Demo {
  url: string;
  quoteId: string;
  apiBase: string;
  close(): Promise<void>;
}

/** A running demo: the one at `url` (its page names the quote and the API), or our own. */
async function demo(url: string | undefined): Promise<Demo> {
  if (url) {
    const html = await (await fetch(url)).text();
    const quoteId = /quote-id="([^"]+)"/.exec(html)?.[1];
    const apiBase = /api-base="([^"]+)"/.exec(html)?.[1];
    if (!quoteId || !apiBase) throw new Error(`${url} does not look like the demo shop`);
    return { url, quoteId, apiBase, close: () => Promise.resolve() };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-screenshots-'));
  const stack = await startStack({
    dataDir,
    tokenServicePort: 0,
    coreApiPort: 0,
    demoPort: 0,
    env: { ...process.env, TESSERA_LOG_LEVEL: 'silent' },
  });
  return {
    url: stack.site.url,
    quoteId: stack.demo.shop.quote_id,
    apiBase: stack.coreApi.url,
    async close() {
      await stack.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const { values } = parseArgs({ options: { url: { type: 'string' } } });
const running = await demo(values.url);
const browser = await launchChromium();
try {
  // The demo's strict CSP refuses the <style> this page adds for the custom theme.
  const context = await browser.newContext({
    bypassCSP: true,
    viewport: { width: 1650, height: 900 },
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  await page.goto(`${running.url}/blank`);
  await page.addStyleTag({
    content: `body { margin: 0; background: #f4f4f7; font-family: system-ui, sans-serif; }
      #shots { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 24px; padding: 24px; align-items: start; }
      #shots > div:nth-child(2) { background: #121214; padding: 12px; border-radius: 8px; }
      ${await customTheme()}`,
  });
  await page.evaluate(
    ({ quoteId, apiBase }) => {
      const shots = document.createElement('div');
      shots.id = 'shots';
      for (const variant of ['light', 'dark', 'brand']) {
        const cell = document.createElement('div');
        const provider = document.createElement('tessera-provider');
        provider.setAttribute('api-base', apiBase);
        provider.setAttribute('token-url', '/api/widget-token?widget=quote');
        provider.setAttribute('locale', 'en');
        if (variant === 'dark') provider.setAttribute('appearance', 'dark');
        if (variant === 'brand') provider.className = 'brand';
        const quote = document.createElement('tessera-quote');
        quote.setAttribute('quote-id', quoteId);
        quote.addEventListener('tessera-ready', () => (quote.dataset.ready = ''));
        provider.append(quote);
        cell.append(provider);
        shots.append(cell);
      }
      document.body.append(shots);
    },
    { quoteId: running.quoteId, apiBase: running.apiBase },
  );
  await page.waitForFunction(
    () => document.querySelectorAll('tessera-quote[data-ready]').length === 3,
    undefined,
    { timeout: 20_000 },
  );
  await mkdir(join(ROOT, 'docs/images'), { recursive: true });
  await page.locator('#shots').screenshot({ path: OUT });
  console.log(`Wrote ${OUT}`);
} finally {
  await browser.close();
  await running.close();
}
