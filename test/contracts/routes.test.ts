import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CORE_API_ROUTES,
  ERROR_CATALOGUE,
  PARTNER_SCOPES,
  SCOPES,
  coreApiRoutes,
  honoPath,
  openApiPath,
  routeErrorCodes,
  routeErrorsByStatus,
  routeUrl,
  unservedRoutes,
} from '../../contracts/index.ts';

describe('the core API route table', () => {
  it('keys every route by its own id, and no two routes share a method and path', () => {
    for (const [key, route] of Object.entries(CORE_API_ROUTES)) assert.equal(route.id, key);
    const pairs = coreApiRoutes().map((route) => `${route.method} ${route.path}`);
    assert.equal(new Set(pairs).size, pairs.length);
  });

  it('writes paths in the Hono form, each parameter with a schema and a description', () => {
    for (const route of coreApiRoutes()) {
      assert.match(route.path, /^\/[a-z0-9/:_-]*$/, route.id);
      const named = [...route.path.matchAll(/:([a-z_]+)/g)].map((match) => match[1]);
      assert.deepEqual(named, Object.keys(route.params ?? {}), route.id);
    }
  });

  it('converts between the Hono and OpenAPI forms of a path', () => {
    assert.equal(openApiPath('/v1/quotes/:id/accept'), '/v1/quotes/{id}/accept');
    assert.equal(honoPath('/v1/quotes/{id}/accept'), '/v1/quotes/:id/accept');
    for (const route of coreApiRoutes())
      assert.equal(honoPath(openApiPath(route.path)), route.path);
  });

  it('fills a path with encoded parameters, and refuses a missing one', () => {
    assert.equal(routeUrl(CORE_API_ROUTES.getQuote, { id: 'qt_a/b' }), '/v1/quotes/qt_a%2Fb');
    assert.equal(routeUrl(CORE_API_ROUTES.listEvents), '/v1/events');
    assert.throws(() => routeUrl(CORE_API_ROUTES.getQuote), /no value for :id/);
  });

  it('asks for known scopes, and takes Idempotency-Key on every mutation and only there', () => {
    for (const route of coreApiRoutes()) {
      if (route.auth !== false)
        for (const scope of route.auth.scopes)
          assert.ok(
            (route.auth.kind === 'partner' ? PARTNER_SCOPES : SCOPES).includes(scope as never),
            route.id,
          );
      assert.equal(route.idempotent, route.method !== 'GET', route.id);
      if (route.method === 'PATCH') assert.equal(route.ifMatch, 'required', route.id);
    }
  });

  it('derives error codes per status from the catalogue', () => {
    const accept = routeErrorCodes(CORE_API_ROUTES.acceptQuote);
    for (const code of [
      'token_missing',
      'insufficient_scope',
      'idempotency_key_required',
      'invalid_json',
      'quote_expired',
    ] as const)
      assert.ok(accept.includes(code), code);
    assert.ok(!routeErrorCodes(CORE_API_ROUTES.listCountries).includes('insufficient_scope'));
    assert.deepEqual(routeErrorCodes(CORE_API_ROUTES.health), []);
    for (const route of coreApiRoutes()) {
      const grouped = routeErrorsByStatus(route);
      assert.deepEqual(
        grouped.map(([status]) => status),
        [...new Set(grouped.map(([status]) => status))].sort((a, b) => a - b),
      );
      for (const [status, codes] of grouped)
        for (const code of codes) assert.equal(ERROR_CATALOGUE[code].status, status, code);
    }
  });

  it('names the routes a router does not serve', () => {
    const all = coreApiRoutes().map(({ method, path }) => ({ method, path }));
    assert.deepEqual(unservedRoutes(all), []);
    const lower = all.map(({ method, path }) => ({ method: method.toLowerCase(), path }));
    assert.deepEqual(unservedRoutes(lower), []);
    const missing = unservedRoutes(all.filter(({ path }) => path !== '/v1/events'));
    assert.deepEqual(
      missing.map((route) => route.id),
      ['listEvents'],
    );
  });
});
