import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedDemo } from '../../core-api/seed.ts';
import { openCoreStore } from '../../core-api/store/sql-store.ts';
import { reserveRefillSeconds } from '../../service-kit/rate-limit.ts';
import { REVOCATIONS_FETCH_TIMEOUT_MS } from '../../verify/revocations.ts';
import { TEST_REDIS_URL } from '../token-service/helpers.ts';
import { tempPgSchema } from '../support/postgres.ts';
import { startBalancer, type Balancer } from './support/balancer.ts';
import {
  ORIGIN,
  adminCall,
  createPartner,
  decodeJwt,
  mint,
  sleep,
  spawnCoreApi,
  spawnTokenService,
  waitFor,
  type ServiceProcess,
} from './support/processes.ts';

/** How often each token-service instance rereads the signing keys (documented default 10 s). */
const KEY_RELOAD_MS = 1000;
/** The core API's verifier uses a revocation list for at most this long (documented, not tunable). */
const REVOCATIONS_MAX_AGE_MS = 30_000;
/** Rate-limit test: the partner's limit, the core API's per-customer limit, and how long to push. */
const PARTNER_LIMIT = { per_second: 10, burst: 20 };
const CUSTOMER_LIMIT = { per_second: 50, burst: 100 };
const PUSH_MS = 3000;

const ms = (value: number) => `${Math.round(value)} ms`;

async function getQuote(
  core: ServiceProcess,
  token: string,
  quote: string,
): Promise<{ status: number; code?: string }> {
  const response = await fetch(`${core.url}/v1/quotes/${quote}`, {
    headers: { authorization: `Bearer ${token}`, origin: ORIGIN },
  });
  const body = (await response.json()) as { error?: { code: string } };
  return { status: response.status, code: body.error?.code };
}

/**
 * The most a shared limit lets through in `elapsedMs`: each one-second window started in that
 * time allows `per_second`, each reserve window (refilled every ⌈10 × burst / per_second⌉ s)
 * allows `burst − per_second` (docs/rate-limits.md, "How the budget works").
 */
function ceiling(limit: { per_second: number; burst: number }, elapsedMs: number): number {
  const seconds = elapsedMs / 1000;
  const reserveWindows = Math.floor(seconds / reserveRefillSeconds(limit)) + 1;
  return (
    limit.per_second * (Math.floor(seconds) + 1) + (limit.burst - limit.per_second) * reserveWindows
  );
}

/** Sends `send(i)` from `workers` loops for `forMs`; counts answers by status. */
async function push(
  workers: number,
  forMs: number,
  send: (i: number) => Promise<number>,
): Promise<{ counts: Map<number, number>; elapsedMs: number; perTarget: Map<number, number>[] }> {
  const counts = new Map<number, number>();
  const perTarget = [new Map<number, number>(), new Map<number, number>()];
  const started = performance.now();
  let n = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() - started < forMs) {
        const i = n++;
        const status = await send(i);
        counts.set(status, (counts.get(status) ?? 0) + 1);
        const target = perTarget[i % 2]!;
        target.set(status, (target.get(status) ?? 0) + 1);
      }
    }),
  );
  return { counts, elapsedMs: performance.now() - started, perTarget };
}

describe('two token-service and two core-API processes on one PostgreSQL and one Redis', () => {
  let schema: Awaited<ReturnType<typeof tempPgSchema>>;
  let balancer: Balancer;
  let a: ServiceProcess;
  let b: ServiceProcess;
  let c1: ServiceProcess;
  let c2: ServiceProcess;
  let seedFor: (partnerId: string) => Promise<{ account: string; quote: string }>;
  let closeStore: () => Promise<void>;

  before(async () => {
    schema = await tempPgSchema();
    // One issuer URL in front of both token services: tokens from either verify anywhere, and
    // verifiers fetch keys and revocations through it from either instance.
    balancer = await startBalancer();
    const shared = { DATABASE_URL: schema.url, REDIS_URL: TEST_REDIS_URL };
    // Started together on the empty database, as a fresh deployment's replicas are.
    const tokenServiceEnv = {
      ...shared,
      TESSERA_ISSUER: balancer.url,
      TESSERA_KEY_RELOAD_MS: String(KEY_RELOAD_MS),
      TESSERA_KEY_PUBLISH_SECONDS: '1',
      TESSERA_KEY_ROTATION_SECONDS: '0',
    };
    [a, b] = await Promise.all([
      spawnTokenService('token-service-a', tokenServiceEnv),
      spawnTokenService('token-service-b', tokenServiceEnv),
    ]);
    balancer.backends.push(a.url, b.url);
    const coreEnv = {
      ...shared,
      TESSERA_CORE_RATE_PER_SECOND: String(CUSTOMER_LIMIT.per_second),
      TESSERA_CORE_RATE_BURST: String(CUSTOMER_LIMIT.burst),
    };
    [c1, c2] = await Promise.all([
      spawnCoreApi('core-api-1', balancer.url, coreEnv),
      spawnCoreApi('core-api-2', balancer.url, coreEnv),
    ]);
    const store = await openCoreStore({ databaseUrl: schema.url });
    closeStore = () => store.close();
    seedFor = async (partnerId) => {
      const seeded = await seedDemo(store, { partnerId });
      return { account: seeded.account_id, quote: seeded.quotes.open };
    };
  });
  after(async () => {
    await closeStore?.();
    for (const service of [c1, c2, a, b]) await service?.stop();
    await balancer?.close();
    await schema?.drop();
  });

  it('a key rotated through either instance is used by both within TESSERA_KEY_RELOAD_MS and verified by both core APIs, with zero failed verifications', async (t) => {
    const { partner, key } = await createPartner(a, { per_second: 5000, burst: 10_000 });
    const customers = await Promise.all(Array.from({ length: 4 }, () => seedFor(partner.id)));
    const early = (await mint(a, key.secret, customers[0]!.account)).token;
    assert.ok(early, 'a token minted before any rotation');

    // Continuous traffic: every iteration a fresh token (so the signature is really checked)
    // from A or B, verified by core API 1 or 2. Paced below the per-customer limit.
    const verified: { at: number; kid: string; by: string; at_core: string }[] = [];
    const failures: string[] = [];
    let running = true;
    const traffic = Promise.all(
      customers.map(async (customer, w) => {
        for (let n = w; running; n++) {
          const tokenService = n % 2 ? b : a;
          const core = (n >> 1) % 2 ? c2 : c1;
          const minted = await mint(tokenService, key.secret, customer.account);
          if (!minted.token) {
            failures.push(`mint via ${tokenService.name}: ${minted.status} ${minted.code}`);
            continue;
          }
          const kid = String(decodeJwt(minted.token).header.kid);
          const answer = await getQuote(core, minted.token, customer.quote);
          if (answer.status !== 200)
            failures.push(
              `${core.name}: ${answer.status} ${answer.code} (kid ${kid} from ${tokenService.name})`,
            );
          else
            verified.push({
              at: performance.now(),
              kid,
              by: tokenService.name,
              at_core: core.name,
            });
          await sleep(25);
        }
      }),
    );
    const seen = (since: number, kid: string, match: (row: (typeof verified)[number]) => boolean) =>
      verified.find((row) => row.at >= since && row.kid === kid && match(row));

    const figures: string[] = [];
    try {
      for (const [through, other] of [
        [a, b],
        [b, a],
      ] as const) {
        await sleep(1500);
        const rotated = await adminCall<{
          rotated: boolean;
          reason?: string;
          data: { kid: string; state: string }[];
        }>(through, 'POST', '/keys/rotate', {});
        const at = performance.now();
        assert.equal(rotated.body.rotated, true, rotated.body.reason);
        const kid = rotated.body.data.find((row) => row.state === 'active')!.kid;
        await Promise.all([
          waitFor(
            () => !!seen(at, kid, (row) => row.by === other.name),
            `${other.name} signs with ${kid}`,
            { everyMs: 10 },
          ),
          waitFor(
            () => !!seen(at, kid, (row) => row.at_core === c1.name),
            `core-api-1 verifies ${kid}`,
            { everyMs: 10 },
          ),
          waitFor(
            () => !!seen(at, kid, (row) => row.at_core === c2.name),
            `core-api-2 verifies ${kid}`,
            { everyMs: 10 },
          ),
        ]);
        const signedBy = seen(at, kid, (row) => row.by === other.name)!.at - at;
        figures.push(
          `rotation through ${through.name}: ${other.name} signs with the new key after ${ms(signedBy)}; ` +
            `first verification at core-api-1 / core-api-2 after ${ms(seen(at, kid, (r) => r.at_core === c1.name)!.at - at)} / ${ms(seen(at, kid, (r) => r.at_core === c2.name)!.at - at)}`,
        );
        assert.ok(
          signedBy <= KEY_RELOAD_MS + 2000,
          `${other.name} took ${ms(signedBy)} to sign with the rotated key (TESSERA_KEY_RELOAD_MS ${KEY_RELOAD_MS})`,
        );
      }
    } finally {
      running = false;
      await traffic;
    }
    for (const line of figures) t.diagnostic(line);
    t.diagnostic(`${verified.length} tokens minted and verified across both rotations`);

    assert.deepEqual(failures.slice(0, 10), [], 'no mint or verification failed');
    for (const core of [c1, c2])
      assert.equal(
        (await getQuote(core, early, customers[0]!.quote)).status,
        200,
        `${core.name} still accepts a token signed before both rotations (its key is retiring, still published)`,
      );
  });

  it('a partner suspended through one instance is refused by both at once, and its earlier tokens by both core APIs within the revocation window', async (t) => {
    const { partner, key } = await createPartner(a, { per_second: 1000, burst: 1000 });
    const customer = await seedFor(partner.id);
    const tokens = [
      await mint(a, key.secret, customer.account),
      await mint(b, key.secret, customer.account),
    ];
    for (const core of [c1, c2])
      for (const token of tokens)
        assert.equal((await getQuote(core, token.token!, customer.quote)).status, 200);

    const suspended = await adminCall(b, 'POST', `/partners/${partner.id}/suspend`);
    assert.equal(suspended.status, 200);
    const at = performance.now();
    const refusedAt = await Promise.all(
      [a, b].map((service) =>
        waitFor(
          async () =>
            (await mint(service, key.secret, customer.account)).code === 'partner_suspended',
          `${service.name} refuses to mint for the suspended partner`,
          { everyMs: 10 },
        ),
      ),
    );

    const unexpected: string[] = [];
    const revokedAt = await Promise.all(
      [c1, c2].flatMap((core) =>
        tokens.map((token, i) =>
          waitFor(
            async () => {
              const answer = await getQuote(core, token.token!, customer.quote);
              if (answer.status !== 200 && answer.code !== 'token_revoked')
                unexpected.push(`${core.name}: ${answer.status} ${answer.code}`);
              return answer.code === 'token_revoked';
            },
            `${core.name} refuses the token minted by ${i ? 'B' : 'A'} before the suspension`,
            { everyMs: 250 },
          ).then(() => performance.now() - at),
        ),
      ),
    );
    t.diagnostic(
      `suspension through ${b.name}: minting refused by ${a.name} / ${b.name} after ${refusedAt.map(ms).join(' / ')}; ` +
        `earlier tokens refused (token_revoked) by core-api-1 (A's, B's) / core-api-2 (A's, B's) after ${revokedAt.map(ms).join(', ')}`,
    );
    assert.deepEqual(unexpected, [], 'until refused, the tokens kept working (no other error)');
    const window = REVOCATIONS_MAX_AGE_MS + REVOCATIONS_FETCH_TIMEOUT_MS;
    for (const elapsed of revokedAt)
      assert.ok(
        elapsed <= window,
        `refused after ${ms(elapsed)}, beyond the documented ${ms(window)}`,
      );
  });

  it("rate limits hold across both: the partner's mints and a customer's API calls, summed over both instances", async (t) => {
    const { key } = await createPartner(a, PARTNER_LIMIT);
    const mints = await push(16, PUSH_MS, async (i) => {
      const minted = await mint(i % 2 ? b : a, key.secret, 'acct_ratelimit00000001');
      return minted.status;
    });

    const { partner: other, key: otherKey } = await createPartner(a, {
      per_second: 1000,
      burst: 1000,
    });
    const customer = await seedFor(other.id);
    const token = (await mint(a, otherKey.secret, customer.account)).token!;
    const calls = await push(
      16,
      PUSH_MS,
      async (i) => (await getQuote(i % 2 ? c2 : c1, token, customer.quote)).status,
    );

    const cases = [
      ['partner mints (A + B)', mints, 201, PARTNER_LIMIT],
      ['customer calls (core API 1 + 2)', calls, 200, CUSTOMER_LIMIT],
    ] as const;
    for (const [what, result, ok, limit] of cases) {
      const allowed = result.counts.get(ok) ?? 0;
      const max = ceiling(limit, result.elapsedMs);
      t.diagnostic(
        `${what}: ${allowed} allowed of ${[...result.counts.values()].reduce((x, y) => x + y, 0)} in ${ms(result.elapsedMs)} ` +
          `(${result.perTarget.map((m) => m.get(ok) ?? 0).join(' + ')}); ceiling ${max} for ${limit.per_second}/s burst ${limit.burst}`,
      );
      assert.deepEqual(
        [...result.counts.keys()].sort(),
        [ok, 429],
        `${what}: only ${ok} and 429 answers`,
      );
      assert.ok(allowed <= max, `${what}: ${allowed} allowed, more than the shared ceiling ${max}`);
      assert.ok(
        allowed >= limit.per_second * Math.floor(result.elapsedMs / 1000),
        `${what}: ${allowed} allowed, less than the sustained rate`,
      );
      assert.ok(
        result.perTarget.every((m) => (m.get(ok) ?? 0) > 0),
        `${what}: both instances allowed some`,
      );
    }
  });
});
