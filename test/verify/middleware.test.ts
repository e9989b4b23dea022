import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { ErrorEnvelope, errorDocUrl } from '../../contracts/v1/errors.ts';
import { requireToken } from '../../verify/index.ts';
import type { TokenEnv } from '../../verify/index.ts';
import { dpopProof, fixture, makeDpopKey, ORIGIN, SUBJECT } from './helpers.ts';
import type { Fixture } from './helpers.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('requireToken middleware over real HTTP', () => {
  let f: Fixture;
  let base: string;
  let server: ReturnType<typeof serve>;

  before(async () => {
    f = await fixture();
    const app = new Hono<TokenEnv>();
    app.use('/v1/traced/*', async (c, next) => {
      c.set('requestId', 'req_from_context');
      await next();
    });
    app.get('/v1/quotes/:id', requireToken(f.verifier, 'quote:read'), (c) =>
      c.json({ sub: c.get('token').claims.sub }),
    );
    app.post('/v1/quotes/:id/accept', requireToken(f.verifier, 'quote:accept'), (c) =>
      c.json({ ok: true }),
    );
    app.get('/v1/traced/x', requireToken(f.verifier), (c) => c.json({ ok: true }));
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await f.close();
  });

  async function envelope(response: Response) {
    const body: unknown = await response.json();
    const parsed = ErrorEnvelope.safeParse(body);
    assert.ok(parsed.success, JSON.stringify(body));
    return parsed.data.error;
  }

  it('lets a valid token through and hands the claims to the handler', async () => {
    const response = await fetch(`${base}/v1/quotes/qt_12345678`, {
      headers: { authorization: `Bearer ${await f.token()}`, origin: ORIGIN },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { sub: SUBJECT });
  });

  it('answers 401 token_missing with a bare Bearer challenge and a generated request id', async () => {
    const response = await fetch(`${base}/v1/quotes/qt_12345678`);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer');
    const error = await envelope(response);
    assert.equal(error.code, 'token_missing');
    assert.equal(error.doc_url, errorDocUrl('token_missing'));
    assert.match(error.request_id, UUID);
    assert.equal(response.headers.get('x-request-id'), error.request_id);
  });

  it("answers 401 invalid_token with the code's description for an expired token, echoing X-Request-Id", async () => {
    const now = f.clock.sec();
    const response = await fetch(`${base}/v1/quotes/qt_12345678`, {
      headers: {
        authorization: `Bearer ${await f.token({ iat: now - 400, exp: now - 100 })}`,
        'x-request-id': 'req_abc123',
      },
    });
    assert.equal(response.status, 401);
    assert.equal(
      response.headers.get('www-authenticate'),
      'Bearer error="invalid_token", error_description="The token has expired."',
    );
    const error = await envelope(response);
    assert.equal(error.code, 'token_expired');
    assert.equal(error.request_id, 'req_abc123');
  });

  it('does not echo a request id that could inject into logs', async () => {
    const response = await fetch(`${base}/v1/quotes/qt_12345678`, {
      headers: { 'x-request-id': 'a b"c' },
    });
    assert.match((await envelope(response)).request_id, UUID);
  });

  it('prefers the request id an earlier middleware set', async () => {
    const response = await fetch(`${base}/v1/traced/x`, {
      headers: { 'x-request-id': 'req_header' },
    });
    assert.equal((await envelope(response)).request_id, 'req_from_context');
  });

  it('answers 403 insufficient_scope with the required scope in the challenge and details', async () => {
    const response = await fetch(`${base}/v1/quotes/qt_12345678/accept`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await f.token()}` },
    });
    assert.equal(response.status, 403);
    const challenge = response.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /^Bearer error="insufficient_scope", /);
    assert.match(challenge, /scope="quote:accept"/);
    const error = await envelope(response);
    assert.equal(error.code, 'insufficient_scope');
    assert.deepEqual(error.details, { required_scope: 'quote:accept' });
  });

  it('answers 403 origin_mismatch with an invalid_token challenge', async () => {
    const response = await fetch(`${base}/v1/quotes/qt_12345678`, {
      headers: { authorization: `Bearer ${await f.token()}`, origin: 'https://evil.example' },
    });
    assert.equal(response.status, 403);
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token"/);
    assert.equal((await envelope(response)).code, 'origin_mismatch');
  });

  it('challenges with the DPoP scheme for a DPoP-bound token presented as Bearer without proof', async () => {
    const holder = await makeDpopKey();
    const token = await f.token({ cnf: { jkt: holder.jkt } });
    const response = await fetch(`${base}/v1/quotes/qt_12345678`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(response.status, 401);
    assert.match(
      response.headers.get('www-authenticate') ?? '',
      /^DPoP error="invalid_dpop_proof", error_description="[^"]+", algs="ES256"$/,
    );
    assert.equal((await envelope(response)).code, 'dpop_proof_missing');
  });

  it('accepts a DPoP-bound token with a proof for the URL the server sees', async () => {
    const holder = await makeDpopKey();
    const token = await f.token({ cnf: { jkt: holder.jkt } });
    const url = `${base}/v1/quotes/qt_12345678`;
    const proof = await dpopProof(holder, { token, htu: url, iatSec: f.clock.sec() });
    const response = await fetch(url, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
    assert.equal(response.status, 200);
  });

  it('challenges with DPoP when the client used the DPoP scheme and the token is bad', async () => {
    const response = await fetch(`${base}/v1/quotes/qt_12345678`, {
      headers: { authorization: 'DPoP a.b' },
    });
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^DPoP error="invalid_token"/);
    assert.equal((await envelope(response)).code, 'token_malformed');
  });
});

describe('requireToken middleware when the JWKS was never reachable', () => {
  it('answers 503 keys_unavailable with Retry-After and no challenge', async () => {
    const f = await fixture();
    f.server.jwksStatus = 500;
    const app = new Hono<TokenEnv>();
    app.get('/x', requireToken(f.verifier), (c) => c.text('ok'));
    try {
      const response = await app.request('/x', {
        headers: { authorization: `Bearer ${await f.token()}` },
      });
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('www-authenticate'), null);
      assert.equal(response.headers.get('retry-after'), '5');
      const body = ErrorEnvelope.parse(await response.json());
      assert.equal(body.error.code, 'keys_unavailable');
    } finally {
      await f.close();
    }
  });
});
