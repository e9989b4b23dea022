import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { TesseraError } from '../../contracts/v1/errors.ts';
import type { ErrorCode } from '../../contracts/v1/errors.ts';
import { createVerifier } from '../../verify/index.ts';
import {
  AUDIENCE,
  claims,
  clock,
  fixture,
  makeSigningKey,
  randomId,
  request,
  sign,
  startAuthServer,
} from './helpers.ts';

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof TesseraError, String(error));
    assert.equal(error.code, code, error.message);
    return true;
  });
}

/** Polls a condition a background fetch will make true; the bound is a safety net, not an assertion. */
async function eventually(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i += 1) await delay(5);
  assert.ok(condition(), 'condition never became true');
}

describe('key set: rotation and unknown kids', () => {
  it('refetches exactly once for an unknown kid, then verifies a rotated-in key', async () => {
    const f = await fixture();
    try {
      await f.verifier.verify(request(await f.token()));
      assert.equal(f.verifier.stats().jwksFetches, 1);

      const next = await makeSigningKey();
      f.server.jwks.keys.push(next.jwk);
      await f.verifier.verify(request(await sign(next, claims(f.server.issuer, f.clock.sec()))));
      assert.equal(f.verifier.stats().jwksFetches, 2);
      assert.equal(f.server.jwksHits, 2);

      // Both keys are now known: neither token costs another fetch.
      await f.verifier.verify(request(await f.token()));
      await f.verifier.verify(request(await sign(next, claims(f.server.issuer, f.clock.sec()))));
      assert.equal(f.verifier.stats().jwksFetches, 2);
    } finally {
      await f.close();
    }
  });

  it('refuses a kid still unknown after the refetch, and does not refetch again within the cooldown', async () => {
    const f = await fixture();
    try {
      await f.verifier.verify(request(await f.token()));
      const stranger = await makeSigningKey();
      const token = await sign(stranger, claims(f.server.issuer, f.clock.sec()));
      await rejectsWith(f.verifier.verify(request(token)), 'token_key_unknown');
      assert.equal(f.verifier.stats().jwksFetches, 2);
      f.clock.advance(29_000);
      await rejectsWith(f.verifier.verify(request(token)), 'token_key_unknown');
      assert.equal(f.verifier.stats().jwksFetches, 2);
      f.clock.advance(1_000);
      await rejectsWith(f.verifier.verify(request(token)), 'token_key_unknown');
      assert.equal(f.verifier.stats().jwksFetches, 3);
    } finally {
      await f.close();
    }
  });

  it('lets a flood of 200 random kids cause at most one extra fetch within the cooldown', async () => {
    const f = await fixture();
    try {
      await f.verifier.verify(request(await f.token()));
      const before = f.verifier.stats().jwksFetches;
      const tokens = await Promise.all(
        Array.from({ length: 200 }, () => f.token({}, { kid: randomId(32) })),
      );
      const results = await Promise.allSettled(
        tokens.map((token) => f.verifier.verify(request(token))),
      );
      for (const result of results) {
        assert.equal(result.status, 'rejected');
        assert.equal((result.reason as TesseraError).code, 'token_key_unknown');
      }
      // And sequentially, after the concurrent burst, still nothing more within the cooldown.
      for (const token of tokens.slice(0, 50))
        await rejectsWith(f.verifier.verify(request(token)), 'token_key_unknown');
      assert.ok(
        f.verifier.stats().jwksFetches - before <= 1,
        `fetched ${f.verifier.stats().jwksFetches - before} times`,
      );
      assert.equal(f.server.jwksHits, f.verifier.stats().jwksFetches);
      // Known keys keep verifying throughout.
      await f.verifier.verify(request(await f.token()));
    } finally {
      await f.close();
    }
  });

  it('shares one in-flight fetch among concurrent first requests', async () => {
    const f = await fixture();
    try {
      const tokens = await Promise.all(Array.from({ length: 20 }, () => f.token()));
      await Promise.all(tokens.map((token) => f.verifier.verify(request(token))));
      assert.equal(f.verifier.stats().jwksFetches, 1);
    } finally {
      await f.close();
    }
  });
});

describe('key set: outages', () => {
  it('keeps verifying with the last good keys when the JWKS answers 500, even past cacheMaxAge', async () => {
    const f = await fixture({ cacheMaxAgeMs: 60_000 });
    try {
      await f.verifier.verify(request(await f.token()));
      f.server.jwksStatus = 500;
      f.clock.advance(61_000);
      await f.verifier.verify(request(await f.token()));
      await eventually(() => f.server.jwksHits === 2);
      await f.verifier.verify(request(await f.token()));
      f.clock.advance(600_000);
      await f.verifier.verify(request(await f.token()));
      await eventually(() => f.server.jwksHits === 3);
      await f.verifier.verify(request(await f.token()));
    } finally {
      await f.close();
    }
  });

  it('keeps verifying with the last good keys when the JWKS server goes down', async () => {
    const f = await fixture({ cacheMaxAgeMs: 60_000 });
    try {
      await f.verifier.verify(request(await f.token()));
      await f.server.goDown();
      f.clock.advance(120_000);
      await f.verifier.verify(request(await f.token()));
      await eventually(() => f.verifier.stats().jwksFetches === 2);
      await f.verifier.verify(request(await f.token()));
      // An unknown kid now fails to refetch and is refused, while known keys stay usable.
      await rejectsWith(
        f.verifier.verify(request(await f.token({}, { kid: randomId(32) }))),
        'token_key_unknown',
      );
      await f.verifier.verify(request(await f.token()));
    } finally {
      await f.close();
    }
  });

  it('keeps the last good keys when a refetch returns something that is not a key set', async () => {
    const f = await fixture({ cacheMaxAgeMs: 60_000 });
    try {
      await f.verifier.verify(request(await f.token()));
      (f.server as { jwks: unknown }).jwks = { keys: 'none' };
      f.clock.advance(61_000);
      await f.verifier.verify(request(await f.token()));
      await eventually(() => f.server.jwksHits === 2);
      await f.verifier.verify(request(await f.token()));
      (f.server as { jwks: unknown }).jwks = { keys: [] };
      f.clock.advance(61_000);
      await f.verifier.verify(request(await f.token()));
      await eventually(() => f.server.jwksHits === 3);
      await f.verifier.verify(request(await f.token()));
    } finally {
      await f.close();
    }
  });

  it('answers keys_unavailable while no key set was ever obtained, and recovers once the JWKS answers', async () => {
    const f = await fixture();
    try {
      f.server.jwksStatus = 500;
      const token = await f.token();
      await rejectsWith(f.verifier.verify(request(token)), 'keys_unavailable');
      // Within the retry interval the JWKS is not asked again.
      await rejectsWith(f.verifier.verify(request(token)), 'keys_unavailable');
      assert.equal(f.server.jwksHits, 1);
      f.server.jwksStatus = 200;
      f.clock.advance(1_000);
      await f.verifier.verify(request(token));
      assert.equal(f.server.jwksHits, 2);
    } finally {
      await f.close();
    }
  });

  it('answers keys_unavailable when the JWKS host refuses connections from the start', async () => {
    const key = await makeSigningKey();
    const server = await startAuthServer([key.jwk]);
    await server.goDown();
    const time = clock();
    const verifier = createVerifier({
      issuer: server.issuer,
      audience: AUDIENCE,
      jwksUrl: server.jwksUrl,
      now: time.now,
    });
    try {
      await rejectsWith(
        verifier.verify(request(await sign(key, claims(server.issuer, time.sec())))),
        'keys_unavailable',
      );
    } finally {
      verifier.close();
    }
  });
});

describe('key set: freshness', () => {
  it('refreshes in the background once older than cacheMaxAge, picking up new keys without an unknown-kid fetch', async () => {
    const f = await fixture({ cacheMaxAgeMs: 60_000 });
    try {
      await f.verifier.verify(request(await f.token()));
      const next = await makeSigningKey();
      f.server.jwks.keys.push(next.jwk);
      f.clock.advance(59_000);
      await f.verifier.verify(request(await f.token()));
      assert.equal(f.server.jwksHits, 1);
      f.clock.advance(1_000);
      await f.verifier.verify(request(await f.token()));
      await eventually(() => f.server.jwksHits === 2);
      await f.verifier.verify(request(await sign(next, claims(f.server.issuer, f.clock.sec()))));
      assert.equal(f.server.jwksHits, 2);
    } finally {
      await f.close();
    }
  });

  it('honours a Cache-Control max-age smaller than cacheMaxAge', async () => {
    const f = await fixture({ cacheMaxAgeMs: 300_000, cooldownMs: 10_000 });
    try {
      f.server.jwksCacheControl = 'public, max-age=20';
      await f.verifier.verify(request(await f.token()));
      f.clock.advance(19_000);
      await f.verifier.verify(request(await f.token()));
      assert.equal(f.server.jwksHits, 1);
      f.clock.advance(1_000);
      await f.verifier.verify(request(await f.token()));
      await eventually(() => f.server.jwksHits === 2);
    } finally {
      await f.close();
    }
  });

  it('does not let `Cache-Control: no-store` turn every request into a fetch', async () => {
    const f = await fixture({ cooldownMs: 30_000 });
    try {
      f.server.jwksCacheControl = 'no-store';
      await f.verifier.verify(request(await f.token()));
      for (let i = 0; i < 10; i += 1) {
        f.clock.advance(1_000);
        await f.verifier.verify(request(await f.token()));
      }
      assert.equal(f.server.jwksHits, 1);
    } finally {
      await f.close();
    }
  });
});
