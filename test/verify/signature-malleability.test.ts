import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compactVerify, createRemoteJWKSet } from 'jose';
import { TesseraError } from '../../contracts/v1/errors.ts';
import { createPartnerVerifier, createVerifier, type Verifier } from '../../verify/index.ts';
import { startTestService, type TestService } from '../token-service/helpers.ts';

const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** The token with its ES256 signature's s replaced by n − s: the malleable twin. */
function flipS(token: string): string {
  const dot = token.lastIndexOf('.');
  const signature = Buffer.from(token.slice(dot + 1), 'base64url');
  const s = BigInt(`0x${signature.subarray(32).toString('hex')}`);
  Buffer.from((P256_ORDER - s).toString(16).padStart(64, '0'), 'hex').copy(signature, 32);
  return `${token.slice(0, dot + 1)}${signature.toString('base64url')}`;
}

describe('ES256 signature malleability, against tokens the token service mints', () => {
  let service: TestService;
  let secret: string;
  let verifier: Verifier;
  let jwksUrl: string;
  const mint = async () => {
    const minted = await service.mint(secret, {
      subject: 'acct_a1b2c3d4e5',
      scopes: ['quote:read'],
      origin: 'https://shop.example',
    });
    assert.equal(minted.status, 201, JSON.stringify(minted.body));
    return minted.body.token;
  };

  before(async () => {
    service = await startTestService();
    const created = await service.createPartner({ rate_limit: { per_second: 1000, burst: 1000 } });
    secret = created.key.secret;
    const metadata = (await (
      await fetch(`${service.url}/.well-known/oauth-authorization-server`)
    ).json()) as { issuer: string; jwks_uri: string; tessera_audience?: string };
    jwksUrl = metadata.jwks_uri;
    verifier = createVerifier({
      issuer: metadata.issuer,
      audience: metadata.tessera_audience ?? 'tessera-core-api',
      jwksUrl,
    });
  });
  after(async () => {
    verifier.close();
    await service.close();
  });

  it('refuses the high-S twin of a minted token (s → n − s) with token_signature_invalid, while the original verifies', async () => {
    const token = await mint();
    const twin = flipS(token);
    assert.notEqual(twin, token);
    // The twin is a valid ECDSA signature over the same bytes: only the low-S rule refuses it.
    const keys = createRemoteJWKSet(new URL(jwksUrl));
    await compactVerify(twin, keys);

    const verified = await verifier.verifyToken(token);
    await assert.rejects(
      verifier.verifyToken(twin),
      (error: unknown) => error instanceof TesseraError && error.code === 'token_signature_invalid',
    );
    // And the other way round: a twin first seen is refused, the original still verifies after.
    const second = await mint();
    await assert.rejects(verifier.verifyToken(flipS(second)), TesseraError);
    assert.equal((await verifier.verifyToken(second)).claims.jti.length > 0, true);
    assert.equal(verified.claims.sub, 'acct_a1b2c3d4e5');
  });

  it('refuses the high-S twin of a partner token from /oauth/token, while the original verifies', async () => {
    const created = await service.createPartner({ rate_limit: { per_second: 1000, burst: 1000 } });
    const response = await fetch(`${service.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: created.partner.id,
        client_secret: created.key.secret,
      }).toString(),
    });
    assert.equal(response.status, 200);
    const token = ((await response.json()) as { access_token: string }).access_token;
    const metadata = (await (
      await fetch(`${service.url}/.well-known/oauth-authorization-server`)
    ).json()) as { issuer: string; tessera_audience?: string };
    const partnerVerifier = createPartnerVerifier({
      issuer: metadata.issuer,
      audience: metadata.tessera_audience ?? 'tessera-core-api',
      jwksUrl,
    });
    try {
      await assert.rejects(
        partnerVerifier.verifyPartnerToken(flipS(token)),
        (error: unknown) =>
          error instanceof TesseraError && error.code === 'token_signature_invalid',
      );
      assert.equal((await partnerVerifier.verifyPartnerToken(token)).partnerId, created.partner.id);
    } finally {
      partnerVerifier.close();
    }
  });

  it('mints only low-S signatures: 200 freshly minted tokens all verify', async () => {
    const refused: string[] = [];
    for (let i = 0; i < 200; i += 1) {
      const token = await mint();
      await verifier.verifyToken(token).catch((error: unknown) => {
        refused.push(error instanceof TesseraError ? error.code : String(error));
      });
    }
    assert.deepEqual(refused, []);
  });
});
