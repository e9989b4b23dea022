import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { calculateJwkThumbprint, decodeProtectedHeader, type JWK } from 'jose';
import { Quote } from '../../../contracts/index.ts';
import { createApiClient } from '../../../widgets/core/api-client.ts';
import { createDpopKey, type DpopKey } from '../../../widgets/core/dpop.ts';
import { TokenManager } from '../../../widgets/core/token-manager.ts';
import { DpopVerifier } from '../../../verify/dpop.ts';
import { ORIGIN, startTestStack, type TestStack } from '../../core-api/helpers.ts';

const sha256 = async (text: string) =>
  Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))).toString(
    'base64url',
  );

describe('the widget DPoP key and its proofs', () => {
  it('is a P-256 key whose thumbprint is the RFC 7638 one, and whose private half cannot be exported', async () => {
    const key = (await createDpopKey())!;
    const proof = await key.proof('GET', 'https://api.example/v1/quotes/qt_1?x=1#y', 'token');
    const { jwk, alg, typ } = decodeProtectedHeader(proof) as {
      jwk: JWK;
      alg: string;
      typ: string;
    };
    assert.equal(alg, 'ES256');
    assert.equal(typ, 'dpop+jwt');
    assert.deepEqual(Object.keys(jwk).sort(), ['crv', 'kty', 'x', 'y'], 'no private member');
    assert.equal(key.jkt, await calculateJwkThumbprint(jwk, 'sha256'));
  });

  it('signs proofs the verifier accepts once: fresh jti, htu without query, ath of the token', async () => {
    const key = (await createDpopKey())!;
    const verifier = new DpopVerifier({ now: () => Date.now() });
    const url = 'https://api.example/v1/quotes/qt_1';
    const check = async (proof: string) =>
      verifier.verify({
        proof,
        tokenHash: await sha256('the-token'),
        method: 'POST',
        url,
        jkt: key.jkt,
      });
    const proof = await key.proof('post', `${url}?page=2`, 'the-token');
    await check(proof);
    await assert.rejects(check(proof), { code: 'dpop_proof_replayed' });
    await check(await key.proof('POST', url, 'the-token'));
  });
});

describe('DPoP-bound widget tokens against the real core API', () => {
  let stack: TestStack;
  let key: DpopKey;
  let token: string;
  let url: string;

  before(async () => {
    stack = await startTestStack();
    key = (await createDpopKey())!;
    url = `${stack.api.url}/v1/quotes/${stack.seed.quotes.open}`;
    const minted = await stack.tokenService.mint(stack.partner.secret, {
      subject: stack.seed.account_id,
      scopes: ['quote:read'],
      origin: ORIGIN,
      dpop_jkt: key.jkt,
    });
    assert.equal(minted.status, 201);
    token = (minted.body as { token: string }).token;
  });
  after(() => stack.close());

  const call = (headers: Record<string, string>, target = url, method = 'GET') =>
    fetch(target, { method, headers: { origin: ORIGIN, ...headers } }).then(async (response) => ({
      status: response.status,
      code: ((await response.json()) as { error?: { code: string } }).error?.code,
    }));

  it('the widget runtime sends the bound token with a proof per request and reads the quote', async () => {
    const tokens = new TokenManager({
      sessionId: 'ws_dpop',
      dpopKey: Promise.resolve(key),
      fetchToken: async ({ dpopJkt }) => {
        assert.equal(dpopJkt, key.jkt, 'fetchToken is given the thumbprint to forward');
        const minted = await stack.tokenService.mint(stack.partner.secret, {
          subject: stack.seed.account_id,
          scopes: ['quote:read'],
          origin: ORIGIN,
          dpop_jkt: dpopJkt,
        });
        return minted.body;
      },
    });
    const seen: Headers[] = [];
    const api = createApiClient({
      apiBase: stack.api.url,
      tokens,
      sessionId: 'ws_dpop',
      dpopKey: Promise.resolve(key),
      // The client calls fetch with one Request; record what it sent.
      fetch: (input: RequestInfo | URL) => {
        const request = input as Request;
        seen.push(request.headers);
        request.headers.set('origin', ORIGIN);
        return fetch(request);
      },
    });
    const first = await api.get(`v1/quotes/${stack.seed.quotes.open}`, Quote);
    const second = await api.get(`v1/quotes/${stack.seed.quotes.open}`, Quote);
    assert.equal(first.data.id, stack.seed.quotes.open);
    assert.equal(second.data.id, stack.seed.quotes.open);
    assert.match(seen[0]?.get('authorization') ?? '', /^DPoP /);
    assert.notEqual(seen[0]?.get('dpop'), seen[1]?.get('dpop'), 'a fresh proof each time');
    tokens.dispose();
  });

  it('a stolen bound token without a proof is refused (dpop_proof_missing)', async () => {
    assert.deepEqual(await call({ authorization: `DPoP ${token}` }), {
      status: 401,
      code: 'dpop_proof_missing',
    });
  });

  it('with a proof from another key it is refused (dpop_key_mismatch)', async () => {
    const thief = (await createDpopKey())!;
    const proof = await thief.proof('GET', url, token);
    assert.deepEqual(await call({ authorization: `DPoP ${token}`, dpop: proof }), {
      status: 401,
      code: 'dpop_key_mismatch',
    });
  });

  it('a replayed proof is refused (dpop_proof_replayed)', async () => {
    const proof = await key.proof('GET', url, token);
    assert.equal((await call({ authorization: `DPoP ${token}`, dpop: proof })).status, 200);
    assert.deepEqual(await call({ authorization: `DPoP ${token}`, dpop: proof }), {
      status: 401,
      code: 'dpop_proof_replayed',
    });
  });

  it('a proof for another URL or method is refused (dpop_proof_invalid)', async () => {
    const otherUrl = await key.proof('GET', `${stack.api.url}/v1/quotes/qt_other`, token);
    assert.deepEqual(await call({ authorization: `DPoP ${token}`, dpop: otherUrl }), {
      status: 401,
      code: 'dpop_proof_invalid',
    });
    const otherMethod = await key.proof('POST', url, token);
    assert.deepEqual(await call({ authorization: `DPoP ${token}`, dpop: otherMethod }), {
      status: 401,
      code: 'dpop_proof_invalid',
    });
  });
});
