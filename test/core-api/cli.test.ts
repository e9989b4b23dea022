import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { Quote } from '../../contracts/index.ts';
import { BIN, TEST_ENV, startTessera, type RunningStart } from '../support/tessera-start.ts';
import { tempDir } from '../token-service/helpers.ts';

const ENV = TEST_ENV;
type Started = RunningStart['info'];
const start = (dir: string) => startTessera(dir);

async function readQuote(info: Started): Promise<Quote> {
  const minted = await fetch(`${info.token_service}/v1/tokens`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${info.demo.secret_key}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      subject: info.demo.seed.account_id,
      scopes: ['quote:read'],
      origin: info.demo.origin,
    }),
  });
  const { token } = (await minted.json()) as { token: string };
  const response = await fetch(`${info.core_api}/v1/quotes/${info.demo.seed.quotes.open}`, {
    headers: { authorization: `Bearer ${token}`, origin: info.demo.origin },
  });
  assert.equal(response.status, 200);
  return Quote.parse(await response.json());
}

describe('tessera start (npm start)', () => {
  it('starts the token service and the core API with a seeded demo, seeds more while running, stops cleanly, and resumes with the same data', async () => {
    const dir = await tempDir();
    const first = await start(dir);
    assert.equal((await readQuote(first.info)).status, 'open');

    const seeded = spawnSync(
      process.execPath,
      [
        BIN,
        '--json',
        '--data-dir',
        dir,
        'core-api',
        'seed',
        '--partner',
        first.info.demo.partner_id,
      ],
      { env: ENV, encoding: 'utf8' },
    );
    assert.equal(seeded.status, 0, seeded.stderr);
    const more = JSON.parse(seeded.stdout) as {
      account_id: string;
      quotes: { open: string; expired: string; accepted: string };
      onboarding_id: string;
    };
    assert.match(more.account_id, /^acct_/);
    assert.notEqual(more.account_id, first.info.demo.seed.account_id);
    assert.match(more.onboarding_id, /^onb_/);

    assert.equal(await first.stop(), 0);
    const second = await start(dir);
    try {
      // On another port now (0 picks one), so the shop's endpoint moved there, keeping its secret.
      const { shop } = first.info.demo;
      const moved = `${second.info.demo_site}/webhooks/tessera`;
      assert.deepEqual(
        second.info.demo,
        { ...first.info.demo, shop: { ...shop, webhook: { ...shop.webhook, url: moved } } },
        'the same partner, key, seed, shop quote and webhook endpoint after a restart',
      );
      assert.equal((await readQuote(second.info)).id, first.info.demo.seed.quotes.open);
    } finally {
      assert.equal(await second.stop(), 0);
    }
  });

  it('serves the demo shop: the page under a strict CSP, the widgets bundle, and a token endpoint that mints per widget', async () => {
    const dir = await tempDir();
    const started = await start(dir);
    const { info } = started;
    try {
      const page = await fetch(info.demo_site);
      assert.equal(page.status, 200);
      const csp = page.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /style-src 'self'(;|$)/);
      assert.ok(csp.includes(new URL(info.core_api).origin), 'the API is in connect-src');
      const html = await page.text();
      assert.ok(html.includes(`quote-id="${info.demo.shop.quote_id}"`), "the shop's quote");
      assert.ok(html.includes(`account-id="${info.demo.seed.account_id}"`));
      assert.ok(html.includes('<tessera-onboarding'));
      assert.doesNotMatch(
        html,
        /<script>|<style>| on\w+=/,
        'nothing inline a strict CSP would refuse',
      );
      assert.ok(!html.includes(info.demo.secret_key), 'the secret stays on the server');

      const bundle = await fetch(`${info.demo_site}/widgets/tessera.js`);
      assert.equal(bundle.status, 200);
      assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
      assert.ok((await bundle.text()).includes('tessera-quote'));

      const origin = new URL(info.demo_site).origin;
      const minted = await fetch(`${info.demo_site}/api/widget-token?widget=quote`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ session_id: 'ws_demo-session' }),
      });
      assert.equal(minted.status, 200);
      const { token, expires_at } = (await minted.json()) as { token: string; expires_at: string };
      assert.ok(Date.parse(expires_at) > Date.now());
      const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
        scope: string;
        sub: string;
      };
      assert.equal(claims.scope, 'quote:read quote:accept', 'only what the quote widget needs');
      assert.equal(claims.sub, info.demo.seed.account_id);

      const quote = await fetch(`${info.core_api}/v1/quotes/${info.demo.seed.quotes.open}`, {
        headers: { authorization: `Bearer ${token}`, origin },
      });
      assert.equal(quote.status, 200, 'the site on its own port is an allowed origin');

      const unknown = await fetch(`${info.demo_site}/api/widget-token?widget=admin`, {
        method: 'POST',
      });
      assert.equal(unknown.status, 400);
    } finally {
      assert.equal(await started.stop(), 0);
    }
  });

  it('says which option to use when the demo port is taken', async () => {
    const blocker = createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as AddressInfo;
    try {
      const run = spawnSync(
        process.execPath,
        [
          BIN,
          '--data-dir',
          await tempDir(),
          'start',
          '--port',
          '0',
          '--core-api-port',
          '0',
          '--demo-port',
          String(port),
        ],
        { env: ENV, encoding: 'utf8' },
      );
      assert.equal(run.status, 1);
      assert.match(run.stderr, new RegExp(`Port ${port} .* already in use.*--demo-port`));
    } finally {
      blocker.close();
    }
  });

  it('seeds without a running core API, and refuses a malformed partner id', async () => {
    const dir = await tempDir();
    const seeded = spawnSync(
      process.execPath,
      [BIN, '--json', '--data-dir', dir, 'core-api', 'seed', '--partner', 'ptn_offline000000001'],
      { env: ENV, encoding: 'utf8' },
    );
    assert.equal(seeded.status, 0, seeded.stderr);
    assert.match((JSON.parse(seeded.stdout) as { account_id: string }).account_id, /^acct_/);
    const bad = spawnSync(
      process.execPath,
      [BIN, '--json', '--data-dir', dir, 'core-api', 'seed', '--partner', 'nope'],
      { env: ENV, encoding: 'utf8' },
    );
    assert.equal(bad.status, 1);
    assert.equal(
      (JSON.parse(bad.stderr) as { error: { code: string } }).error.code,
      'validation_failed',
    );
  });

  it('says clearly when the token service cannot be reached', async () => {
    const run = spawnSync(
      process.execPath,
      [
        BIN,
        '--data-dir',
        await tempDir(),
        'core-api',
        '--port',
        '0',
        '--token-service',
        'http://127.0.0.1:1',
      ],
      {
        env: { ...ENV, TESSERA_DISCOVERY_TIMEOUT_MS: '300' },
        encoding: 'utf8',
      },
    );
    assert.equal(run.status, 1);
    assert.match(run.stderr, /The token service at http:\/\/127\.0\.0\.1:1 did not answer/);
  });
});
