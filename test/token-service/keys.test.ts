import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { createVerifier } from '../../verify/index.ts';
import { Kek } from '../../token-service/kek.ts';
import { KeyRing } from '../../token-service/keys.ts';
import { openTokenStore } from '../../token-service/store/sql-store.ts';
import { decodeJwt, mintBody, startTestService, tempDir } from './helpers.ts';

const HOUR = 3600_000;

async function ring(publishWindowSec = 3600) {
  const store = await openTokenStore({ dataDir: null });
  const kek = await Kek.load({
    env: Buffer.alloc(32, 1).toString('base64'),
    stateDir: await tempDir(),
    log: pino({ level: 'silent' }),
  });
  const keys = new KeyRing(store, kek, {
    alg: 'ES256',
    publishWindowSec,
    maxTokenLifetimeSec: 900,
    clockSkewSec: 30,
  });
  return { store, keys };
}

describe('signing keys', () => {
  it('rotates on schedule once the active key is older than the interval and the next key is published long enough', async () => {
    const { store, keys } = await ring();
    const start = new Date();
    await keys.init(start);
    const next = keys.list().find((key) => key.state === 'next')!.kid;
    assert.equal(
      await keys.rotateIfDue(24 * 3600, new Date(start.getTime() + HOUR)),
      false,
      'not due after an hour',
    );
    assert.equal(
      await keys.rotateIfDue(24 * 3600, new Date(start.getTime() + 25 * HOUR)),
      true,
      'due after a day',
    );
    const after = keys.list();
    assert.equal(after.find((key) => key.state === 'active')!.kid, next);
    const retiring = after.find((key) => key.state === 'retiring')!;
    const removeAfter = new Date(retiring.remove_after!).getTime();
    assert.equal(
      removeAfter - (start.getTime() + 25 * HOUR),
      (900 + 30) * 1000,
      'published for the longest lifetime plus skew after its last use',
    );
    await store.close();
  });

  it('stores private keys only encrypted under the KEK, and refuses another KEK', async () => {
    const { store, keys } = await ring();
    await keys.init();
    const rows = await store.listSigningKeys();
    for (const row of rows) {
      assert.ok(!row.private_jwk_encrypted.includes('"d"'), 'no plaintext private member');
      assert.equal((row.public_jwk as { d?: string }).d, undefined);
    }
    const wrongKek = Kek.fromBase64(Buffer.alloc(32, 2).toString('base64'));
    assert.throws(() => wrongKek.decrypt(rows[0]!.private_jwk_encrypted, rows[0]!.kid));
    const sameKek = Kek.fromBase64(Buffer.alloc(32, 1).toString('base64'));
    assert.throws(
      () => sameKek.decrypt(rows[0]!.private_jwk_encrypted, rows[1]!.kid),
      'a ciphertext moved to another row does not decrypt',
    );
    await store.close();
  });

  it('refuses a KEK of the wrong length with a clear message', () => {
    assert.throws(() => Kek.fromBase64('c2hvcnQ'), /TESSERA_KEK must be 32 bytes/);
  });
});

describe('EdDSA signing', () => {
  it('signs with Ed25519 when TESSERA_SIGNING_ALG=EdDSA, and a verifier allowing EdDSA accepts the token', async () => {
    const service = await startTestService({ TESSERA_SIGNING_ALG: 'EdDSA' });
    try {
      const { key } = await service.createPartner();
      const minted = await service.mint(key.secret, mintBody());
      assert.equal(minted.status, 201);
      assert.equal(decodeJwt(minted.body.token).header.alg, 'EdDSA');
      const metadata = (await (
        await fetch(`${service.url}/.well-known/oauth-authorization-server`)
      ).json()) as { access_token_signing_alg_values_supported: string[] };
      assert.deepEqual(metadata.access_token_signing_alg_values_supported, ['EdDSA']);
      const verifier = createVerifier({
        issuer: service.issuer,
        audience: service.config.audience,
        jwksUrl: `${service.url}/.well-known/jwks.json`,
        algorithms: ['EdDSA'],
      });
      const verified = await verifier.verifyToken(minted.body.token, {
        origin: 'https://shop.example',
      });
      assert.equal(verified.claims.sub, 'acct_demo0000000001');
      verifier.close();
    } finally {
      await service.close();
    }
  });
});
