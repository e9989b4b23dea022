import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { TesseraError } from '../../contracts/v1/errors.ts';
import type { ErrorCode } from '../../contracts/v1/errors.ts';
import { createVerifier } from '../../verify/index.ts';
import {
  AUDIENCE,
  CLIENT_ID,
  ORIGIN,
  SUBJECT,
  claims,
  craft,
  fixture,
  lowS,
  makeSigningKey,
  request,
  sign,
  startAuthServer,
} from './helpers.ts';
import type { Fixture } from './helpers.ts';

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<TesseraError> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof TesseraError, `expected a TesseraError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

describe('verifier: tokens the token service mints', () => {
  let f: Fixture;
  before(async () => {
    f = await fixture();
  });
  after(() => f.close());

  it('accepts a well-formed token and returns its claims and scopes', async () => {
    const token = await f.token();
    const verified = await f.verifier.verify(request(token, { origin: ORIGIN }), {
      scopes: ['quote:read'],
    });
    assert.equal(verified.claims.sub, SUBJECT);
    assert.equal(verified.claims.client_id, CLIENT_ID);
    assert.equal(verified.token, token);
    assert.deepEqual([...verified.scopes].sort(), ['account:read', 'quote:read']);
  });

  it('accepts `typ: application/at+jwt` as RFC 9068 allows', async () => {
    const token = await f.token({}, { typ: 'application/at+jwt' });
    await f.verifier.verify(request(token));
  });

  it('accepts a request without an Origin header (server-to-server)', async () => {
    await f.verifier.verify(request(await f.token()));
  });

  it('reads headers from a plain record whatever their case', async () => {
    const token = await f.token();
    await f.verifier.verify({
      method: 'GET',
      url: 'https://api.tessera.test/x',
      headers: { Authorization: `bearer ${token}`, Origin: ORIGIN },
    });
  });

  it('drops scope strings it does not know instead of failing', async () => {
    const verified = await f.verifier.verify(
      request(await f.token({ scope: 'quote:read admin:everything' })),
    );
    assert.deepEqual([...verified.scopes], ['quote:read']);
  });

  it('verifies a token outside HTTP with verifyToken', async () => {
    const verified = await f.verifier.verifyToken(await f.token(), {
      origin: ORIGIN,
      scopes: ['account:read'],
    });
    assert.equal(verified.claims.origin, ORIGIN);
  });
});

describe('verifier: refusals, each with its own code', () => {
  let f: Fixture;
  before(async () => {
    f = await fixture();
  });
  after(() => f.close());

  const verify = (token: string | undefined, headers: Record<string, string> = {}) =>
    f.verifier.verify(request(token, headers));

  // --- the Authorization header ---
  it('refuses a request without an Authorization header (token_missing)', async () => {
    await rejectsWith(verify(undefined), 'token_missing');
  });

  it('refuses a scheme other than Bearer or DPoP (token_missing)', async () => {
    const token = await f.token();
    await rejectsWith(f.verifier.verify(request(token, {}, { scheme: 'Basic' })), 'token_missing');
  });

  it('refuses a Bearer scheme with no token after it (token_missing)', async () => {
    await rejectsWith(
      f.verifier.verify({
        method: 'GET',
        url: 'https://a.test/',
        headers: { authorization: 'Bearer   ' },
      }),
      'token_missing',
    );
  });

  it('refuses a 9 KB token before parsing it (token_too_large)', async () => {
    const fresh = await fixture();
    try {
      await rejectsWith(fresh.verifier.verify(request('x'.repeat(9 * 1024))), 'token_too_large');
      await rejectsWith(fresh.verifier.verifyToken('a.b.c'.repeat(1900)), 'token_too_large');
      assert.equal(fresh.verifier.stats().jwksFetches, 0);
    } finally {
      await fresh.close();
    }
  });

  it('refuses a token with a 10 KB kid as too large, without any fetch (token_too_large)', async () => {
    const fresh = await fixture();
    try {
      const token = await sign(
        { ...fresh.key, kid: 'k'.repeat(10 * 1024) },
        claims(fresh.server.issuer, fresh.clock.sec()),
      );
      await rejectsWith(fresh.verifier.verify(request(token)), 'token_too_large');
      assert.equal(fresh.verifier.stats().jwksFetches, 0);
    } finally {
      await fresh.close();
    }
  });

  // --- the compact form ---
  it('refuses a token with two segments (token_malformed)', async () => {
    const [h, p] = (await f.token()).split('.');
    await rejectsWith(verify(`${h}.${p}`), 'token_malformed');
  });

  it('refuses a token with four segments (token_malformed)', async () => {
    await rejectsWith(verify(`${await f.token()}.AAAA`), 'token_malformed');
  });

  it('refuses a five-segment JWE-shaped token (token_malformed)', async () => {
    await rejectsWith(verify('eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d'), 'token_malformed');
  });

  it('refuses a token whose segments are not base64url (token_malformed)', async () => {
    const [, p, s] = (await f.token()).split('.');
    await rejectsWith(verify(`e30+/=.${p}.${s}`), 'token_malformed');
    await rejectsWith(verify(`A.${p}.${s}`), 'token_malformed');
  });

  it('refuses a token whose header is not JSON (token_malformed)', async () => {
    const [, p, s] = (await f.token()).split('.');
    await rejectsWith(
      verify(`${Buffer.from('{"alg":"ES256",').toString('base64url')}.${p}.${s}`),
      'token_malformed',
    );
  });

  it('refuses a token whose payload is a JSON array, not an object (token_malformed)', async () => {
    await rejectsWith(
      verify(craft({ alg: 'ES256', typ: 'at+jwt', kid: f.key.kid }, [1, 2], 'AAAA')),
      'token_malformed',
    );
  });

  // --- headers that name keys ---
  it('refuses a token whose jku points at an attacker JWKS (token_header_forbidden)', async () => {
    const attacker = await makeSigningKey();
    const token = await sign(
      { ...attacker, kid: f.key.kid },
      claims(f.server.issuer, f.clock.sec()),
      { jku: 'https://evil.example/jwks.json' },
    );
    await rejectsWith(verify(token), 'token_header_forbidden');
  });

  it('refuses a token carrying an embedded jwk of an attacker key (token_header_forbidden)', async () => {
    const attacker = await makeSigningKey();
    const token = await sign(attacker, claims(f.server.issuer, f.clock.sec()), {
      jwk: attacker.publicJwk,
    });
    await rejectsWith(verify(token), 'token_header_forbidden');
  });

  it('refuses a token with an x5u header (token_header_forbidden)', async () => {
    const token = await sign(f.key, claims(f.server.issuer, f.clock.sec()), {
      x5u: 'https://evil.example/cert.pem',
    });
    await rejectsWith(verify(token), 'token_header_forbidden');
  });

  it('refuses a token with an x5c header (token_header_forbidden)', async () => {
    await rejectsWith(
      verify(
        craft(
          { alg: 'ES256', typ: 'at+jwt', kid: f.key.kid, x5c: ['MIIB'] },
          claims(f.server.issuer, f.clock.sec()),
          'AAAA',
        ),
      ),
      'token_header_forbidden',
    );
  });

  it('refuses a token with critical extensions (token_header_forbidden)', async () => {
    await rejectsWith(
      verify(
        craft(
          { alg: 'ES256', typ: 'at+jwt', kid: f.key.kid, crit: ['exp'] },
          claims(f.server.issuer, f.clock.sec()),
          'AAAA',
        ),
      ),
      'token_header_forbidden',
    );
  });

  // --- algorithms ---
  it('refuses a token whose alg is none (token_algorithm_not_allowed)', async () => {
    await rejectsWith(
      verify(
        craft(
          { alg: 'none', typ: 'at+jwt', kid: f.key.kid },
          claims(f.server.issuer, f.clock.sec()),
        ),
      ),
      'token_algorithm_not_allowed',
    );
  });

  it('refuses an HS256 token signed with the public key as HMAC secret (token_algorithm_not_allowed)', async () => {
    const secret = new TextEncoder().encode(JSON.stringify(f.key.publicJwk));
    const token = await new SignJWT(claims(f.server.issuer, f.clock.sec()))
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: f.key.kid })
      .sign(secret);
    await rejectsWith(verify(token), 'token_algorithm_not_allowed');
  });

  it('refuses an RS256 token whose kid collides with a published key (token_algorithm_not_allowed)', async () => {
    const rsa = await generateKeyPair('RS256');
    const token = await new SignJWT(claims(f.server.issuer, f.clock.sec()))
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: f.key.kid })
      .sign(rsa.privateKey);
    await rejectsWith(verify(token), 'token_algorithm_not_allowed');
  });

  it('refuses an EdDSA token when the allow-list is ES256 only (token_algorithm_not_allowed)', async () => {
    const ed = await makeSigningKey('EdDSA');
    f.server.jwks.keys.push(ed.jwk);
    try {
      await rejectsWith(
        verify(await sign(ed, claims(f.server.issuer, f.clock.sec()))),
        'token_algorithm_not_allowed',
      );
    } finally {
      f.server.jwks.keys.pop();
    }
  });

  it('refuses an alg spelt in lower case (token_algorithm_not_allowed)', async () => {
    await rejectsWith(
      verify(
        craft(
          { alg: 'es256', typ: 'at+jwt', kid: f.key.kid },
          claims(f.server.issuer, f.clock.sec()),
          'AAAA',
        ),
      ),
      'token_algorithm_not_allowed',
    );
  });

  // --- typ ---
  it('refuses a token whose typ is JWT (token_type_invalid)', async () => {
    await rejectsWith(verify(await f.token({}, { typ: 'JWT' })), 'token_type_invalid');
  });

  it('refuses a token without typ (token_type_invalid)', async () => {
    await rejectsWith(
      verify(
        craft({ alg: 'ES256', kid: f.key.kid }, claims(f.server.issuer, f.clock.sec()), 'AAAA'),
      ),
      'token_type_invalid',
    );
  });

  // --- kid ---
  it('refuses a path-traversal kid without fetching anything (token_key_unknown)', async () => {
    const fresh = await fixture();
    try {
      await rejectsWith(
        fresh.verifier.verify(request(await fresh.token({}, { kid: '../../etc/passwd' }))),
        'token_key_unknown',
      );
      await rejectsWith(
        fresh.verifier.verify(request(await fresh.token({}, { kid: "' OR 1=1--" }))),
        'token_key_unknown',
      );
      await rejectsWith(
        fresh.verifier.verify(request(await fresh.token({}, { kid: 'k'.repeat(129) }))),
        'token_key_unknown',
      );
      assert.equal(fresh.verifier.stats().jwksFetches, 0);
      assert.equal(fresh.server.jwksHits, 0);
    } finally {
      await fresh.close();
    }
  });

  it('refuses an SQL-injection kid (token_key_unknown)', async () => {
    await rejectsWith(verify(await f.token({}, { kid: "x' OR 1=1--" })), 'token_key_unknown');
  });

  it('refuses a kid that is not a string (token_key_unknown)', async () => {
    await rejectsWith(
      verify(
        craft(
          { alg: 'ES256', typ: 'at+jwt', kid: 42 },
          claims(f.server.issuer, f.clock.sec()),
          'AAAA',
        ),
      ),
      'token_key_unknown',
    );
  });

  it('refuses a token without kid (token_key_unknown)', async () => {
    await rejectsWith(
      verify(
        craft({ alg: 'ES256', typ: 'at+jwt' }, claims(f.server.issuer, f.clock.sec()), 'AAAA'),
      ),
      'token_key_unknown',
    );
  });

  // --- signature ---
  it('refuses a token whose payload was altered after signing (token_signature_invalid)', async () => {
    const [h, , s] = (await f.token()).split('.');
    const forged = Buffer.from(
      JSON.stringify(claims(f.server.issuer, f.clock.sec(), { scope: 'account:write' })),
    ).toString('base64url');
    await rejectsWith(verify(`${h}.${forged}.${s}`), 'token_signature_invalid');
  });

  it('refuses a token signed by another key under a published kid (token_signature_invalid)', async () => {
    const attacker = await makeSigningKey();
    await rejectsWith(
      verify(await sign({ ...attacker, kid: f.key.kid }, claims(f.server.issuer, f.clock.sec()))),
      'token_signature_invalid',
    );
  });

  it('refuses a token with an empty signature (token_signature_invalid)', async () => {
    const [h, p] = (await f.token()).split('.');
    await rejectsWith(verify(`${h}.${p}.`), 'token_signature_invalid');
  });

  // --- claims ---
  it('refuses a token from another issuer (token_issuer_invalid)', async () => {
    await rejectsWith(
      verify(await f.token({ iss: 'https://evil.example' })),
      'token_issuer_invalid',
    );
  });

  it('refuses a token for another audience (token_audience_invalid)', async () => {
    await rejectsWith(
      verify(await f.token({ aud: 'https://other-api.example' })),
      'token_audience_invalid',
    );
  });

  it('accepts an audience array that includes ours', async () => {
    await verify(await f.token({ aud: ['https://other-api.example', AUDIENCE] }));
  });

  it('refuses an expired token (token_expired)', async () => {
    const now = f.clock.sec();
    await rejectsWith(verify(await f.token({ iat: now - 400, exp: now - 31 })), 'token_expired');
  });

  it('accepts a token expired by less than the clock tolerance', async () => {
    const now = f.clock.sec();
    await verify(await f.token({ iat: now - 300, exp: now - 20 }));
  });

  it('refuses a token whose nbf is in the future (token_not_yet_valid)', async () => {
    await rejectsWith(verify(await f.token({ nbf: f.clock.sec() + 120 })), 'token_not_yet_valid');
  });

  it('refuses a token whose iat is in the future beyond tolerance (token_not_yet_valid)', async () => {
    const now = f.clock.sec();
    await rejectsWith(
      verify(await f.token({ iat: now + 120, exp: now + 400 })),
      'token_not_yet_valid',
    );
  });

  it('refuses a token issued longer ago than the maximum age (token_too_old)', async () => {
    const now = f.clock.sec();
    await rejectsWith(verify(await f.token({ iat: now - 931, exp: now + 3600 })), 'token_too_old');
  });

  for (const claim of ['sub', 'client_id', 'scope', 'origin', 'jti', 'exp', 'iat', 'iss', 'aud']) {
    it(`refuses a token without ${claim} (token_claims_invalid)`, async () => {
      await rejectsWith(verify(await f.token({ [claim]: undefined })), 'token_claims_invalid');
    });
  }

  it('refuses a token whose sub is not an account id (token_claims_invalid)', async () => {
    await rejectsWith(verify(await f.token({ sub: 'user_1' })), 'token_claims_invalid');
  });

  it('refuses a token whose origin claim is not an origin (token_claims_invalid)', async () => {
    await rejectsWith(
      verify(await f.token({ origin: 'https://shop.example/path' })),
      'token_claims_invalid',
    );
  });

  it('refuses a token whose exp is a string (token_claims_invalid)', async () => {
    await rejectsWith(
      verify(await f.token({ exp: String(f.clock.sec() + 300) })),
      'token_claims_invalid',
    );
  });

  it('refuses a token whose iat is fractional (token_claims_invalid)', async () => {
    await rejectsWith(verify(await f.token({ iat: f.clock.sec() + 0.5 })), 'token_claims_invalid');
  });

  it('refuses a token whose jti is too short (token_claims_invalid)', async () => {
    await rejectsWith(verify(await f.token({ jti: 'abc' })), 'token_claims_invalid');
  });

  // --- per request ---
  it('refuses a request whose Origin differs from the origin claim (origin_mismatch)', async () => {
    await rejectsWith(
      verify(await f.token(), { origin: 'https://evil.example' }),
      'origin_mismatch',
    );
  });

  it('refuses an opaque `Origin: null` (origin_mismatch)', async () => {
    await rejectsWith(verify(await f.token(), { origin: 'null' }), 'origin_mismatch');
  });

  it('refuses a token without the required scope and names it (insufficient_scope)', async () => {
    const error = await rejectsWith(
      f.verifier.verify(request(await f.token(), { origin: ORIGIN }), { scopes: ['quote:accept'] }),
      'insufficient_scope',
    );
    assert.deepEqual(error.details, { required_scope: 'quote:accept' });
    assert.equal(error.status, 403);
  });

  it('refuses when one of several required scopes is missing (insufficient_scope)', async () => {
    await rejectsWith(
      f.verifier.verify(request(await f.token()), { scopes: ['quote:read', 'account:write'] }),
      'insufficient_scope',
    );
  });
});

describe('verifier: the verified-token cache', () => {
  it('answers a repeated token from the cache and still refuses it once expired', async () => {
    const f = await fixture();
    try {
      const token = await f.token();
      await f.verifier.verify(request(token));
      await f.verifier.verify(request(token));
      assert.equal(f.verifier.stats().verifiedCacheHits, 1);
      f.clock.advance(331_000);
      await rejectsWith(f.verifier.verify(request(token)), 'token_expired');
      assert.equal(f.verifier.stats().verifiedCacheHits, 2);
    } finally {
      await f.close();
    }
  });

  it('still refuses a wrong Origin and a missing scope on a cached token', async () => {
    const f = await fixture();
    try {
      const token = await f.token();
      await f.verifier.verify(request(token, { origin: ORIGIN }));
      await rejectsWith(
        f.verifier.verify(request(token, { origin: 'https://evil.example' })),
        'origin_mismatch',
      );
      await rejectsWith(
        f.verifier.verify(request(token), { scopes: ['account:write'] }),
        'insufficient_scope',
      );
      // The wrong Origin is refused before the cache is consulted; the missing scope after.
      assert.equal(f.verifier.stats().verifiedCacheHits, 1);
    } finally {
      await f.close();
    }
  });

  it('never caches a token that failed verification', async () => {
    const f = await fixture();
    try {
      const token = await f.token({ iss: 'https://evil.example' });
      await rejectsWith(f.verifier.verify(request(token)), 'token_issuer_invalid');
      await rejectsWith(f.verifier.verify(request(token)), 'token_issuer_invalid');
      assert.equal(f.verifier.stats().verifiedCacheHits, 0);
    } finally {
      await f.close();
    }
  });
});

describe('verifier: algorithm allow-list', () => {
  it('accepts EdDSA tokens when configured, and then refuses ES256 ones', async () => {
    const ed = await makeSigningKey('EdDSA');
    const es = await makeSigningKey('ES256');
    const server = await startAuthServer([ed.jwk, es.jwk]);
    const verifier = createVerifier({
      issuer: server.issuer,
      audience: AUDIENCE,
      jwksUrl: server.jwksUrl,
      algorithms: ['EdDSA'],
    });
    try {
      const nowSec = Math.floor(Date.now() / 1000);
      await verifier.verify(request(await sign(ed, claims(server.issuer, nowSec))));
      await rejectsWith(
        verifier.verify(request(await sign(es, claims(server.issuer, nowSec)))),
        'token_algorithm_not_allowed',
      );
    } finally {
      verifier.close();
      await server.close();
    }
  });

  it("refuses a token whose alg differs from its published key's (token_signature_invalid)", async () => {
    const ed = await makeSigningKey('EdDSA');
    const server = await startAuthServer([ed.jwk]);
    const verifier = createVerifier({
      issuer: server.issuer,
      audience: AUDIENCE,
      jwksUrl: server.jwksUrl,
      algorithms: ['ES256', 'EdDSA'],
    });
    try {
      const es = await makeSigningKey('ES256');
      const token = await sign(
        { ...es, kid: ed.kid },
        claims(server.issuer, Math.floor(Date.now() / 1000)),
      );
      await rejectsWith(verifier.verify(request(token)), 'token_signature_invalid');
    } finally {
      verifier.close();
      await server.close();
    }
  });

  it('never imports a private key member published by mistake, and still verifies', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    const { calculateJwkThumbprint } = await import('jose');
    const kid = await calculateJwkThumbprint(privateJwk);
    const server = await startAuthServer([{ ...privateJwk, kid, alg: 'ES256' }]);
    const verifier = createVerifier({
      issuer: server.issuer,
      audience: AUDIENCE,
      jwksUrl: server.jwksUrl,
    });
    try {
      const token = lowS(
        await new SignJWT(claims(server.issuer, Math.floor(Date.now() / 1000)))
          .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
          .sign(privateKey),
      );
      await verifier.verify(request(token));
    } finally {
      verifier.close();
      await server.close();
    }
  });
});
