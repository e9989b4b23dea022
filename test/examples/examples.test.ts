/**
 * Every app under examples/, as a partner would build it: each with its own toolchain (the
 * TypeScript, vue-tsc, svelte-check or ngc type check first, then Vite with React's, Vue's or
 * Svelte's plugin, or Angular's linker), against @tessera/widgets built as a package (see
 * ./workspace.ts). Then, in Chromium, each page against a real token service and core API: the
 * page sets the quote id, the core API and its token endpoint as properties (or hands them to the
 * headless controller), the customer accepts the quote, and the page shows the `tessera-success`
 * it heard; the core API has the quote accepted.
 *
 * The JavaScript each page loaded is measured (gzip) and reported against the plain page's: what
 * each framework adds to a page with the widget.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { SCOPES } from '../../contracts/index.ts';
import { seedDemo } from '../../core-api/seed.ts';
import { startTestStack, type TestStack } from '../core-api/helpers.ts';
import { CHROMIUM_PATH, launchChromium } from '../support/chromium.ts';
import { buildPlain, createWorkspace, mustRun, tool, type Workspace } from './workspace.ts';

const skip = existsSync(CHROMIUM_PATH)
  ? false
  : `no Chromium at ${CHROMIUM_PATH}: install it (apt-get install -y --no-install-recommends chromium) or set CHROME_PATH`;
/** Generous: a shared, busy machine. Not a speed check, only "it got there". */
const PATIENCE = { timeout: 30_000 };

const log = (line: string) => console.error(`[examples] ${line}`);

/** A command of an example's build: a package's script and its arguments. */
type Step = [pkg: string, script: string, ...args: string[]];

const VITE: Step = ['vite', 'bin/vite.js', 'build'];
const TSC: Step = ['typescript', 'bin/tsc', '-p', '.'];
const VUE_TSC: Step = ['vue-tsc', 'bin/vue-tsc.js', '-p', '.'];

interface Example {
  name: string;
  /** What builds it, for the test's name. */
  toolchain: string;
  /** Its build, in its directory; the plain page has its own (the browser library). */
  steps: Step[];
  /** Whether the page shows `<tessera-quote>` (else the app's own markup, headless). */
  element: boolean;
}

const EXAMPLES: Example[] = [
  { name: 'plain', toolchain: 'no build step (the browser library)', steps: [], element: true },
  {
    name: 'react',
    toolchain: 'tsc, Vite and @vitejs/plugin-react',
    steps: [TSC, VITE],
    element: true,
  },
  {
    name: 'vue',
    toolchain: 'vue-tsc, Vite and @vitejs/plugin-vue',
    steps: [VUE_TSC, VITE],
    element: true,
  },
  {
    name: 'svelte',
    toolchain: 'svelte-check, Vite and @sveltejs/vite-plugin-svelte',
    steps: [['svelte-check', 'bin/svelte-check', '--fail-on-warnings'], VITE],
    element: true,
  },
  {
    name: 'angular',
    toolchain: "ngc (strict templates), Vite and Angular's linker",
    steps: [['@angular/compiler-cli', 'bundles/src/bin/ngc.js', '-p', 'tsconfig.app.json'], VITE],
    element: true,
  },
  {
    name: 'react-headless',
    toolchain: 'tsc, Vite and @vitejs/plugin-react',
    steps: [TSC, VITE],
    element: false,
  },
  {
    name: 'vue-headless',
    toolchain: 'vue-tsc, Vite and @vitejs/plugin-vue',
    steps: [VUE_TSC, VITE],
    element: false,
  },
];

describe(
  'the framework examples, each built by its own toolchain and driven in Chromium',
  { skip },
  () => {
    let workspace: Workspace;
    let stack: TestStack;
    let site: { origin: string; close(): Promise<void> };
    let partner: { id: string; secret: string };
    let browser: Browser;
    /** Gzip bytes of the JavaScript each page loaded. */
    const sizes = new Map<string, number>();

    before(async () => {
      workspace = await createWorkspace(log);
      stack = await startTestStack({ TESSERA_LOG_LEVEL: 'silent' });
      site = await serveExamples(workspace, async (account, origin) => {
        const minted = await stack.tokenService.mint(partner.secret, {
          subject: account,
          scopes: ['quote:read', 'quote:accept'],
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
      await browser?.close();
      await site?.close();
      await stack?.close();
      await workspace?.close();
    });

    for (const example of EXAMPLES) {
      it(`${example.name}: builds with ${example.toolchain}; the customer accepts the quote and the page shows the tessera-success it heard`, async () => {
        const dir = workspace.example(example.name);
        if (example.name === 'plain') await buildPlain(workspace);
        for (const [pkg, script, ...args] of example.steps) {
          log(`${example.name}: ${pkg} ${args.join(' ')}`);
          const [command, base] = tool(workspace.dir, pkg, script);
          await mustRun(command, [...base, ...args], dir);
        }

        const seed = await seedDemo(stack.api.store, { partnerId: partner.id });
        const quoteId = seed.quotes.open;
        const page = await browser.newPage();
        const problems: string[] = [];
        page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(`console: ${message.text()}`);
        });
        const scripts: string[] = [];
        page.on('response', (response) => {
          const path = new URL(response.url()).pathname;
          if (response.url().startsWith(site.origin) && path.endsWith('.js')) scripts.push(path);
        });
        const query = new URLSearchParams({
          quote: quoteId,
          api: stack.api.url,
          token: `/token?account=${encodeURIComponent(seed.account_id)}`,
        });
        await page.goto(`${site.origin}/${example.name}/?${query}`);

        // The same customer steps on the widget (its shadow root) and on the headless app's markup.
        const scope = page.locator(example.element ? 'tessera-quote' : 'main');
        await scope.getByRole('heading', { name: /Quote Q-/ }).waitFor(PATIENCE);
        await scope.getByLabel('Your name').fill('Ada Lovelace');
        await scope.getByLabel('Your email').fill('ada@example.com');
        await scope.getByLabel('I accept the terms of this quote').check();
        await scope.getByRole('button', { name: 'Accept quote' }).click();

        const outcome = page.locator('#outcome');
        await outcome.filter({ hasText: 'tessera-success' }).waitFor(PATIENCE);
        const token = await stack.token(['quote:read'], {
          subject: seed.account_id,
          origin: site.origin,
          secret: partner.secret,
        });
        const served = await fetch(`${stack.api.url}/v1/quotes/${quoteId}`, {
          headers: { authorization: `Bearer ${token}`, origin: site.origin },
        });
        const quote = (await served.json()) as { number: string; status: string };
        assert.equal(quote.status, 'accepted', 'the core API has the quote accepted');
        assert.equal(
          (await outcome.textContent())?.replace(/\s+/g, ' ').trim(),
          `tessera-success: accept ${quote.number} (accepted)`,
        );
        assert.deepEqual(problems, [], 'no error on the page');
        await page.close();

        let gzip = 0;
        for (const path of new Set(scripts)) {
          const file = path.slice(`/${example.name}/`.length);
          gzip += gzipSync(await readFile(join(dir, 'dist', file)), { level: 9 }).length;
        }
        sizes.set(example.name, gzip);
        log(
          `${example.name}: ${new Set(scripts).size} scripts, ${(gzip / 1024).toFixed(1)} KB gzip`,
        );
      });
    }

    it('reports the JavaScript each framework adds to a page with the quote (gzip, against the plain page)', () => {
      const plain = sizes.get('plain');
      assert.ok(plain, 'the plain page was measured');
      const rows = EXAMPLES.filter((example) => sizes.has(example.name)).map((example) => {
        const size = sizes.get(example.name)!;
        const added = example.name === 'plain' ? '' : `${((size - plain) / 1024).toFixed(1)} KB`;
        return `  ${example.name.padEnd(15)} ${(size / 1024).toFixed(1).padStart(6)} KB  ${added}`;
      });
      console.log(['  example          loaded  added', ...rows].join('\n'));
      assert.equal(sizes.size, EXAMPLES.length, 'every example was measured');
    });
  },
);

/**
 * One site for every example, `/<name>/` serving its `dist/`, and the partner backend's token
 * endpoint, which mints for the account in the query and the site's origin.
 */
async function serveExamples(
  workspace: Workspace,
  mint: (account: string, origin: string) => Promise<{ token: string; expires_at: string }>,
): Promise<{ origin: string; close(): Promise<void> }> {
  const types: Record<string, string> = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
  };
  let origin = '';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    void (async () => {
      if (req.method === 'POST' && url.pathname === '/token') {
        const minted = await mint(url.searchParams.get('account') ?? '', origin);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(minted));
        return;
      }
      if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
      const [, name = '', ...rest] = url.pathname.split('/');
      const file = normalize(rest.join('/') || 'index.html');
      if (!name || file.startsWith('..')) return void res.writeHead(404).end();
      const body = await readFile(join(workspace.example(name), 'dist', file)).catch(
        () => undefined,
      );
      if (body === undefined) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    })().catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
