import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TesseraError } from '../../contracts/v1/errors.ts';
import type { ErrorCode } from '../../contracts/v1/errors.ts';
import { CLIENT_ID, fixture, request } from './helpers.ts';

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof TesseraError, String(error));
    assert.equal(error.code, code, error.message);
    return true;
  });
}

describe('revocations: partner suspension', () => {
  it("refuses a token minted before its partner's not_before, and accepts one minted after", async () => {
    const f = await fixture();
    try {
      const now = f.clock.sec();
      f.server.revocations.partners.push({ client_id: CLIENT_ID, not_before: now - 60 });
      await rejectsWith(
        f.verifier.verify(request(await f.token({ iat: now - 61 }))),
        'token_revoked',
      );
      await f.verifier.verify(request(await f.token({ iat: now - 60 })));
      await f.verifier.verify(request(await f.token({ iat: now })));
    } finally {
      await f.close();
    }
  });

  it("leaves other partners' tokens alone", async () => {
    const f = await fixture();
    try {
      f.server.revocations.partners.push({
        client_id: 'ptn_someoneelse',
        not_before: f.clock.sec() + 1000,
      });
      await f.verifier.verify(request(await f.token()));
    } finally {
      await f.close();
    }
  });

  it("fetches the feed from the issuer's /v1/revocations by default", async () => {
    const f = await fixture();
    try {
      await f.verifier.verify(request(await f.token()));
      assert.equal(f.server.revocationHits, 1);
      assert.equal(f.verifier.stats().revocationFetches, 1);
    } finally {
      await f.close();
    }
  });

  it('applies a suspension within revocationsMaxAgeMs, also to a cached token', async () => {
    const f = await fixture({ revocationsMaxAgeMs: 30_000 });
    try {
      const token = await f.token();
      await f.verifier.verify(request(token));
      f.server.revocations.partners.push({ client_id: CLIENT_ID, not_before: f.clock.sec() + 1 });
      f.clock.advance(10_000);
      await f.verifier.verify(request(token));
      assert.equal(f.verifier.stats().revocationFetches, 1);
      f.clock.advance(20_000);
      await rejectsWith(f.verifier.verify(request(token)), 'token_revoked');
      assert.equal(f.verifier.stats().revocationFetches, 2);
      assert.ok(f.verifier.stats().verifiedCacheHits >= 2);
    } finally {
      await f.close();
    }
  });

  it('keeps the last good list when the feed starts failing', async () => {
    const f = await fixture({ revocationsMaxAgeMs: 30_000 });
    try {
      const now = f.clock.sec();
      f.server.revocations.partners.push({ client_id: CLIENT_ID, not_before: now });
      const revoked = await f.token({ iat: now - 10 });
      await rejectsWith(f.verifier.verify(request(revoked)), 'token_revoked');
      f.server.revocationsStatus = 500;
      f.clock.advance(31_000);
      await rejectsWith(f.verifier.verify(request(revoked)), 'token_revoked');
      await f.server.goDown();
      f.clock.advance(31_000);
      await rejectsWith(f.verifier.verify(request(revoked)), 'token_revoked');
    } finally {
      await f.close();
    }
  });

  it('treats a feed unreachable at first use as empty, and retries after a short backoff', async () => {
    const f = await fixture();
    try {
      const now = f.clock.sec();
      f.server.revocationsStatus = 503;
      f.server.revocations.partners.push({ client_id: CLIENT_ID, not_before: now });
      const token = await f.token({ iat: now - 10 });
      await f.verifier.verify(request(token));
      assert.equal(f.server.revocationHits, 1);
      // During the backoff the feed is not asked again.
      await f.verifier.verify(request(token));
      assert.equal(f.server.revocationHits, 1);
      f.server.revocationsStatus = 200;
      f.clock.advance(2_000);
      await rejectsWith(f.verifier.verify(request(token)), 'token_revoked');
      assert.equal(f.server.revocationHits, 2);
    } finally {
      await f.close();
    }
  });

  it('rejects a malformed feed and keeps what it had', async () => {
    const f = await fixture({ revocationsMaxAgeMs: 30_000 });
    try {
      const now = f.clock.sec();
      f.server.revocations.partners.push({ client_id: CLIENT_ID, not_before: now });
      const token = await f.token({ iat: now - 10 });
      await rejectsWith(f.verifier.verify(request(token)), 'token_revoked');
      (f.server as { revocations: unknown }).revocations = {
        partners: [{ client_id: CLIENT_ID, not_before: 'soon' }],
      };
      f.clock.advance(31_000);
      await rejectsWith(f.verifier.verify(request(token)), 'token_revoked');
      assert.equal(f.server.revocationHits, 2);
    } finally {
      await f.close();
    }
  });
});
