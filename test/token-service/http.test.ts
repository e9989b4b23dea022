import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import {
  ERROR_CATALOGUE,
  ErrorEnvelope,
  TokenResponse,
  type ErrorCode,
} from '../../contracts/index.ts';
import {
  ACCOUNT,
  ADMIN_TOKEN,
  decodeJwt,
  mintBody,
  startTestService,
  type TestService,
} from './helpers.ts';

let service: TestService;
let secret: string;
let partnerId: string;

before(async () => {
  service = await startTestService();
  const created = await service.createPartner({ max_ttl_seconds: 600 });
  secret = created.key.secret;
  partnerId = created.partner.id;
});
after(() => service.close());

function assertError(response: { status: number; body: unknown }, code: ErrorCode) {
  const envelope = ErrorEnvelope.parse(response.body);
  assert.equal(envelope.error.code, code, JSON.stringify(response.body));
  assert.equal(response.status, ERROR_CATALOGUE[code].status);
  assert.ok(envelope.error.request_id.length > 0);
  assert.match(envelope.error.doc_url, new RegExp(`#${code}$`));
  assert.doesNotMatch(
    JSON.stringify(response.body),
    /at .*\.ts:\d+/,
    'no stack trace in a response',
  );
  return envelope.error;
}

async function raw(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const response = await fetch(`${service.url}${path}`, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: response.status, body, headers: response.headers };
}

describe('POST /v1/tokens mints RFC 9068 tokens', () => {
  it('answers 201 with a token that verifies against the published JWKS', async () => {
    const response = await service.mint(
      secret,
      mintBody({ scopes: ['quote:read', 'quote:accept'] }),
    );
    assert.equal(response.status, 201);
    const body = TokenResponse.parse(response.body);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 300, 'default lifetime is 5 minutes');
    assert.deepEqual(body.scopes, ['quote:read', 'quote:accept']);
    assert.equal(response.headers.get('cache-control'), 'no-store');

    const jwks = (await (await fetch(`${service.url}/.well-known/jwks.json`)).json()) as {
      keys: never[];
    };
    const { payload, protectedHeader } = await jwtVerify(
      body.token,
      createLocalJWKSet({ keys: jwks.keys }),
      {
        issuer: service.issuer,
        audience: service.config.audience,
        typ: 'at+jwt',
        algorithms: ['ES256'],
      },
    );
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(typeof protectedHeader.kid, 'string');
    assert.equal(payload.sub, ACCOUNT);
    assert.equal(payload.client_id, partnerId);
    assert.equal(payload.scope, 'quote:read quote:accept');
    assert.equal(payload.origin, 'https://shop.example');
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 300);
    assert.equal(typeof payload.jti, 'string');
    assert.equal(payload.tessera_mode, 'test', 'the partner mode rides along for sandboxes');
    assert.equal(new Date(body.expires_at).getTime(), (payload.exp ?? 0) * 1000);
  });

  it('gives every token its own jti', async () => {
    const tokens = await Promise.all(
      Array.from({ length: 20 }, () => service.mint(secret, mintBody())),
    );
    const jtis = new Set(tokens.map((response) => decodeJwt(response.body.token).payload.jti));
    assert.equal(jtis.size, 20);
  });

  it('caps the lifetime at the partner maximum instead of trusting the request', async () => {
    const response = await service.mint(secret, mintBody({ ttl_seconds: 900 }));
    assert.equal(response.status, 201);
    assert.equal(response.body.expires_in, 600);
  });

  it('lets a test-mode partner mint tokens that live only seconds', async () => {
    const response = await service.mint(secret, mintBody({ ttl_seconds: 5 }));
    assert.equal(response.body.expires_in, 5);
  });

  it('never lets a live-mode partner mint below a minute', async () => {
    const live = await service.createPartner({ mode: 'live' });
    assert.match(live.key.secret, /^tsk_live_/);
    const response = await service.mint(live.key.secret, mintBody({ ttl_seconds: 5 }));
    assert.equal(response.body.expires_in, 60);
  });

  it('binds the token to a DPoP key when dpop_jkt is given', async () => {
    const jkt = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
    const response = await service.mint(secret, mintBody({ dpop_jkt: jkt }));
    assert.equal(response.body.token_type, 'DPoP');
    assert.deepEqual(decodeJwt(response.body.token).payload.cnf, { jkt });
  });

  it('records an audit entry per issuance with the request and correlation ids', async () => {
    const response = await service.mint(secret, mintBody({ correlation_id: 'widget-session-42' }), {
      'x-request-id': 'req-audit-1',
    });
    const { jti } = decodeJwt(response.body.token).payload;
    const audit = await service.state.store.findIssuance(jti as string);
    assert.ok(audit);
    assert.equal(audit.partner_id, partnerId);
    assert.equal(audit.subject, ACCOUNT);
    assert.equal(audit.request_id, 'req-audit-1');
    assert.equal(audit.correlation_id, 'widget-session-42');
    assert.deepEqual(audit.scopes, ['quote:read']);
  });
});

describe('POST /v1/tokens refuses with catalogue codes', () => {
  it('refuses a request without a key', async () => {
    assertError(
      await raw('/v1/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(mintBody()),
      }),
      'partner_key_missing',
    );
  });
  it('refuses an unknown key', async () => {
    assertError(
      await service.mint('tsk_test_notARealKeyAtAll000000000000000000000', mintBody()),
      'partner_key_invalid',
    );
  });
  it("refuses a revoked key at once, while the partner's other key keeps working", async () => {
    const created = await service.createPartner();
    const second = await service.admin<{ id: string; secret: string }>(
      'POST',
      `/partners/${created.partner.id}/keys`,
    );
    assert.equal(second.status, 201);
    assert.equal(
      (await service.admin('POST', `/partner-keys/${created.key.id}/revoke`)).status,
      200,
    );
    assertError(await service.mint(created.key.secret, mintBody()), 'partner_key_revoked');
    assert.equal((await service.mint(second.body.secret, mintBody())).status, 201);
  });
  it('refuses a suspended partner at once and mints again after resume', async () => {
    const created = await service.createPartner();
    await service.admin('POST', `/partners/${created.partner.id}/suspend`);
    assertError(await service.mint(created.key.secret, mintBody()), 'partner_suspended');
    const feed = (await raw('/v1/revocations')).body as {
      partners: { client_id: string; not_before: number }[];
    };
    assert.ok(feed.partners.some((entry) => entry.client_id === created.partner.id));
    await service.admin('POST', `/partners/${created.partner.id}/resume`);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // not_before has whole-second resolution
    assert.equal((await service.mint(created.key.secret, mintBody())).status, 201);
  });
  it('refuses a scope the partner was not granted and names it', async () => {
    const error = assertError(
      await service.mint(secret, mintBody({ scopes: ['quote:read', 'account:write'] })),
      'scope_not_granted',
    );
    assert.deepEqual(error.details?.scopes, ['account:write']);
  });
  it('refuses an origin not registered for the partner', async () => {
    assertError(
      await service.mint(secret, mintBody({ origin: 'https://evil.example' })),
      'origin_not_allowed',
    );
    assertError(
      await service.mint(secret, mintBody({ origin: 'http://shop.example' })),
      'origin_not_allowed',
    );
    assertError(
      await service.mint(secret, mintBody({ origin: 'https://shop.example:8443' })),
      'origin_not_allowed',
    );
  });
  it('matches an explicit *.subdomain rule one label deep only', async () => {
    const created = await service.createPartner({ origins: ['https://*.shop.example'] });
    assert.equal(
      (await service.mint(created.key.secret, mintBody({ origin: 'https://eu.shop.example' })))
        .status,
      201,
    );
    assertError(
      await service.mint(created.key.secret, mintBody({ origin: 'https://shop.example' })),
      'origin_not_allowed',
    );
    assertError(
      await service.mint(created.key.secret, mintBody({ origin: 'https://a.b.shop.example' })),
      'origin_not_allowed',
    );
    assertError(
      await service.mint(created.key.secret, mintBody({ origin: 'https://evilshop.example' })),
      'origin_not_allowed',
    );
  });
  it('requires dpop_jkt from a partner that requires DPoP', async () => {
    const created = await service.createPartner({ require_dpop: true });
    assertError(await service.mint(created.key.secret, mintBody()), 'dpop_jkt_required');
  });

  const badBodies: [string, unknown, string][] = [
    ['an unknown scope', mintBody({ scopes: ['quote:delete'] }), 'scopes.0'],
    ['an origin with a path', mintBody({ origin: 'https://shop.example/checkout' }), 'origin'],
    ['an origin that is not a URL', mintBody({ origin: 'shop.example' }), 'origin'],
    ['a subject of the wrong form', mintBody({ subject: 'user-1' }), 'subject'],
    ['a number for the subject', mintBody({ subject: 42 }), 'subject'],
    ['no scopes', mintBody({ scopes: [] }), 'scopes'],
    ['an unknown field', mintBody({ admin: true }), 'admin'],
    [
      'a __proto__ key',
      JSON.parse(
        `{"__proto__":{"polluted":1},"subject":"${ACCOUNT}","scopes":["quote:read"],"origin":"https://shop.example"}`,
      ),
      '__proto__',
    ],
    ['a ttl above 15 minutes', mintBody({ ttl_seconds: 3600 }), 'ttl_seconds'],
    ['a fractional ttl', mintBody({ ttl_seconds: 1.5 }), 'ttl_seconds'],
    ['an array body', [mintBody()], '(body)'],
    ['a malformed dpop_jkt', mintBody({ dpop_jkt: 'abc' }), 'dpop_jkt'],
  ];
  for (const [what, body, field] of badBodies) {
    it(`answers 400 validation_failed naming the field for ${what}`, async () => {
      const error = assertError(
        await service.mint(secret, body as Record<string, unknown>),
        'validation_failed',
      );
      const fields = (error.details?.fields as { path: string }[]).map(
        (entry) => entry.path || '(body)',
      );
      assert.ok(fields.includes(field), `fields ${JSON.stringify(fields)} include ${field}`);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
  }

  it('answers invalid_json for a body that is not JSON', async () => {
    assertError(
      await raw('/v1/tokens', {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: '{"subject":',
      }),
      'invalid_json',
    );
  });
  it('answers invalid_json for invalid UTF-8', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"subject":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    assertError(
      await raw('/v1/tokens', {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: bytes,
      }),
      'invalid_json',
    );
  });
  it('answers body_too_large for a body over 16 KiB', async () => {
    const body = JSON.stringify(mintBody({ correlation_id: 'x'.repeat(17 * 1024) }));
    assertError(
      await raw('/v1/tokens', {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body,
      }),
      'body_too_large',
    );
  });
  it('answers unsupported_media_type for a form body', async () => {
    assertError(
      await raw('/v1/tokens', {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'text/plain' },
        body: 'subject=x',
      }),
      'unsupported_media_type',
    );
  });
  it('answers not_found in the envelope for an unknown path', async () => {
    assertError(await raw('/v1/nope'), 'not_found');
  });
});

describe('request ids and logs', () => {
  it('echoes a well-formed X-Request-Id and generates one otherwise', async () => {
    const echoed = await service.mint(secret, mintBody(), { 'x-request-id': 'abc-123' });
    assert.equal(echoed.headers.get('x-request-id'), 'abc-123');
    const hostile = await service.mint(secret, mintBody(), { 'x-request-id': 'a b<script>' });
    assert.match(hostile.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });
  it('puts the request id on every log line and never logs a secret or a token', async () => {
    const response = await service.mint(secret, mintBody(), { 'x-request-id': 'req-log-check' });
    const lines = service.logs.filter((line) => line.request_id === 'req-log-check');
    assert.equal(lines.length, 1, 'one line per request');
    assert.equal(lines[0]?.msg, 'token issued');
    assert.equal(lines[0]?.jti, decodeJwt(response.body.token).payload.jti);
    const all = service.rawLogs.join('');
    assert.ok(!all.includes(secret), 'the partner secret is never logged');
    assert.ok(!all.includes(response.body.token), 'the token is never logged');
    assert.ok(!all.includes(ADMIN_TOKEN), 'the admin token is never logged');
  });
});

describe('discovery', () => {
  it('publishes the JWKS with public members only, the active and next keys, and a cache lifetime', async () => {
    const response = await raw('/.well-known/jwks.json');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/jwk-set+json');
    assert.equal(response.headers.get('cache-control'), 'public, max-age=300');
    const { keys } = response.body as { keys: Record<string, unknown>[] };
    assert.equal(keys.length, 2, 'active and next');
    for (const key of keys) {
      assert.equal(key.d, undefined, 'no private member');
      assert.equal(key.kty, 'EC');
      assert.equal(key.alg, 'ES256');
      assert.match(String(key.kid), /^[A-Za-z0-9_-]{43}$/);
    }
  });
  it('signs with a key whose kid is its RFC 7638 thumbprint', async () => {
    const { calculateJwkThumbprint } = await import('jose');
    const token = (await service.mint(secret, mintBody())).body.token;
    const { kid } = decodeJwt(token).header;
    const { keys } = (await raw('/.well-known/jwks.json')).body as {
      keys: { kid: string; kty: string; crv: string; x: string; y: string }[];
    };
    const key = keys.find((candidate) => candidate.kid === kid);
    assert.ok(key);
    assert.equal(
      await calculateJwkThumbprint({ kty: key.kty, crv: key.crv, x: key.x, y: key.y }),
      kid,
    );
  });
  it('serves RFC 8414 metadata pointing at the JWKS', async () => {
    const { body } = await raw('/.well-known/oauth-authorization-server');
    const metadata = body as Record<string, unknown>;
    assert.equal(metadata.issuer, service.issuer);
    assert.equal(metadata.jwks_uri, `${service.issuer}/.well-known/jwks.json`);
    assert.deepEqual(metadata.access_token_signing_alg_values_supported, ['ES256']);
    assert.equal(metadata.introspection_endpoint, `${service.issuer}/v1/tokens/introspect`);
  });
});

describe('operations endpoints', () => {
  it('answers /healthz and /readyz', async () => {
    assert.deepEqual((await raw('/healthz')).body, { status: 'ok' });
    const ready = await raw('/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual((ready.body as { checks: unknown }).checks, {
      signing_key: 'ok',
      database: 'ok',
    });
  });
  it('exposes Prometheus metrics: tokens by partner and outcome, refusals by code, latency', async () => {
    await service.mint(secret, mintBody({ scopes: ['account:write'] }));
    const { body, headers } = await raw('/metrics');
    assert.match(headers.get('content-type') ?? '', /text\/plain/);
    const text = String(body);
    assert.match(
      text,
      new RegExp(`tessera_tokens_minted_total\\{partner_id="${partnerId}",outcome="ok"\\} \\d+`),
    );
    assert.match(
      text,
      new RegExp(
        `tessera_tokens_minted_total\\{partner_id="${partnerId}",outcome="scope_not_granted"\\} \\d+`,
      ),
    );
    assert.match(text, /tessera_refusals_total\{code="scope_not_granted"\} \d+/);
    assert.match(text, /tessera_http_request_duration_seconds_bucket\{.*route="\/v1\/tokens"/);
  });
});

describe('POST /v1/tokens/introspect (RFC 7662)', () => {
  const introspect = (credential: string, token: string) =>
    raw('/v1/tokens/introspect', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${credential}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token }).toString(),
    });

  it('reports an active token with its claims to the admin credential', async () => {
    const token = (await service.mint(secret, mintBody())).body.token;
    const { status, body } = await introspect(ADMIN_TOKEN, token);
    assert.equal(status, 200);
    const claims = body as Record<string, unknown>;
    assert.equal(claims.active, true);
    assert.equal(claims.client_id, partnerId);
    assert.equal(claims.sub, ACCOUNT);
    assert.equal(claims.scope, 'quote:read');
    assert.equal(claims.token_type, 'Bearer');
  });
  it("tells a partner about its own tokens and nothing about another partner's", async () => {
    const token = (await service.mint(secret, mintBody())).body.token;
    const other = await service.createPartner();
    assert.equal(((await introspect(secret, token)).body as { active: boolean }).active, true);
    assert.deepEqual((await introspect(other.key.secret, token)).body, { active: false });
  });
  it("answers inactive for a tampered token, garbage, and a suspended partner's token", async () => {
    const token = (await service.mint(secret, mintBody())).body.token;
    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...decodeJwt(token).payload, scope: 'account:write' })).toString('base64url')}.${s}`;
    assert.deepEqual((await introspect(ADMIN_TOKEN, forged)).body, { active: false });
    assert.deepEqual((await introspect(ADMIN_TOKEN, 'not.a.token')).body, { active: false });
    const created = await service.createPartner();
    const theirs = (await service.mint(created.key.secret, mintBody())).body.token;
    await service.admin('POST', `/partners/${created.partner.id}/suspend`);
    assert.deepEqual((await introspect(ADMIN_TOKEN, theirs)).body, { active: false });
  });
  it('refuses a form body over 16 KiB, even one sent chunked without a length', async () => {
    const huge = new URLSearchParams({ token: 'x'.repeat(20_000) }).toString();
    const chunked = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(huge));
        controller.close();
      },
    });
    const response = await raw('/v1/tokens/introspect', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: chunked,
      duplex: 'half',
    } as Parameters<typeof raw>[1]);
    assertError(response, 'body_too_large');
  });
  it('refuses an unauthenticated caller', async () => {
    assertError(
      await raw('/v1/tokens/introspect', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'token=x',
      }),
      'partner_key_missing',
    );
  });
});

describe('admin API', () => {
  it('refuses a missing or wrong admin credential', async () => {
    assertError(await raw('/admin/v1/partners'), 'admin_unauthorized');
    assertError(
      await raw('/admin/v1/partners', { headers: { authorization: `Bearer ${secret}` } }),
      'admin_unauthorized',
    );
  });
  it('creates, lists, shows, updates, suspends and resumes partners', async () => {
    const created = await service.createPartner({
      name: 'Admin Flow',
      mode: 'live',
      scopes: ['account:read'],
    });
    assert.match(created.key.secret, /^tsk_live_/);
    const list = await service.admin<{ data: { id: string }[] }>('GET', '/partners');
    assert.ok(list.body.data.some((partner) => partner.id === created.partner.id));
    const shown = await service.admin<{
      partner: { name: string };
      keys: { prefix: string; secret?: string }[];
    }>('GET', `/partners/${created.partner.id}`);
    assert.equal(shown.body.partner.name, 'Admin Flow');
    assert.equal(shown.body.keys.length, 1);
    assert.equal(shown.body.keys[0]?.secret, undefined, 'the secret is shown only once');
    const updated = await service.admin<{ origins: string[]; scopes: string[] }>(
      'PATCH',
      `/partners/${created.partner.id}`,
      { origins: ['https://new.example'], scopes: ['account:read', 'account:write'] },
    );
    assert.deepEqual(updated.body.origins, ['https://new.example']);
    assert.equal(
      (
        await service.mint(
          created.key.secret,
          mintBody({ origin: 'https://new.example', scopes: ['account:write'] }),
        )
      ).status,
      201,
    );
    const suspended = await service.admin<{ status: string; not_before: string }>(
      'POST',
      `/partners/${created.partner.id}/suspend`,
    );
    assert.equal(suspended.body.status, 'suspended');
    assert.ok(suspended.body.not_before);
    const resumed = await service.admin<{ status: string }>(
      'POST',
      `/partners/${created.partner.id}/resume`,
    );
    assert.equal(resumed.body.status, 'active');
  });
  it('answers partner_not_found and partner_key_not_found', async () => {
    assertError(await service.admin('GET', '/partners/ptn_doesnotexist0000'), 'partner_not_found');
    assertError(
      await service.admin('POST', '/partner-keys/pk_doesnotexist0000/revoke'),
      'partner_key_not_found',
    );
  });
  it('validates partner bodies with field names', async () => {
    const response = await service.admin('POST', '/partners', {
      name: '',
      origins: ['https://shop.example/path'],
      scopes: ['root'],
      max_ttl_seconds: 3600,
    });
    const error = assertError(response, 'validation_failed');
    const paths = (error.details?.fields as { path: string }[]).map((field) => field.path).sort();
    assert.deepEqual(paths, ['max_ttl_seconds', 'name', 'origins.0', 'scopes.0']);
  });
  it('lists signing keys and refuses to rotate inside the publish window without force', async () => {
    const keys = await service.admin<{ data: { state: string }[] }>('GET', '/keys');
    assert.deepEqual(keys.body.data.map((key) => key.state).sort(), ['active', 'next']);
    const refused = await service.admin<{ rotated: boolean; reason: string }>(
      'POST',
      '/keys/rotate',
      {},
    );
    assert.equal(refused.body.rotated, false);
    assert.match(refused.body.reason, /publish window/);
  });
});
