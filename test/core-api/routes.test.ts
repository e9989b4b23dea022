import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Hono } from 'hono';
import { pino } from 'pino';
import { CORE_API_ROUTES, coreApiRoutes, unservedRoutes } from '../../contracts/index.ts';
import { accessGuard, partnerGuard } from '../../core-api/http/access.ts';
import { createCoreApp, mountRoutes } from '../../core-api/http/app.ts';
import type { CoreAppDeps, CoreEnv, RouteHandler } from '../../core-api/http/context.ts';
import { openCoreStore } from '../../core-api/store/sql-store.ts';
import { createHttpMetrics } from '../../service-kit/http/instrument.ts';
import { PartnerRateLimiter } from '../../service-kit/rate-limit.ts';
import { createPartnerVerifier, createVerifier } from '../../verify/index.ts';

/** Real dependencies that are never called: these tests only wire routes, no request is served. */
async function deps(): Promise<CoreAppDeps> {
  return {
    store: await openCoreStore({ dataDir: null }),
    verifier: createVerifier({
      issuer: 'http://127.0.0.1:9',
      audience: 'tessera-core-api',
      jwksUrl: 'http://127.0.0.1:9/.well-known/jwks.json',
    }),
    partnerVerifier: createPartnerVerifier({
      issuer: 'http://127.0.0.1:9',
      audience: 'tessera-core-api',
      jwksUrl: 'http://127.0.0.1:9/.well-known/jwks.json',
    }),
    limiter: new PartnerRateLimiter(null),
    subjectRateLimit: { per_second: 20, burst: 60 },
    partnerRateLimit: { per_second: 100, burst: 200 },
    metrics: createHttpMetrics(),
    log: pino({ level: 'silent' }),
  };
}

const ok: RouteHandler = (c) => c.json({});
const guards = (d: CoreAppDeps) => ({ widget: accessGuard(d), partner: partnerGuard(d) });

describe('the core API router reads the contracts route table', () => {
  let d: CoreAppDeps;
  before(async () => {
    d = await deps();
  });
  after(async () => {
    d.verifier.close();
    d.partnerVerifier.close();
    await d.store.close();
  });

  it('serves every route of the table, at its method and path', () => {
    const app = createCoreApp(d);
    assert.deepEqual(
      unservedRoutes(app.routes).map((route) => route.id),
      [],
    );
  });

  it('refuses to start with a route that has no handler, naming it', () => {
    const handlers = Object.fromEntries(
      coreApiRoutes()
        .filter((route) => route.id !== 'getQuote')
        .map((route) => [route.id, ok]),
    );
    assert.throws(
      () => mountRoutes(new Hono<CoreEnv>(), coreApiRoutes(), handlers, guards(d)),
      /no handler for \[getQuote\], no route for \[\]/,
    );
  });

  it('refuses to start with a handler that has no route, naming it', () => {
    const handlers = {
      ...Object.fromEntries(coreApiRoutes().map((route) => [route.id, ok])),
      getQuoteTwice: ok,
    };
    assert.throws(
      () => mountRoutes(new Hono<CoreEnv>(), coreApiRoutes(), handlers, guards(d)),
      /no handler for \[\], no route for \[getQuoteTwice\]/,
    );
  });

  it('guards a route with the scopes the table gives it', () => {
    const app = new Hono<CoreEnv>();
    const scoped: string[][] = [];
    const guard: ReturnType<typeof accessGuard> = (scopes, linked) => {
      scoped.push([...scopes, linked ? 'linked' : 'any account']);
      return accessGuard(d)(scopes, linked);
    };
    mountRoutes(
      app,
      [CORE_API_ROUTES.getQuote, CORE_API_ROUTES.listEvents, CORE_API_ROUTES.health],
      { getQuote: ok, listEvents: ok, health: ok },
      { widget: guard, partner: partnerGuard(d) },
    );
    assert.deepEqual(scoped, [['quote:read', 'linked'], ['any account']]);
  });
});
