// Browser tests (`npm run test:browser`, and `npm test` after the node suites): real Chromium
// against a real token service and core API started here, for the page's own origin, and a
// fault-injecting proxy in front of that API for the failure paths.
//
// Routes on the runner's origin, for the page (typed helpers: test/support/browser/stack.ts):
//   POST   /__stack                 a fresh demo account: { apiBase, faultApiBase, tokenUrl, … }
//   POST   /__token?account=…       mints like the partner's backend; &scopes=a,b  &ttl=<seconds>  &dpop=1 (bind to the widget key)
//                                  (test-mode partner: down to 5 s)  &fail=<status>[&once=<key>]
//   GET    /__token-log?account=…   every /__token call for that account: { at, status, expires_at, dpop_jkt, token }
//   GET    /__events?account=…      the core API's domain events for that account, oldest first
//   POST   /__faults                { rules: Fault[] } for the proxy (test/support/browser/fault-proxy.node.ts)
//   GET    /__faults                { log, pending }: what the proxy saw, rules not used up
//   POST   /__faults/release        lets held requests through
//   DELETE /__faults                forgets rules and log
import { mkdir } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { register } from 'tsx/esm/api';

const PORT = Number(process.env.WTR_PORT ?? 8765);
const ORIGIN = `http://localhost:${PORT}`;

register();
const { startTestStack } = await import('./test/core-api/helpers.ts');
const { seedDemo } = await import('./core-api/seed.ts');
const { SCOPES } = await import('./contracts/index.ts');
const { startFaultProxy } = await import('./test/support/browser/fault-proxy.node.ts');

const stack = await startTestStack({ TESSERA_LOG_LEVEL: 'silent' });
// Test mode, so the widgets can be given tokens short enough to expire during a test.
const created = await stack.tokenService.createPartner({
  mode: 'test',
  scopes: [...SCOPES],
  origins: [ORIGIN],
  rate_limit: { per_second: 1000, burst: 1000 },
});
const partner = { id: created.partner.id, secret: created.key.secret };
const proxy = await startFaultProxy(stack.api.url);

/** A fresh demo account per call, so each test owns its quotes. */
async function seed() {
  const demo = await seedDemo(stack.api.store, { partnerId: partner.id });
  return {
    apiBase: stack.api.url,
    faultApiBase: proxy.url,
    tokenUrl: `/__token?account=${demo.account_id}`,
    accountId: demo.account_id,
    quotes: demo.quotes,
    onboardingId: demo.onboarding_id,
  };
}

const failedOnce = new Set();
/** account id → every /__token call for it. */
const mints = new Map();

/**
 * The partner's backend: mints a widget token with the partner secret, server-side, for the
 * account in the query. `?fail=503` answers as a failing backend would; with `&once=<key>`, only
 * the first time for that key. `&ttl=<seconds>` asks for that lifetime.
 */
async function mintToken(query, requested = {}) {
  const fail = query.get('fail');
  const once = query.get('once');
  if (fail && !(once && failedOnce.has(once))) {
    if (once) failedOnce.add(once);
    return { status: Number(fail), body: { error: 'backend unavailable' } };
  }
  const scopes = query.get('scopes')?.split(',') ?? ['quote:read', 'quote:accept'];
  const ttl = query.get('ttl');
  const minted = await stack.tokenService.mint(partner.secret, {
    subject: query.get('account'),
    scopes,
    origin: ORIGIN,
    ...(ttl ? { ttl_seconds: Number(ttl) } : {}),
    // `&dpop=1`: forward the widget's key thumbprint, binding the token to its page (RFC 9449).
    ...(query.get('dpop') === '1' && requested.dpop_jkt ? { dpop_jkt: requested.dpop_jkt } : {}),
  });
  if (minted.status !== 201) return { status: 502, body: minted.body };
  return { status: 200, body: { token: minted.body.token, expires_at: minted.body.expires_at } };
}

async function readJson(request) {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text ? JSON.parse(text) : {};
}

/** The routes above; each answers JSON. */
const routes = {
  'POST /__stack': () => ({ body: seed() }),
  'POST /__token': async (url, request) => {
    const account = url.searchParams.get('account') ?? '';
    const requested = await readJson(request).catch(() => ({}));
    const { status, body } = await mintToken(url.searchParams, requested);
    const log = mints.get(account) ?? [];
    log.push({
      at: Date.now(),
      status,
      expires_at: body.expires_at ?? null,
      dpop_jkt: requested.dpop_jkt ?? null,
      token: body.token ?? null,
    });
    mints.set(account, log);
    return { status, body };
  },
  'GET /__token-log': (url) => ({ body: mints.get(url.searchParams.get('account') ?? '') ?? [] }),
  'GET /__events': (url) => ({
    body: stack.api.store.listEvents(partner.id, 0, 1000, url.searchParams.get('account') ?? ''),
  }),
  'POST /__faults': async (_url, request) => {
    const { rules } = await readJson(request);
    proxy.add(Array.isArray(rules) ? rules : []);
    return { body: { pending: proxy.pending() } };
  },
  'GET /__faults': () => ({ body: { log: proxy.log(), pending: proxy.pending() } }),
  'POST /__faults/release': () => ({ body: { released: proxy.releaseHeld() } }),
  'DELETE /__faults': () => {
    proxy.reset();
    return { body: {} };
  },
};

function stackRoutes() {
  return async (context, next) => {
    const url = new URL(context.url, ORIGIN);
    const route = routes[`${context.method} ${url.pathname}`];
    if (!route) return next();
    const { status = 200, body } = await route(url, context.req);
    context.status = status;
    context.type = 'application/json';
    context.body = JSON.stringify(await body);
  };
}

const SCREENSHOTS = resolve('test/widgets/screenshots');
/** One DevTools session per test page, kept so its media emulation lasts. */
const devtools = new Map();

/**
 * Page commands the stock ones lack with the Chrome launcher (test/support/browser/page.ts):
 * `emulate-media-features` sets any media feature, `forced-colors` included, through DevTools;
 * `screenshot` writes a PNG of a page rectangle under test/widgets/screenshots/.
 */
const pageCommands = {
  name: 'tessera-page-commands',
  async executeCommand({ command, payload, session }) {
    if (command !== 'emulate-media-features' && command !== 'screenshot') return undefined;
    const page = session.browser.getPage(session.id);
    if (command === 'emulate-media-features') {
      let cdp = devtools.get(session.id);
      if (!cdp) {
        cdp = await page.createCDPSession();
        devtools.set(session.id, cdp);
      }
      await cdp.send('Emulation.setEmulatedMedia', { features: payload.features });
      return true;
    }
    const path = resolve(SCREENSHOTS, payload.name);
    if (!path.startsWith(SCREENSHOTS + sep) || !path.endsWith('.png')) {
      throw new Error(`A screenshot goes to test/widgets/screenshots/*.png, not ${payload.name}`);
    }
    await mkdir(dirname(path), { recursive: true });
    await page.screenshot({ path, clip: payload.clip });
    return true;
  },
};

export default {
  files: ['test/**/*.browser.test.ts'],
  nodeResolve: true,
  port: PORT,
  hostname: 'localhost',
  rootDir: '.',
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      },
    }),
  ],
  middleware: [stackRoutes()],
  plugins: [
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' }),
    pageCommands,
    {
      name: 'tessera-stack',
      async serverStop() {
        await proxy.close();
        await stack.close();
      },
    },
  ],
};
