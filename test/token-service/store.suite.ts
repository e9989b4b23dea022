import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { TesseraError } from '../../contracts/index.ts';
import type {
  IssuanceRecord,
  PartnerKeyRow,
  PartnerRow,
  SigningKeyRow,
  TokenStore,
} from '../../token-service/store/types.ts';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function alnum(length: number): string {
  return Array.from({ length }, () => ALNUM[randomInt(ALNUM.length)]).join('');
}
const partnerId = () => `ptn_${alnum(16)}`;
const partnerKeyId = () => `pk_${alnum(16)}`;
const kid = () => randomBytes(32).toString('base64url');
const hash = () => randomBytes(32).toString('hex');

/** Millisecond instants: what a JS Date can carry through timestamptz unchanged. */
const T0 = Date.parse('2031-03-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000 + 123);

function partner(overrides: Partial<PartnerRow> = {}): PartnerRow {
  return {
    id: partnerId(),
    name: 'Shop Example',
    mode: 'test',
    origins: ['https://shop.example', 'https://*.shop.example', 'http://localhost:5173'],
    scopes: ['quote:read', 'account:read'],
    max_ttl_seconds: 600,
    rate_limit: { per_second: 50, burst: 100 },
    require_dpop: false,
    status: 'active',
    not_before: null,
    created_at: at(0),
    updated_at: at(0),
    ...overrides,
  };
}

function partnerKey(partnerIdValue: string, overrides: Partial<PartnerKeyRow> = {}): PartnerKeyRow {
  return {
    id: partnerKeyId(),
    partner_id: partnerIdValue,
    prefix: 'tsk_test_ab12',
    secret_hash: hash(),
    created_at: at(1),
    revoked_at: null,
    ...overrides,
  };
}

function signingKey(
  state: SigningKeyRow['state'],
  overrides: Partial<SigningKeyRow> = {},
): SigningKeyRow {
  const k = kid();
  return {
    kid: k,
    alg: 'ES256',
    state,
    public_jwk: {
      kty: 'EC',
      crv: 'P-256',
      x: randomBytes(32).toString('base64url'),
      y: randomBytes(32).toString('base64url'),
      kid: k,
      use: 'sig',
      key_ops: ['verify'],
    },
    private_jwk_encrypted: randomBytes(120).toString('base64url'),
    created_at: at(0),
    activated_at: null,
    retired_at: null,
    remove_after: null,
    ...overrides,
  };
}

function issuance(
  partnerIdValue: string,
  keyId: string,
  signingKid: string,
  issuedAt: Date,
  overrides: Partial<IssuanceRecord> = {},
): IssuanceRecord {
  return {
    jti: randomBytes(16).toString('base64url'),
    partner_id: partnerIdValue,
    key_id: keyId,
    subject: `acct_${alnum(12)}`,
    scopes: ['quote:read'],
    origin: 'https://shop.example',
    kid: signingKid,
    issued_at: issuedAt,
    expires_at: new Date(issuedAt.getTime() + 600_000),
    request_id: `req_${alnum(16)}`,
    correlation_id: null,
    dpop_jkt: null,
    ...overrides,
  };
}

/** SQLSTATE of a database error, whichever driver raised it. */
function sqlState(err: unknown): unknown {
  return (err as { code?: unknown }).code;
}

/**
 * The behaviour every TokenStore must have. `open` returns a store on the same database each
 * time (same directory, same schema), so the last test can check what survives a reopen.
 * Tests run in order and build on each other's rows.
 */
export function storeSuite(name: string, open: () => Promise<TokenStore>): void {
  describe(`TokenStore on ${name}`, () => {
    let store: TokenStore;

    const p1 = partner({ name: 'First', created_at: at(0), updated_at: at(0) });
    const p2 = partner({
      name: 'Second',
      mode: 'live',
      scopes: ['onboarding:read', 'onboarding:write'],
      rate_limit: { per_second: 5, burst: 10 },
      require_dpop: true,
      status: 'suspended',
      not_before: at(5),
      created_at: at(20),
      updated_at: at(20),
    });
    // Created last but older than p2: the list must follow created_at, not insertion order.
    const p3 = partner({
      name: 'Third',
      origins: [],
      scopes: [],
      created_at: at(10),
      updated_at: at(10),
    });
    const key1 = partnerKey(p1.id, { created_at: at(1) });
    const key2 = partnerKey(p1.id, { created_at: at(2), prefix: 'tsk_live_cd34' });

    before(async () => {
      store = await open();
    });

    after(async () => {
      await store?.close();
    });

    it('answers ping', async () => {
      await store.ping();
    });

    it('runs migrations again, one after the other and at once, without harm', async () => {
      await store.migrate();
      await store.migrate();
      await Promise.all([store.migrate(), store.migrate(), store.migrate()]);
    });

    describe('partners', () => {
      it('creates and reads a partner with arrays, jsonb and a null not_before', async () => {
        await store.createPartner(p1);
        const got = await store.getPartner(p1.id);
        assert.deepEqual(got, p1);
        assert.ok(got?.created_at instanceof Date);
        assert.equal(got?.not_before, null);
      });

      it('keeps a set not_before and empty arrays', async () => {
        await store.createPartner(p2);
        await store.createPartner(p3);
        assert.deepEqual(await store.getPartner(p2.id), p2);
        assert.deepEqual(await store.getPartner(p3.id), p3);
      });

      it('refuses a duplicate id', async () => {
        await assert.rejects(
          store.createPartner({ ...p1, name: 'Again' }),
          (err) => sqlState(err) === '23505',
        );
      });

      it('answers null for an unknown partner', async () => {
        assert.equal(await store.getPartner(partnerId()), null);
      });

      it('lists partners by created_at', async () => {
        const ours = new Set([p1.id, p2.id, p3.id]);
        const listed = (await store.listPartners()).filter((p) => ours.has(p.id));
        assert.deepEqual(listed, [p1, p3, p2]);
      });

      it('updates only the given fields and bumps updated_at', async () => {
        const updated = await store.updatePartner(
          p1.id,
          { name: 'First, renamed', origins: ['https://new.example'] },
          at(30),
        );
        const expected = {
          ...p1,
          name: 'First, renamed',
          origins: ['https://new.example'],
          updated_at: at(30),
        };
        assert.deepEqual(updated, expected);
        assert.deepEqual(await store.getPartner(p1.id), expected);
        Object.assign(p1, expected);
      });

      it('updates arrays, jsonb, booleans and numbers', async () => {
        const patch = {
          scopes: ['quote:read', 'quote:accept', 'account:write'] as PartnerRow['scopes'],
          rate_limit: { per_second: 7, burst: 70 },
          require_dpop: true,
          max_ttl_seconds: 120,
        };
        const updated = await store.updatePartner(p1.id, patch, at(31));
        const expected = { ...p1, ...patch, updated_at: at(31) };
        assert.deepEqual(updated, expected);
        assert.deepEqual(await store.getPartner(p1.id), expected);
        Object.assign(p1, expected);
      });

      it('suspends (sets not_before) and resumes (clears it)', async () => {
        const suspended = await store.updatePartner(
          p1.id,
          { status: 'suspended', not_before: at(40) },
          at(40),
        );
        assert.equal(suspended?.status, 'suspended');
        assert.deepEqual(suspended?.not_before, at(40));
        const resumed = await store.updatePartner(
          p1.id,
          { status: 'active', not_before: null },
          at(41),
        );
        assert.deepEqual(resumed, {
          ...p1,
          status: 'active',
          not_before: null,
          updated_at: at(41),
        });
        Object.assign(p1, { updated_at: at(41) });
      });

      it('treats an empty patch as a touch, and undefined fields as absent', async () => {
        const touched = await store.updatePartner(p1.id, { name: undefined }, at(42));
        assert.deepEqual(touched, { ...p1, updated_at: at(42) });
        Object.assign(p1, { updated_at: at(42) });
        assert.deepEqual(await store.updatePartner(p1.id, {}, at(43)), {
          ...p1,
          updated_at: at(43),
        });
        Object.assign(p1, { updated_at: at(43) });
      });

      it('answers null when updating an unknown partner', async () => {
        assert.equal(await store.updatePartner(partnerId(), { name: 'Nobody' }, at(50)), null);
      });
    });

    describe('partner keys', () => {
      it('inserts keys and lists them by created_at', async () => {
        await store.insertPartnerKey(key2);
        await store.insertPartnerKey(key1);
        assert.deepEqual(await store.listPartnerKeys(p1.id), [key1, key2]);
        assert.deepEqual(await store.listPartnerKeys(p2.id), []);
      });

      it('finds a key by its hash, with its partner', async () => {
        const found = await store.findPartnerKeyByHash(key1.secret_hash);
        assert.deepEqual(found, { key: key1, partner: p1 });
      });

      it('answers null for an unknown hash', async () => {
        assert.equal(await store.findPartnerKeyByHash(hash()), null);
      });

      it('refuses a second key with the same hash', async () => {
        const clash = partnerKey(p2.id, { secret_hash: key1.secret_hash });
        await assert.rejects(store.insertPartnerKey(clash), (err) => sqlState(err) === '23505');
      });

      it('refuses a key for an unknown partner', async () => {
        await assert.rejects(
          store.insertPartnerKey(partnerKey(partnerId())),
          (err) => sqlState(err) === '23503',
        );
      });

      it('revokes a key once: a second revocation keeps the first time', async () => {
        const revoked = await store.revokePartnerKey(key1.id, at(60));
        assert.deepEqual(revoked, { ...key1, revoked_at: at(60) });
        const again = await store.revokePartnerKey(key1.id, at(70));
        assert.deepEqual(again, { ...key1, revoked_at: at(60) });
        key1.revoked_at = at(60);
        assert.deepEqual(await store.findPartnerKeyByHash(key1.secret_hash), {
          key: key1,
          partner: p1,
        });
        assert.deepEqual(await store.listPartnerKeys(p1.id), [key1, key2]);
      });

      it('answers null when revoking an unknown key', async () => {
        assert.equal(await store.revokePartnerKey(partnerKeyId(), at(60)), null);
      });
    });

    describe('signing keys', () => {
      const active = signingKey('active', { created_at: at(0), activated_at: at(1) });
      const next = signingKey('next', { created_at: at(2) });
      const oldRetiring = signingKey('retiring', {
        created_at: at(-3),
        activated_at: at(-2),
        retired_at: at(-1),
        remove_after: at(99),
      });
      const freshRetiring = signingKey('retiring', {
        created_at: at(-6),
        activated_at: at(-5),
        retired_at: at(-4),
        remove_after: at(500),
      });
      const rotatedAt = at(100);
      const removeAfter = at(1000);
      const newNext = signingKey('next', { created_at: rotatedAt });

      const byKid = async () => new Map((await store.listSigningKeys()).map((k) => [k.kid, k]));

      it('inserts and lists keys by created_at, the JWK round-tripping', async () => {
        for (const k of [active, next, oldRetiring, freshRetiring]) await store.insertSigningKey(k);
        assert.deepEqual(await store.listSigningKeys(), [freshRetiring, oldRetiring, active, next]);
      });

      it('refuses a second active key and a second next key', async () => {
        await assert.rejects(
          store.insertSigningKey(signingKey('active', { activated_at: at(3) })),
          (err) => sqlState(err) === '23505',
        );
        await assert.rejects(
          store.insertSigningKey(signingKey('next')),
          (err) => sqlState(err) === '23505',
        );
        assert.equal((await store.listSigningKeys()).length, 4);
      });

      it('refuses an unknown state', async () => {
        const bogus = {
          ...signingKey('retired'),
          state: 'compromised',
        } as unknown as SigningKeyRow;
        await assert.rejects(store.insertSigningKey(bogus), (err) => sqlState(err) === '23514');
      });

      it('does not rotate, and changes nothing, when the expected next key is stale', async () => {
        const before = await store.listSigningKeys();
        const rotated = await store.rotateSigningKeys({
          expectedNextKid: kid(),
          newNext,
          now: rotatedAt,
          removeAfter,
        });
        assert.equal(rotated, false);
        assert.deepEqual(await store.listSigningKeys(), before);
      });

      it('rotates: active → retiring, next → active, new next, expired retiring → retired', async () => {
        const rotated = await store.rotateSigningKeys({
          expectedNextKid: next.kid,
          newNext,
          now: rotatedAt,
          removeAfter,
        });
        assert.equal(rotated, true);
        const keys = await byKid();
        assert.equal(keys.size, 5);
        assert.deepEqual(keys.get(active.kid), {
          ...active,
          state: 'retiring',
          retired_at: rotatedAt,
          remove_after: removeAfter,
        });
        assert.deepEqual(keys.get(next.kid), { ...next, state: 'active', activated_at: rotatedAt });
        assert.deepEqual(keys.get(newNext.kid), newNext);
        assert.deepEqual(keys.get(oldRetiring.kid), { ...oldRetiring, state: 'retired' });
        assert.deepEqual(keys.get(freshRetiring.kid), freshRetiring);
      });

      it('refuses a second rotation expecting the key that is now active', async () => {
        const before = await store.listSigningKeys();
        const late = signingKey('next', { created_at: at(101) });
        assert.equal(
          await store.rotateSigningKeys({
            expectedNextKid: next.kid,
            newNext: late,
            now: at(101),
            removeAfter,
          }),
          false,
        );
        assert.deepEqual(await store.listSigningKeys(), before);
      });

      it('lets exactly one of two simultaneous rotations win', async () => {
        const a = signingKey('next', { created_at: at(200) });
        const b = signingKey('next', { created_at: at(200) });
        const results = await Promise.all([
          store.rotateSigningKeys({
            expectedNextKid: newNext.kid,
            newNext: a,
            now: at(200),
            removeAfter: at(2000),
          }),
          store.rotateSigningKeys({
            expectedNextKid: newNext.kid,
            newNext: b,
            now: at(200),
            removeAfter: at(2000),
          }),
        ]);
        assert.deepEqual(results.toSorted(), [false, true]);
        const keys = await byKid();
        const winner = results[0] ? a : b;
        const loser = results[0] ? b : a;
        assert.equal(keys.get(winner.kid)?.state, 'next');
        assert.equal(keys.has(loser.kid), false);
        assert.equal(keys.get(newNext.kid)?.state, 'active');
        assert.equal(keys.get(next.kid)?.state, 'retiring');
        // Its remove_after (500) is still ahead at 200.
        assert.equal(keys.get(freshRetiring.kid)?.state, 'retiring');
        const states = [...keys.values()].map((k) => k.state);
        assert.equal(states.filter((s) => s === 'active').length, 1);
        assert.equal(states.filter((s) => s === 'next').length, 1);
      });
    });

    describe('issuances', () => {
      const first = issuance(p1.id, key1.id, 'kid-a', at(300), {
        correlation_id: 'corr-1',
        dpop_jkt: randomBytes(32).toString('base64url'),
      });
      const second = issuance(p1.id, key2.id, 'kid-a', at(301), {
        scopes: ['quote:read', 'quote:accept'],
      });
      const other = issuance(p2.id, partnerKeyId(), 'kid-b', at(302), { scopes: [] });

      it('accepts an empty batch', async () => {
        await store.recordIssuances([]);
      });

      it('records a batch and finds each record', async () => {
        await store.recordIssuances([first, other, second]);
        assert.deepEqual(await store.findIssuance(first.jti), first);
        assert.deepEqual(await store.findIssuance(second.jti), second);
        assert.deepEqual(await store.findIssuance(other.jti), other);
      });

      it('answers null for an unknown jti', async () => {
        assert.equal(await store.findIssuance('no-such-jti'), null);
      });

      it('lists a partner’s issuances newest first, with a limit', async () => {
        assert.deepEqual(await store.listIssuances({ partnerId: p1.id }), [second, first]);
        assert.deepEqual(await store.listIssuances({ partnerId: p1.id, limit: 1 }), [second]);
        assert.deepEqual(await store.listIssuances({ partnerId: partnerId() }), []);
      });

      it('lists every partner’s issuances newest first', async () => {
        const ours = new Set([first.jti, second.jti, other.jti]);
        const listed = (await store.listIssuances({ limit: 1000 })).filter((r) => ours.has(r.jti));
        assert.deepEqual(listed, [other, second, first]);
        assert.equal((await store.listIssuances({ limit: 2 })).length, 2);
      });

      it('records a batch larger than one statement takes, all or nothing', async () => {
        const big = Array.from({ length: 2500 }, (_, i) =>
          issuance(p3.id, key2.id, 'kid-c', at(400 + i)),
        );
        const poisoned = [...big, { ...first }];
        await assert.rejects(store.recordIssuances(poisoned), (err) => sqlState(err) === '23505');
        assert.equal(await store.findIssuance(big[0]!.jti), null);
        await store.recordIssuances(big);
        const listed = await store.listIssuances({ partnerId: p3.id, limit: 5000 });
        assert.equal(listed.length, 2500);
        assert.deepEqual(listed[0], big[2499]);
      });

      it('refuses a batch repeating a jti, recording none of it', async () => {
        const fresh = issuance(p1.id, key1.id, 'kid-a', at(303));
        await assert.rejects(
          store.recordIssuances([fresh, { ...second }]),
          (err) => sqlState(err) === '23505',
        );
        assert.equal(await store.findIssuance(fresh.jti), null);
      });
    });

    it('fails with service_unavailable once closed, and keeps every row across a reopen', async () => {
      const keysBefore = await store.listSigningKeys();
      await store.close();
      await store.close();
      await assert.rejects(
        store.ping(),
        (err) =>
          err instanceof TesseraError && err.code === 'service_unavailable' && err.status === 503,
      );
      await assert.rejects(
        store.getPartner(p1.id),
        (err) => err instanceof TesseraError && err.code === 'service_unavailable',
      );

      store = await open();
      await store.ping();
      assert.deepEqual(await store.getPartner(p1.id), p1);
      assert.deepEqual(await store.getPartner(p2.id), p2);
      assert.deepEqual(await store.findPartnerKeyByHash(key1.secret_hash), {
        key: key1,
        partner: p1,
      });
      assert.deepEqual(await store.listSigningKeys(), keysBefore);
      assert.equal((await store.listIssuances({ partnerId: p3.id, limit: 5000 })).length, 2500);
    });
  });
}
