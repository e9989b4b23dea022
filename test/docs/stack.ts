/**
 * The stack the doc samples run against: `bin/tessera.js start` in a child process on a temporary
 * data dir (token service, core API, demo site, all on free ports), exactly what `npm start`
 * runs, so the `tessera` CLI in shell samples finds it the way an operator's would. Each sample
 * gets a fixture of its own — a fresh partner, key, seeded account and token — so a sample that
 * suspends a partner, revokes a key or accepts a quote cannot break the next one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCOPES } from '../../contracts/index.ts';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
export const ADMIN_TOKEN = 'tadm_doc_samples_only_0123456789abcdef';
/** The origin the doc samples mint for when they are not in a browser (as the docs write it). */
export const SHOP_ORIGIN = 'https://shop.example';

/**
 * Workspace packages a sample imports by name whose `exports` point at a build (`dist/`) that a
 * checkout does not have: samples get their sources instead, as `tessera/verify` reaches
 * `verify/index.ts` through the root's own exports. The type check and the Node runner read this.
 */
export const SOURCE_PACKAGES: Readonly<Record<string, string>> = {
  '@tessera/node': join(ROOT, 'sdk/index.ts'),
  '@tessera/node/testing': join(ROOT, 'sdk/testing.ts'),
};

export interface Fixture {
  partnerId: string;
  partnerKey: string;
  partnerKeyId: string;
  accountId: string;
  quoteId: string;
  expiredQuoteId: string;
  onboardingId: string;
  /** A token with every scope for the account, bound to SHOP_ORIGIN. */
  token: string;
}

export interface DocStack {
  dataDir: string;
  tokenServiceUrl: string;
  coreApiUrl: string;
  /** The environment a shell or Node sample sees: the stack's URLs, the fixture's ids. */
  env(fixture: Fixture): Record<string, string>;
  /** A fresh partner allowed on `origins` (besides SHOP_ORIGIN), its account and a token. */
  fixture(origins?: string[]): Promise<Fixture>;
  mint(
    fixture: Fixture,
    body: { scopes: string[]; origin: string; correlation_id?: string },
  ): Promise<{ token: string; expires_at: string }>;
  close(): Promise<void>;
}

/** What the child needs beyond the caller's environment. */
const CHILD_ENV = {
  TESSERA_LOG_LEVEL: 'silent',
  TESSERA_ADMIN_TOKEN: ADMIN_TOKEN,
  // Shell samples rotate keys by the runbook; in the test nobody has to wait an hour for it.
  TESSERA_KEY_PUBLISH_SECONDS: '0',
  TESSERA_CORE_RATE_PER_SECOND: '1000',
  TESSERA_CORE_RATE_BURST: '1000',
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves with the first complete JSON document the child prints on stdout. */
function firstJson(child: ChildProcess, timeoutMs: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => reject(new Error(`tessera start did not answer in ${timeoutMs} ms:\n${err}`)),
      timeoutMs,
    );
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      try {
        const parsed = JSON.parse(out) as Record<string, unknown>;
        clearTimeout(timer);
        resolve(parsed);
      } catch {
        /* not complete yet */
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tessera start exited with ${code}:\n${err}`));
    });
  });
}

export async function startDocStack(): Promise<DocStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-doc-samples-'));
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin/tessera.js'),
      '--json',
      '--data-dir',
      dataDir,
      'start',
      '--port',
      '0',
      '--core-api-port',
      '0',
      '--demo-port',
      '0',
    ],
    { cwd: ROOT, env: { ...process.env, ...CHILD_ENV }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const started = await firstJson(child, 300_000).catch(async (error: unknown) => {
    child.kill('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  const tokenServiceUrl = String(started.token_service);
  const coreApiUrl = String(started.core_api);

  async function call<T>(url: string, body: unknown, auth = ADMIN_TOKEN): Promise<T> {
    const send = () =>
      fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // A kept-alive connection the server closed while idle fails once ("other side closed").
    const response = await send().catch(send);
    const parsed = (await response.json()) as T;
    if (!response.ok)
      throw new Error(`${url} answered ${response.status}: ${JSON.stringify(parsed)}`);
    return parsed;
  }

  let count = 0;
  const stack: DocStack = {
    dataDir,
    tokenServiceUrl,
    coreApiUrl,
    env(fixture) {
      return {
        TESSERA_DATA_DIR: dataDir,
        TESSERA_ADMIN_TOKEN: ADMIN_TOKEN,
        TESSERA_LOG_LEVEL: 'error',
        TESSERA_URL: tokenServiceUrl,
        TESSERA_API_URL: coreApiUrl,
        ADMIN: ADMIN_TOKEN,
        PARTNER_ID: fixture.partnerId,
        PARTNER_KEY: fixture.partnerKey,
        PARTNER_KEY_ID: fixture.partnerKeyId,
        ACCOUNT_ID: fixture.accountId,
        QUOTE_ID: fixture.quoteId,
        ONBOARDING_ID: fixture.onboardingId,
        TOKEN: fixture.token,
        SHOP_ORIGIN,
        // The names docs/api/README.md and docs/rate-limits.md use for the same things.
        API: coreApiUrl,
        SECRET_KEY: fixture.partnerKey,
        ACCOUNT: fixture.accountId,
        QUOTE: fixture.quoteId,
        ONBOARDING: fixture.onboardingId,
      };
    },
    async fixture(origins = []) {
      count++;
      const created = await call<{ partner: { id: string }; key: { id: string; secret: string } }>(
        `${tokenServiceUrl}/admin/v1/partners`,
        {
          name: `Doc sample ${count}`,
          origins: [SHOP_ORIGIN, ...origins],
          scopes: [...SCOPES],
          max_ttl_seconds: 900,
          rate_limit: { per_second: 1000, burst: 1000 },
        },
      );
      const seed = await call<{
        account_id: string;
        quotes: { open: string; expired: string };
        onboarding_id: string;
      }>(`${coreApiUrl}/admin/v1/seed`, { partner_id: created.partner.id });
      const fixture: Fixture = {
        partnerId: created.partner.id,
        partnerKey: created.key.secret,
        partnerKeyId: created.key.id,
        accountId: seed.account_id,
        quoteId: seed.quotes.open,
        expiredQuoteId: seed.quotes.expired,
        onboardingId: seed.onboarding_id,
        token: '',
      };
      fixture.token = (
        await stack.mint(fixture, { scopes: [...SCOPES], origin: SHOP_ORIGIN })
      ).token;
      return fixture;
    },
    async mint(fixture, body) {
      return call(
        `${tokenServiceUrl}/v1/tokens`,
        { subject: fixture.accountId, ...body },
        fixture.partnerKey,
      );
    },
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}
