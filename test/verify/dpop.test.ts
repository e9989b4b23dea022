import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { TesseraError } from '../../contracts/v1/errors.ts';
import type { ErrorCode } from '../../contracts/v1/errors.ts';
import { isDpopBoundError } from '../../verify/index.ts';
import { dpopProof, fixture, makeDpopKey, ORIGIN, randomId, request } from './helpers.ts';
import type { DpopKey, Fixture } from './helpers.ts';

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<TesseraError> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof TesseraError, String(caught));
  assert.equal(caught.code, code, caught.message);
  return caught;
}

const URL_ = 'https://api.tessera.test/v1/quotes/qt_12345678';

describe('DPoP-bound tokens (RFC 9449)', () => {
  let f: Fixture;
  let holder: DpopKey;
  let bound: string;
  before(async () => {
    f = await fixture();
    holder = await makeDpopKey();
    bound = await f.token({ cnf: { jkt: holder.jkt } });
  });
  after(() => f.close());

  const send = (
    token: string,
    proof: string | undefined,
    init: { method?: string; url?: string; scheme?: string } = {},
  ) =>
    f.verifier.verify(
      request(token, proof === undefined ? { origin: ORIGIN } : { origin: ORIGIN, dpop: proof }, {
        scheme: 'DPoP',
        url: URL_,
        ...init,
      }),
    );

  it('accepts a bound token with a valid proof', async () => {
    const verified = await send(
      bound,
      await dpopProof(holder, { token: bound, iatSec: f.clock.sec() }),
    );
    assert.equal(verified.claims.cnf?.jkt, holder.jkt);
  });

  it('accepts a proof whose htu differs only by query and fragment', async () => {
    const proof = await dpopProof(holder, {
      token: bound,
      iatSec: f.clock.sec(),
      htu: `${URL_}?lang=fr#top`,
    });
    await send(bound, proof, { url: `${URL_}?page=2` });
  });

  it('re-checks the proof on every request for a cached token', async () => {
    await send(bound, await dpopProof(holder, { token: bound, iatSec: f.clock.sec() }));
    await send(bound, await dpopProof(holder, { token: bound, iatSec: f.clock.sec() }));
    await rejectsWith(send(bound, undefined), 'dpop_proof_missing');
  });

  it('refuses a bound token without a proof (dpop_proof_missing)', async () => {
    const error = await rejectsWith(send(bound, undefined), 'dpop_proof_missing');
    assert.ok(isDpopBoundError(error));
  });

  it('refuses a bound token presented as Bearer without a proof (dpop_proof_missing)', async () => {
    await rejectsWith(send(bound, undefined, { scheme: 'Bearer' }), 'dpop_proof_missing');
  });

  it('refuses a bound token presented as Bearer even with a valid proof (dpop_proof_invalid)', async () => {
    await rejectsWith(
      send(bound, await dpopProof(holder, { token: bound, iatSec: f.clock.sec() }), {
        scheme: 'Bearer',
      }),
      'dpop_proof_invalid',
    );
  });

  it('refuses a proof signed by another key than the bound one (dpop_key_mismatch)', async () => {
    const other = await makeDpopKey();
    await rejectsWith(
      send(bound, await dpopProof(other, { token: bound, iatSec: f.clock.sec() })),
      'dpop_key_mismatch',
    );
  });

  it('refuses a replayed proof (dpop_proof_replayed)', async () => {
    const proof = await dpopProof(holder, { token: bound, iatSec: f.clock.sec() });
    await send(bound, proof);
    await rejectsWith(send(bound, proof), 'dpop_proof_replayed');
  });

  it("does not let another key burn a holder's proof id", async () => {
    const jti = randomId();
    const other = await makeDpopKey();
    const otherToken = await f.token({ cnf: { jkt: other.jkt } });
    await send(
      otherToken,
      await dpopProof(other, { token: otherToken, iatSec: f.clock.sec(), payload: { jti } }),
    );
    await send(
      bound,
      await dpopProof(holder, { token: bound, iatSec: f.clock.sec(), payload: { jti } }),
    );
  });

  it('refuses a proof for another URL (dpop_proof_invalid)', async () => {
    const proof = await dpopProof(holder, {
      token: bound,
      iatSec: f.clock.sec(),
      htu: 'https://api.tessera.test/v1/accounts/acct_a1b2c3d4e5',
    });
    await rejectsWith(send(bound, proof), 'dpop_proof_invalid');
  });

  it('refuses a proof for another host (dpop_proof_invalid)', async () => {
    const proof = await dpopProof(holder, {
      token: bound,
      iatSec: f.clock.sec(),
      htu: 'https://evil.example/v1/quotes/qt_12345678',
    });
    await rejectsWith(send(bound, proof), 'dpop_proof_invalid');
  });

  it('refuses a proof for another method (dpop_proof_invalid)', async () => {
    const proof = await dpopProof(holder, { token: bound, iatSec: f.clock.sec(), htm: 'POST' });
    await rejectsWith(send(bound, proof), 'dpop_proof_invalid');
  });

  it('refuses a proof whose ath is for another token (dpop_proof_invalid)', async () => {
    const proof = await dpopProof(holder, { token: `${bound}x`, iatSec: f.clock.sec() });
    await rejectsWith(send(bound, proof), 'dpop_proof_invalid');
  });

  it('refuses a proof without ath (dpop_proof_invalid)', async () => {
    const proof = await dpopProof(holder, {
      token: bound,
      iatSec: f.clock.sec(),
      payload: { ath: undefined },
    });
    await rejectsWith(send(bound, proof), 'dpop_proof_invalid');
  });

  it('refuses a proof without jti (dpop_proof_invalid)', async () => {
    const proof = await dpopProof(holder, {
      token: bound,
      iatSec: f.clock.sec(),
      payload: { jti: undefined },
    });
    await rejectsWith(send(bound, proof), 'dpop_proof_invalid');
  });

  it('refuses a proof issued more than 60 s ago (dpop_proof_invalid)', async () => {
    const proof = await dpopProof(holder, { token: bound, iatSec: f.clock.sec() - 61 });
    await rejectsWith(send(bound, proof), 'dpop_proof_invalid');
  });

  it('refuses a proof issued more than 60 s in the future (dpop_proof_invalid)', async () => {
    const proof = await dpopProof(holder, { token: bound, iatSec: f.clock.sec() + 61 });
    await rejectsWith(send(bound, proof), 'dpop_proof_invalid');
  });

  it('refuses a proof whose typ is not dpop+jwt (dpop_proof_invalid)', async () => {
    const proof = await dpopProof(holder, {
      token: bound,
      iatSec: f.clock.sec(),
      header: { typ: 'JWT' },
    });
    await rejectsWith(send(bound, proof), 'dpop_proof_invalid');
  });

  it('refuses a proof whose jwk carries the private key (dpop_proof_invalid)', async () => {
    const { exportJWK } = await import('jose');
    const privateJwk = await exportJWK(holder.privateKey);
    const proof = await dpopProof(holder, {
      token: bound,
      iatSec: f.clock.sec(),
      header: { jwk: privateJwk },
    });
    await rejectsWith(send(bound, proof), 'dpop_proof_invalid');
  });

  it('refuses a proof whose signature does not verify under its jwk (dpop_proof_invalid)', async () => {
    const other = await makeDpopKey();
    const proof = await dpopProof(
      { ...other, publicJwk: holder.publicJwk },
      { token: bound, iatSec: f.clock.sec() },
    );
    await rejectsWith(send(bound, proof), 'dpop_proof_invalid');
  });

  it('refuses an HS256 proof (dpop_proof_invalid)', async () => {
    const proof = await new SignJWT({ htm: 'GET', htu: URL_, iat: f.clock.sec(), jti: randomId() })
      .setProtectedHeader({
        alg: 'HS256',
        typ: 'dpop+jwt',
        jwk: holder.publicJwk,
      })
      .sign(new Uint8Array(32));
    await rejectsWith(send(bound, proof), 'dpop_proof_invalid');
  });

  it('refuses a proof that is not a JWT at all (dpop_proof_invalid)', async () => {
    await rejectsWith(send(bound, 'not-a-proof'), 'dpop_proof_invalid');
  });

  it('refuses an unbound token sent with the DPoP scheme (dpop_key_mismatch)', async () => {
    const unbound = await f.token();
    await rejectsWith(
      send(unbound, await dpopProof(holder, { token: unbound, iatSec: f.clock.sec() })),
      'dpop_key_mismatch',
    );
  });

  it('requires the proof through verifyToken too', async () => {
    await rejectsWith(f.verifier.verifyToken(bound, { origin: ORIGIN }), 'dpop_proof_missing');
    const proof = await dpopProof(holder, { token: bound, iatSec: f.clock.sec() });
    await f.verifier.verifyToken(bound, { dpop: proof, method: 'GET', url: URL_ });
  });
});
