import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ErrorEnvelope,
  PARTNER_SCOPES,
  PartnerTokenResponse,
  coreApiRoutes,
  routeErrorCodes,
  routeUrl,
} from '../../contracts/index.ts';
import { startTestStack, type TestStack } from './helpers.ts';

let stack: TestStack;
let partnerToken: string;

before(async () => {
  stack = await startTestStack();
  const response = await fetch(`${stack.tokenService.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: stack.partner.id,
      client_secret: stack.partner.secret,
    }).toString(),
  });
  assert.equal(response.status, 200);
  partnerToken = PartnerTokenResponse.parse(await response.json()).access_token;
});
after(() => stack.close());

/** The seeded ids, so a route that got past the token would answer, not 404. */
function params(path: string): Record<string, string> {
  if (path.startsWith('/v1/partner/accounts')) return { external_id: 'token-kinds-1' };
  if (path.startsWith('/v1/partner/quotes')) return { id: stack.seed.quotes.open };
  if (path.startsWith('/v1/quotes')) return { id: stack.seed.quotes.open };
  if (path.startsWith('/v1/onboarding')) return { id: stack.seed.onboarding_id };
  return { id: stack.seed.account_id };
}

describe('the core API refuses partner tokens on every widget route', () => {
  for (const route of coreApiRoutes()) {
    if (route.auth === false || route.auth.kind === 'partner') continue;
    it(`${route.method} ${route.path}: 401 token_kind_invalid, as the route documents`, async () => {
      assert.ok(routeErrorCodes(route).includes('token_kind_invalid'));
      const response = await stack.call(route.method, routeUrl(route, params(route.path)), {
        token: partnerToken,
        headers: { 'idempotency-key': `kind-${route.id}`, 'if-match': '"1"' },
        ...(route.body ? { body: {} } : {}),
      });
      assert.equal(response.status, 401, JSON.stringify(response.body));
      assert.equal(ErrorEnvelope.parse(response.body).error.code, 'token_kind_invalid');
      assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    });
  }

  it('still serves a widget token on the same routes (the refusal is about the kind)', async () => {
    const token = await stack.token(['account:read']);
    const response = await stack.call('GET', `/v1/accounts/${stack.seed.account_id}`, { token });
    assert.equal(response.status, 200, JSON.stringify(response.body));
  });
});

describe('the core API refuses widget tokens on every partner route', () => {
  const partnerRoutes = coreApiRoutes().filter(
    (route) => route.auth !== false && route.auth.kind === 'partner',
  );

  it('has partner routes to check', () => assert.ok(partnerRoutes.length >= 7));

  for (const route of partnerRoutes) {
    it(`${route.method} ${route.path}: a widget token is 401 token_kind_invalid`, async () => {
      assert.ok(routeErrorCodes(route).includes('token_kind_invalid'));
      const token = await stack.token(['quote:read', 'quote:accept', 'account:read']);
      const response = await stack.call(route.method, routeUrl(route, params(route.path)), {
        token,
        headers: { 'idempotency-key': `widget-kind-${route.id}` },
        ...(route.body ? { body: {} } : {}),
      });
      assert.equal(response.status, 401, JSON.stringify(response.body));
      assert.equal(ErrorEnvelope.parse(response.body).error.code, 'token_kind_invalid');
    });

    it(`${route.method} ${route.path}: a partner token without its scope is 403 insufficient_scope`, async () => {
      assert.ok(route.auth !== false && route.auth.kind === 'partner');
      const needed = route.auth.scopes[0]!;
      const others = PARTNER_SCOPES.filter((scope) => scope !== needed);
      const token = await stack.partnerToken(others);
      const response = await stack.call(route.method, routeUrl(route, params(route.path)), {
        token,
        headers: { 'idempotency-key': `scope-${route.id}` },
        ...(route.body ? { body: {} } : {}),
      });
      assert.equal(response.status, 403, JSON.stringify(response.body));
      assert.equal(ErrorEnvelope.parse(response.body).error.code, 'insufficient_scope');
      assert.ok(routeErrorCodes(route).includes('insufficient_scope'));
    });
  }
});
