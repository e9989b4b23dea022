import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { ErrorEnvelope, PartnerTokenResponse } from '../../contracts/index.ts';
import {
  createPartnerVerifier,
  createVerifier,
  requirePartnerToken,
  requireToken,
  type PartnerTokenEnv,
  type PartnerVerifier,
  type TokenEnv,
  type Verifier,
} from '../../verify/index.ts';
import {
  decodeJwt,
  mintBody,
  startTestService,
  type TestService,
} from '../token-service/helpers.ts';

const ORIGIN = 'https://shop.example';

let service: TestService;
let partner: { id: string; secret: string };
let partnerVerifier: PartnerVerifier;
let widgetVerifier: Verifier;
let server: ReturnType<typeof serve>;
let base: string;

async function partnerToken(
  credentials: { id: string; secret: string } = partner,
  scope?: string,
): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: credentials.id,
    client_secret: credentials.secret,
    ...(scope === undefined ? {} : { scope }),
  });
  const response = await fetch(`${service.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  assert.equal(response.status, 200);
  return PartnerTokenResponse.parse(await response.json()).access_token;
}

async function widgetToken(): Promise<string> {
  const minted = await service.mint(partner.secret, mintBody());
  assert.equal(minted.status, 201);
  return minted.body.token;
}

before(async () => {
  service = await startTestService();
  const created = await service.createPartner({ rate_limit: { per_second: 1000, burst: 1000 } });
  partner = { id: created.partner.id, secret: created.key.secret };
  const options = {
    issuer: service.issuer,
    audience: service.config.audience,
    jwksUrl: `${service.issuer}/.well-known/jwks.json`,
    // Every request reads the revocation feed afresh, so a suspension shows at once.
    revocationsMaxAgeMs: 1,
  };
  partnerVerifier = createPartnerVerifier(options);
  widgetVerifier = createVerifier(options);
  const app = new Hono<PartnerTokenEnv & TokenEnv>();
  app.get('/v1/partner/events', requirePartnerToken(partnerVerifier, 'partner:events'), (c) =>
    c.json({ partner: c.get('partnerToken').partnerId }),
  );
  app.get('/v1/quotes/:id', requireToken(widgetVerifier, 'quote:read'), (c) =>
    c.json({ sub: c.get('token').claims.sub }),
  );
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  partnerVerifier.close();
  widgetVerifier.close();
  await service.close();
});

async function refusal(response: Response) {
  const parsed = ErrorEnvelope.safeParse(await response.json());
  assert.ok(parsed.success);
  return { status: response.status, code: parsed.data.error.code, headers: response.headers };
}

describe('requirePartnerToken over real HTTP', () => {
  it('serves a partner token with the scope, naming the partner', async () => {
    const response = await fetch(`${base}/v1/partner/events`, {
      headers: { authorization: `Bearer ${await partnerToken()}` },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { partner: partner.id });
  });

  it('refuses a widget token: 401 token_kind_invalid with an invalid_token challenge', async () => {
    const response = await fetch(`${base}/v1/partner/events`, {
      headers: { authorization: `Bearer ${await widgetToken()}`, origin: ORIGIN },
    });
    const { status, code, headers } = await refusal(response);
    assert.equal(status, 401);
    assert.equal(code, 'token_kind_invalid');
    assert.match(headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token"/);
    assert.ok(headers.get('x-request-id'));
  });

  it('refuses a partner token without the scope: 403 insufficient_scope naming it', async () => {
    const response = await fetch(`${base}/v1/partner/events`, {
      headers: { authorization: `Bearer ${await partnerToken(partner, 'partner:quotes')}` },
    });
    const { status, code, headers } = await refusal(response);
    assert.equal(status, 403);
    assert.equal(code, 'insufficient_scope');
    assert.match(headers.get('www-authenticate') ?? '', /scope="partner:events"/);
  });

  it('refuses no token (token_missing) and a DPoP-scheme partner token (dpop_key_mismatch)', async () => {
    assert.equal((await refusal(await fetch(`${base}/v1/partner/events`))).code, 'token_missing');
    const dpop = await fetch(`${base}/v1/partner/events`, {
      headers: { authorization: `DPoP ${await partnerToken()}` },
    });
    assert.equal((await refusal(dpop)).code, 'dpop_key_mismatch');
  });

  it("refuses a suspended partner's earlier tokens as token_revoked", async () => {
    const created = await service.createPartner({ name: 'Suspended later' });
    const token = await partnerToken({ id: created.partner.id, secret: created.key.secret });
    await partnerVerifier.verifyPartnerToken(token);
    // not_before is whole seconds: let the token's `iat` fall strictly before it.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal(
      (await service.admin('POST', `/partners/${created.partner.id}/suspend`)).status,
      200,
    );
    await assert.rejects(partnerVerifier.verifyPartnerToken(token), { code: 'token_revoked' });
  });
});

describe('a widget verifier refuses partner tokens', () => {
  it('verifyToken: token_kind_invalid', async () => {
    await assert.rejects(widgetVerifier.verifyToken(await partnerToken()), {
      code: 'token_kind_invalid',
    });
  });

  it('requireToken over real HTTP: 401 token_kind_invalid', async () => {
    const response = await fetch(`${base}/v1/quotes/qt_12345678`, {
      headers: { authorization: `Bearer ${await partnerToken()}` },
    });
    const { status, code } = await refusal(response);
    assert.equal(status, 401);
    assert.equal(code, 'token_kind_invalid');
  });

  it('refuses a genuine token carrying the kind claim even when it has every widget claim', async () => {
    const { payload } = decodeJwt(await widgetToken());
    const { token } = service.state.keys.sign({ ...payload, tessera_token: 'partner' });
    await assert.rejects(widgetVerifier.verifyToken(token, { origin: ORIGIN }), {
      code: 'token_kind_invalid',
    });
    const odd = service.state.keys.sign({ ...payload, tessera_token: 'something-else' });
    await assert.rejects(widgetVerifier.verifyToken(odd.token, { origin: ORIGIN }), {
      code: 'token_kind_invalid',
    });
  });

  it('a forged kind claim on a badly signed token is a signature failure, not a kind hint', async () => {
    const real = await partnerToken();
    const [header, payload] = real.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(86)}`;
    await assert.rejects(widgetVerifier.verifyToken(forged), { code: 'token_signature_invalid' });
    await assert.rejects(partnerVerifier.verifyPartnerToken(forged), {
      code: 'token_signature_invalid',
    });
  });
});
