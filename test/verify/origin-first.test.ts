import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TesseraError, type ErrorCode } from '../../contracts/v1/errors.ts';
import { CLIENT_ID, fixture, ORIGIN, request, type Fixture } from './helpers.ts';

const OTHER = 'https://elsewhere.example';

async function codeOf(promise: Promise<unknown>): Promise<ErrorCode | 'verified'> {
  try {
    await promise;
    return 'verified';
  } catch (error) {
    assert.ok(error instanceof TesseraError, String(error));
    return error.code;
  }
}

describe("a browser on another origin learns nothing of a token's state", () => {
  let f: Fixture;
  before(async () => {
    f = await fixture();
  });
  after(() => f.close());

  it('answers origin_mismatch for an expired token from another origin, token_expired from its own', async () => {
    const expired = await f.token({ iat: f.clock.sec() - 600, exp: f.clock.sec() - 300 });
    assert.equal(
      await codeOf(f.verifier.verify(request(expired, { origin: OTHER }))),
      'origin_mismatch',
    );
    assert.equal(
      await codeOf(f.verifier.verify(request(expired, { origin: ORIGIN }))),
      'token_expired',
    );
  });

  it('answers origin_mismatch for a valid, an expired-after-caching and a revoked token alike from another origin', async () => {
    const valid = await f.token();
    assert.equal(await codeOf(f.verifier.verify(request(valid, { origin: ORIGIN }))), 'verified');
    assert.equal(
      await codeOf(f.verifier.verify(request(valid, { origin: OTHER }))),
      'origin_mismatch',
    );

    const cached = await f.token({ exp: f.clock.sec() + 60 });
    assert.equal(await codeOf(f.verifier.verify(request(cached, { origin: ORIGIN }))), 'verified');
    f.clock.advance(120_000);
    assert.equal(
      await codeOf(f.verifier.verify(request(cached, { origin: OTHER }))),
      'origin_mismatch',
    );
    assert.equal(
      await codeOf(f.verifier.verify(request(cached, { origin: ORIGIN }))),
      'token_expired',
    );

    const revoked = await f.token({ iat: f.clock.sec() - 10 });
    f.server.revocations.partners.push({ client_id: CLIENT_ID, not_before: f.clock.sec() });
    assert.equal(
      await codeOf(f.verifier.verify(request(revoked, { origin: OTHER }))),
      'origin_mismatch',
    );
    assert.equal(
      await codeOf(f.verifier.verify(request(revoked, { origin: ORIGIN }))),
      'token_revoked',
    );
  });

  it('still verifies the signature of a token whose stated origin matches: a forged claim gains nothing', async () => {
    const valid = await f.token();
    const [header, , signature] = valid.split('.');
    const payload = JSON.parse(Buffer.from(valid.split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...payload, origin: OTHER })).toString('base64url')}.${signature}`;
    assert.equal(
      await codeOf(f.verifier.verify(request(forged, { origin: OTHER }))),
      'token_signature_invalid',
    );
  });
});
