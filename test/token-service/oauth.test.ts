import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import {
  OAuthErrorResponse,
  PARTNER_SCOPES,
  PartnerTokenResponse,
  SCOPES,
} from '../../contracts/index.ts';
import { createPartnerVerifier, type PartnerVerifier } from '../../verify/index.ts';
import { decodeJwt, mintBody, startTestService, type TestService } from './helpers.ts';

let service: TestService;
let partnerId: string;
let secret: string;
let verifier: PartnerVerifier;
let as: oauth.AuthorizationServer;

before(async () => {
  service = await startTestService();
  const created = await service.createPartner({ rate_limit: { per_second: 1000, burst: 1000 } });
  partnerId = created.partner.id;
  secret = created.key.secret;
  const issuer = new URL(service.issuer);
  as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, {
      algorithm: 'oauth2',
      [oauth.allowInsecureRequests]: true,
    }),
  );
  verifier = createPartnerVerifier({
    issuer: service.issuer,
    audience: service.config.audience,
    jwksUrl: `${service.issuer}/.well-known/jwks.json`,
  });
});
after(async () => {
  verifier.close();
  await service.close();
});

/** oauth4webapi's stock client-credentials call, exactly as a partner's backend would make it. */
async function stockGrant(
  clientAuth: oauth.ClientAuth,
  parameters: Record<string, string> = {},
  clientId = partnerId,
) {
  const client: oauth.Client = { client_id: clientId };
  const response = await oauth.clientCredentialsGrantRequest(as, client, clientAuth, parameters, {
    [oauth.allowInsecureRequests]: true,
  });
  return oauth.processClientCredentialsResponse(as, client, response);
}

async function post(
  form: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${service.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: form,
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

const basic = (id: string, password: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(password)}`).toString('base64')}`;

function assertOAuthError(
  response: { status: number; body: unknown; headers: Headers },
  error: string,
  status: number,
) {
  assert.equal(response.status, status, JSON.stringify(response.body));
  const parsed = OAuthErrorResponse.parse(response.body);
  assert.equal(parsed.error, error);
  assert.deepEqual(Object.keys(response.body as object).sort(), ['error', 'error_description']);
  assert.ok(response.headers.get('x-request-id'), 'the request id rides on every refusal');
  assert.equal(response.headers.get('cache-control'), 'no-store');
}

describe('RFC 8414 metadata', () => {
  it('names the token endpoint, the grant, both client authentication methods and every scope', () => {
    assert.equal(as.token_endpoint, `${service.issuer}/oauth/token`);
    assert.deepEqual(as.grant_types_supported, ['client_credentials']);
    assert.deepEqual(as.token_endpoint_auth_methods_supported, [
      'client_secret_basic',
      'client_secret_post',
    ]);
    assert.deepEqual(as.scopes_supported, [...SCOPES, ...PARTNER_SCOPES]);
  });
});

describe('POST /oauth/token issues partner tokens to a stock OAuth client', () => {
  it('client_secret_basic: an RFC 9068 partner token with every partner scope', async () => {
    const answer = await stockGrant(oauth.ClientSecretBasic(secret));
    assert.equal(answer.token_type, 'bearer');
    assert.equal(answer.expires_in, 900);
    assert.equal(answer.scope, PARTNER_SCOPES.join(' '));
    const verified = await verifier.verifyPartnerToken(answer.access_token, {
      scopes: [...PARTNER_SCOPES],
    });
    assert.equal(verified.partnerId, partnerId);
    const { header, payload } = decodeJwt(answer.access_token);
    assert.equal(header.typ, 'at+jwt');
    assert.equal(payload.sub, partnerId);
    assert.equal(payload.client_id, partnerId);
    assert.equal(payload.aud, service.config.audience);
    assert.equal(payload.iss, service.issuer);
    assert.equal(payload.tessera_token, 'partner');
    assert.equal(payload.origin, undefined);
    assert.equal(payload.cnf, undefined);
    assert.equal((payload.exp as number) - (payload.iat as number), 900);
    assert.equal(typeof payload.jti, 'string');
  });

  it('client_secret_post with a narrower scope: the token carries only what was asked', async () => {
    const answer = await stockGrant(oauth.ClientSecretPost(secret), { scope: 'partner:events' });
    assert.equal(answer.scope, 'partner:events');
    const verified = await verifier.verifyPartnerToken(answer.access_token, {
      scopes: ['partner:events'],
    });
    assert.deepEqual([...verified.scopes], ['partner:events']);
    await assert.rejects(
      verifier.verifyPartnerToken(answer.access_token, { scopes: ['partner:accounts'] }),
      { code: 'insufficient_scope' },
    );
  });

  it('is signed by the key that signs widget tokens, and recorded in the audit like a mint', async () => {
    const response = await post(
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: partnerId,
        client_secret: secret,
      }).toString(),
      { 'x-request-id': 'oauth-audit-check-1' },
    );
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('x-request-id'), 'oauth-audit-check-1');
    const body = PartnerTokenResponse.parse(response.body);
    const minted = await service.mint(secret, mintBody());
    assert.equal(minted.status, 201);
    assert.equal(decodeJwt(body.access_token).header.kid, decodeJwt(minted.body.token).header.kid);
    const { payload } = decodeJwt(body.access_token);
    const record = await service.state.store.findIssuance(payload.jti as string);
    assert.ok(record, 'the issuance is on record');
    assert.equal(record.partner_id, partnerId);
    assert.equal(record.subject, partnerId);
    assert.equal(record.request_id, 'oauth-audit-check-1');
    assert.deepEqual(record.scopes, [...PARTNER_SCOPES]);
  });

  it('decodes form-encoded Basic credentials (RFC 6749 §2.3.1)', async () => {
    // `+` and `%2B` differ once form-decoded: a client that skips the encoding fails honestly.
    const response = await post('grant_type=client_credentials', {
      authorization: basic(partnerId, secret),
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
  });
});

describe('POST /oauth/token refuses in RFC 6749 §5.2 form', () => {
  const grant = 'grant_type=client_credentials';

  it('invalid_client (401, Basic challenge) for a wrong secret, as the stock client reads it', async () => {
    // RFC 6749 §5.2's 401 carries a challenge, so the stock client reports the challenge and
    // leaves the body to the caller.
    const refusal = await stockGrant(oauth.ClientSecretBasic('sk_test_wrong')).then(
      () => assert.fail('a wrong secret got a token'),
      (error: unknown) => error,
    );
    assert.ok(refusal instanceof oauth.WWWAuthenticateChallengeError);
    assert.equal(refusal.status, 401);
    assert.equal(refusal.cause[0]?.scheme, 'basic');
    assert.equal(refusal.cause[0]?.parameters.realm, 'tessera');
    assert.equal(OAuthErrorResponse.parse(await refusal.response.json()).error, 'invalid_client');
    const response = await post(grant, { authorization: basic(partnerId, 'sk_test_wrong') });
    assertOAuthError(response, 'invalid_client', 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^Basic realm="tessera"/);
  });

  it('invalid_client when no client authentication is sent', async () => {
    const response = await post(grant);
    assertOAuthError(response, 'invalid_client', 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^Basic realm=/);
  });

  it("invalid_client when the secret is another partner's", async () => {
    const other = await service.createPartner({ name: 'Other Shop' });
    const response = await post(grant, { authorization: basic(partnerId, other.key.secret) });
    assertOAuthError(response, 'invalid_client', 401);
  });

  it('invalid_client for a revoked key; unauthorized_client for a suspended partner', async () => {
    const created = await service.createPartner({ name: 'Soon Gone' });
    const revoked = await service.admin('POST', `/partner-keys/${created.key.id}/revoke`);
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    assertOAuthError(
      await post(grant, { authorization: basic(created.partner.id, created.key.secret) }),
      'invalid_client',
      401,
    );
    const suspended = await service.createPartner({ name: 'Paused Shop' });
    assert.equal(
      (await service.admin('POST', `/partners/${suspended.partner.id}/suspend`)).status,
      200,
    );
    assertOAuthError(
      await post(grant, { authorization: basic(suspended.partner.id, suspended.key.secret) }),
      'unauthorized_client',
      400,
    );
  });

  it('invalid_request when both client authentication methods are used at once', async () => {
    const response = await post(`${grant}&client_secret=${encodeURIComponent(secret)}`, {
      authorization: basic(partnerId, secret),
    });
    assertOAuthError(response, 'invalid_request', 400);
  });

  it('invalid_request for a missing grant_type, a repeated parameter, or a JSON body', async () => {
    const auth = { authorization: basic(partnerId, secret) };
    assertOAuthError(await post('scope=partner:events', auth), 'invalid_request', 400);
    assertOAuthError(await post(`${grant}&${grant}`, auth), 'invalid_request', 400);
    assertOAuthError(
      await post(JSON.stringify({ grant_type: 'client_credentials' }), {
        ...auth,
        'content-type': 'application/json',
      }),
      'invalid_request',
      400,
    );
  });

  it('unsupported_grant_type for any grant but client_credentials', async () => {
    const response = await post('grant_type=password&username=a&password=b', {
      authorization: basic(partnerId, secret),
    });
    assertOAuthError(response, 'unsupported_grant_type', 400);
  });

  it('invalid_scope for a widget scope, an unknown scope or a malformed list', async () => {
    for (const scope of ['quote:read', 'partner:accounts quote:read', 'partner:everything', '']) {
      await assert.rejects(
        stockGrant(oauth.ClientSecretPost(secret), { scope }),
        (error) => error instanceof oauth.ResponseBodyError && error.error === 'invalid_scope',
        `scope ${JSON.stringify(scope)}`,
      );
    }
    assertOAuthError(
      await post(`${grant}&scope=partner:events%20%20partner:quotes`, {
        authorization: basic(partnerId, secret),
      }),
      'invalid_scope',
      400,
    );
  });

  it('429 rate_limited with Retry-After once the partner is over its rate', async () => {
    const slow = await service.createPartner({
      name: 'Slow Shop',
      rate_limit: { per_second: 1, burst: 1 },
    });
    const auth = { authorization: basic(slow.partner.id, slow.key.secret) };
    assert.equal((await post(grant, auth)).status, 200);
    const refused = await post(grant, auth);
    assertOAuthError(refused, 'rate_limited', 429);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
  });
});

describe('token kinds never mix at minting', () => {
  it('POST /v1/tokens refuses a partner scope in a widget token', async () => {
    const minted = await service.mint(
      secret,
      mintBody({ scopes: ['quote:read', 'partner:quotes'] }),
    );
    assert.equal(minted.status, 400);
    assert.equal(minted.body.error?.code, 'validation_failed');
  });

  it('the admin API refuses to grant a partner scope as a widget scope', async () => {
    const response = await service.admin('POST', '/partners', {
      name: 'Mixed Shop',
      origins: ['https://mixed.example'],
      scopes: ['partner:accounts'],
    });
    assert.equal(response.status, 400);
  });
});
