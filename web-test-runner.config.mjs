// Browser tests (`npm run test:browser`, and `npm test` after the node suites): real Chromium
// against a real token service and core API started here, for the page's own origin.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { register } from 'tsx/esm/api';

const PORT = Number(process.env.WTR_PORT ?? 8765);
const ORIGIN = `http://localhost:${PORT}`;

register();
const { startTestStack } = await import('./test/core-api/helpers.ts');
const { seedDemo } = await import('./core-api/seed.ts');
const { SCOPES } = await import('./contracts/index.ts');

const stack = await startTestStack({ TESSERA_LOG_LEVEL: 'silent' });
const created = await stack.tokenService.createPartner({
  scopes: [...SCOPES],
  origins: [ORIGIN],
  rate_limit: { per_second: 1000, burst: 1000 },
});
const partner = { id: created.partner.id, secret: created.key.secret };

/** A fresh demo account per call, so each test owns its quotes. */
async function seed() {
  const demo = await seedDemo(stack.api.store, { partnerId: partner.id });
  return {
    apiBase: stack.api.url,
    tokenUrl: `/__token?account=${demo.account_id}`,
    accountId: demo.account_id,
    quotes: demo.quotes,
  };
}

const failedOnce = new Set();

/**
 * The partner's backend: mints a widget token with the partner secret, server-side, for the
 * account in the query. `?fail=503` answers as a failing backend would; with `&once=<key>`, only
 * the first time for that key.
 */
async function mintToken(query) {
  const fail = query.get('fail');
  const once = query.get('once');
  if (fail && !(once && failedOnce.has(once))) {
    if (once) failedOnce.add(once);
    return { status: Number(fail), body: { error: 'backend unavailable' } };
  }
  const scopes = query.get('scopes')?.split(',') ?? ['quote:read', 'quote:accept'];
  const minted = await stack.tokenService.mint(partner.secret, {
    subject: query.get('account'),
    scopes,
    origin: ORIGIN,
  });
  if (minted.status !== 201) return { status: 502, body: minted.body };
  return { status: 200, body: { token: minted.body.token, expires_at: minted.body.expires_at } };
}

function stackRoutes() {
  return async (context, next) => {
    const url = new URL(context.url, ORIGIN);
    if (url.pathname === '/__stack' && context.method === 'POST') {
      context.type = 'application/json';
      context.body = JSON.stringify(await seed());
      return;
    }
    if (url.pathname === '/__token' && context.method === 'POST') {
      const { status, body } = await mintToken(url.searchParams);
      context.status = status;
      context.type = 'application/json';
      context.body = JSON.stringify(body);
      return;
    }
    return next();
  };
}

export default {
  files: ['test/browser/**/*.test.ts'],
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
    {
      name: 'tessera-stack',
      async serverStop() {
        await stack.close();
      },
    },
  ],
};
