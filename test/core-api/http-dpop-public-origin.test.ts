import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { ath, randomId } from '../verify/helpers.ts';
import { rawRequest, type RawResponse } from '../fuzz/support/http.ts';
import { ORIGIN, startTestStack, type TestStack } from './helpers.ts';

/**
 * DPoP `htu` must name the core API's configured public origin. The request's own URL is built
 * from what the client claims (`Host`, an absolute-form target), so it is never the reference.
 */

interface Holder {
  privateKey: CryptoKey;
  publicJwk: JWK;
  jkt: string;
}

async function holder(): Promise<Holder> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk) };
}

function proof(key: Holder, token: string, htu: string): Promise<string> {
  return new SignJWT({
    htm: 'GET',
    htu,
    iat: Math.floor(Date.now() / 1000),
    jti: randomId(),
    ath: ath(token),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk })
    .sign(key.privateKey);
}

async function boundToken(stack: TestStack, key: Holder): Promise<string> {
  const minted = await stack.tokenService.mint(stack.partner.secret, {
    subject: stack.seed.account_id,
    scopes: ['quote:read'],
    origin: ORIGIN,
    dpop_jkt: key.jkt,
  });
  assert.equal(minted.status, 201, JSON.stringify(minted.body));
  return minted.body.token;
}

function code(response: RawResponse): string | undefined {
  return (response.json as { error?: { code?: string } } | undefined)?.error?.code;
}

describe('DPoP htu against the public origin, the bind address by default', () => {
  let stack: TestStack;
  let key: Holder;
  let path: string;
  before(async () => {
    stack = await startTestStack();
    key = await holder();
    path = `/v1/quotes/${stack.seed.quotes.open}`;
  });
  after(() => stack.close());

  const send = async (target: string, host: string, htu: string) => {
    const token = await boundToken(stack, key);
    return rawRequest(stack.api.url, {
      method: 'GET',
      target,
      headers: [
        ['Host', host],
        ['Origin', ORIGIN],
        ['Authorization', `DPoP ${token}`],
        ['DPoP', await proof(key, token, htu)],
      ],
    });
  };

  it('refuses a proof for another host when the request spoofs that Host header', async () => {
    const answer = await send(
      path,
      'api.other-deployment.example',
      `http://api.other-deployment.example${path}`,
    );
    assert.equal(answer.status, 401, answer.text);
    assert.equal(code(answer), 'dpop_proof_invalid');
  });

  it('refuses a proof for another host sent with an absolute-form request target naming it', async () => {
    const answer = await send(
      `http://api.other-deployment.example${path}`,
      'api.other-deployment.example',
      `http://api.other-deployment.example${path}`,
    );
    assert.equal(answer.status, 401, answer.text);
    assert.equal(code(answer), 'dpop_proof_invalid');
  });

  it('accepts a proof for the public origin whatever Host the request claims', async () => {
    const answer = await send(path, 'api.other-deployment.example', `${stack.api.url}${path}`);
    assert.equal(answer.status, 200, answer.text);
  });
});

describe('DPoP htu against TESSERA_CORE_API_PUBLIC_URL behind a proxy', () => {
  const PUBLIC = 'https://api.tessera.example';
  let stack: TestStack;
  let key: Holder;
  let path: string;
  before(async () => {
    stack = await startTestStack({ TESSERA_CORE_API_PUBLIC_URL: PUBLIC });
    key = await holder();
    path = `/v1/quotes/${stack.seed.quotes.open}`;
  });
  after(() => stack.close());

  const send = async (host: string, htu: string) => {
    const token = await boundToken(stack, key);
    return rawRequest(stack.api.url, {
      method: 'GET',
      target: path,
      headers: [
        ['Host', host],
        ['Origin', ORIGIN],
        ['Authorization', `DPoP ${token}`],
        ['DPoP', await proof(key, token, htu)],
      ],
    });
  };

  it('accepts a proof for the configured public URL, as a proxy forwards it to the bind address', async () => {
    const answer = await send(new URL(stack.api.url).host, `${PUBLIC}${path}`);
    assert.equal(answer.status, 200, answer.text);
  });

  it('refuses a proof for the bind address once a public URL is configured', async () => {
    const answer = await send(new URL(stack.api.url).host, `${stack.api.url}${path}`);
    assert.equal(code(answer), 'dpop_proof_invalid', answer.text);
  });
});
