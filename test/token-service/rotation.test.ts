import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TesseraError } from '../../contracts/index.ts';
import { createVerifier, type Verifier } from '../../verify/index.ts';
import { decodeJwt, mintBody, startTestService, type TestService } from './helpers.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the token service with the verifier, over real HTTP', () => {
  let service: TestService;
  let verifier: Verifier;
  let secret: string;

  before(async () => {
    // A short publish window so the test can rotate twice; the verifier's cache is shorter still,
    // as the documented defaults have it (JWKS max-age 300 s < publish window 1 h).
    service = await startTestService({
      TESSERA_KEY_PUBLISH_SECONDS: '1',
      TESSERA_REVOCATIONS_MAX_AGE_SECONDS: '1',
    });
    secret = (await service.createPartner({ rate_limit: { per_second: 5000, burst: 5000 } })).key
      .secret;
    const metadata = (await (
      await fetch(`${service.url}/.well-known/oauth-authorization-server`)
    ).json()) as {
      issuer: string;
      jwks_uri: string;
      tessera_audience: string;
      tessera_revocations_uri: string;
    };
    verifier = createVerifier({
      issuer: metadata.issuer,
      audience: metadata.tessera_audience,
      jwksUrl: metadata.jwks_uri,
      revocationsUrl: metadata.tessera_revocations_uri,
      cacheMaxAgeMs: 400,
      cooldownMs: 1000,
      revocationsMaxAgeMs: 300,
    });
  });
  after(async () => {
    verifier?.close();
    await service?.close();
  });

  it('mints and verifies continuously across two rotations with zero failures', async () => {
    const failures: string[] = [];
    const kids = new Set<string>();
    const early: string[] = [];
    let verified = 0;
    let running = true;
    const worker = async () => {
      while (running) {
        const minted = await service.mint(secret, mintBody());
        if (minted.status !== 201) {
          failures.push(`mint ${minted.status}`);
          continue;
        }
        if (early.length < 5) early.push(minted.body.token);
        try {
          await verifier.verifyToken(minted.body.token, {
            origin: 'https://shop.example',
            scopes: ['quote:read'],
          });
          kids.add(String(decodeJwt(minted.body.token).header.kid));
          verified++;
        } catch (error) {
          failures.push((error as TesseraError).code ?? String(error));
        }
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    for (let rotation = 0; rotation < 2; rotation++) {
      await sleep(1500);
      const result = await service.admin<{ rotated: boolean; reason?: string }>(
        'POST',
        '/keys/rotate',
        {},
      );
      assert.equal(result.body.rotated, true, result.body.reason);
    }
    await sleep(1500);
    running = false;
    await Promise.all(workers);

    assert.deepEqual(failures, []);
    assert.equal(kids.size, 3, 'tokens from three signing keys were verified');
    assert.ok(verified > 50, `verified ${verified}`);
    for (const token of early) {
      await verifier.verifyToken(token, { origin: 'https://shop.example' }); // signed by a now-retiring key
    }
    const states = (await service.admin<{ data: { state: string }[] }>('GET', '/keys')).body.data
      .map((key) => key.state)
      .sort();
    assert.deepEqual(states, ['active', 'next', 'retiring', 'retiring']);
  });

  it('refuses tokens issued before a suspension (token_revoked) once the feed says so, and accepts tokens after resume', async () => {
    const created = await service.createPartner();
    const before = (await service.mint(created.key.secret, mintBody())).body.token;
    await verifier.verifyToken(before, { origin: 'https://shop.example' });
    await service.admin('POST', `/partners/${created.partner.id}/suspend`);
    let code = '';
    for (let i = 0; i < 40 && code !== 'token_revoked'; i++) {
      await sleep(100);
      code = await verifier.verifyToken(before, { origin: 'https://shop.example' }).then(
        () => 'accepted',
        (error: TesseraError) => error.code,
      );
    }
    assert.equal(code, 'token_revoked');
    await service.admin('POST', `/partners/${created.partner.id}/resume`);
    await sleep(1100); // not_before is rounded up to the next whole second
    const afterResume = (await service.mint(created.key.secret, mintBody())).body.token;
    await verifier.verifyToken(afterResume, { origin: 'https://shop.example' });
  });

  it('refuses a token used from another origin than it was minted for', async () => {
    const token = (await service.mint(secret, mintBody())).body.token;
    await assert.rejects(
      verifier.verifyToken(token, { origin: 'https://evil.example' }),
      (error: TesseraError) => error.code === 'origin_mismatch',
    );
  });
});
