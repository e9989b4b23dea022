import { Hono } from 'hono';
import * as z from 'zod/mini';
import type { Scope } from '../../contracts/index.ts';
import { instrument } from '../../service-kit/http/instrument.ts';
import { actor } from '../domain/actor.ts';
import { accessGuard, sessionId } from './access.ts';
import type { CoreAppDeps, CoreContext, CoreEnv, RouteHandler, RouteKit } from './context.ts';
import { cors } from './cors.ts';
import { idempotentMutations } from './idempotency.ts';
import { accountRoutes } from './routes/accounts.ts';
import { eventRoutes } from './routes/events.ts';
import { onboardingRoutes } from './routes/onboarding.ts';
import { operationRoutes } from './routes/operations.ts';
import { quoteRoutes } from './routes/quotes.ts';
import { referenceRoutes } from './routes/reference.ts';

export type { CoreAppDeps } from './context.ts';

z.config(z.locales.en());

interface RouteEntry {
  id: string;
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  /** No token at all, or a widget token with these scopes (none: any valid token). */
  auth: false | { scopes: readonly Scope[]; linkedAccount: boolean };
}

const ROUTES: readonly RouteEntry[] = [
  {
    id: 'getQuote',
    method: 'GET',
    path: '/v1/quotes/:id',
    auth: { scopes: ['quote:read'], linkedAccount: true },
  },
  {
    id: 'acceptQuote',
    method: 'POST',
    path: '/v1/quotes/:id/accept',
    auth: { scopes: ['quote:accept'], linkedAccount: true },
  },
  {
    id: 'declineQuote',
    method: 'POST',
    path: '/v1/quotes/:id/decline',
    auth: { scopes: ['quote:accept'], linkedAccount: true },
  },
  {
    id: 'startOnboarding',
    method: 'POST',
    path: '/v1/onboarding',
    auth: { scopes: ['onboarding:write'], linkedAccount: true },
  },
  {
    id: 'getOnboarding',
    method: 'GET',
    path: '/v1/onboarding/:id',
    auth: { scopes: ['onboarding:read'], linkedAccount: true },
  },
  {
    id: 'saveOnboardingStep',
    method: 'PATCH',
    path: '/v1/onboarding/:id',
    auth: { scopes: ['onboarding:write'], linkedAccount: true },
  },
  {
    id: 'submitOnboarding',
    method: 'POST',
    path: '/v1/onboarding/:id/submit',
    auth: { scopes: ['onboarding:write'], linkedAccount: true },
  },
  {
    id: 'getAccount',
    method: 'GET',
    path: '/v1/accounts/:id',
    auth: { scopes: ['account:read'], linkedAccount: true },
  },
  {
    id: 'updateAccount',
    method: 'PATCH',
    path: '/v1/accounts/:id',
    auth: { scopes: ['account:write'], linkedAccount: true },
  },
  {
    id: 'listCountries',
    method: 'GET',
    path: '/v1/reference/countries',
    auth: { scopes: [], linkedAccount: false },
  },
  {
    id: 'listCurrencies',
    method: 'GET',
    path: '/v1/reference/currencies',
    auth: { scopes: [], linkedAccount: false },
  },
  {
    id: 'listEvents',
    method: 'GET',
    path: '/v1/events',
    auth: { scopes: [], linkedAccount: false },
  },
  { id: 'health', method: 'GET', path: '/healthz', auth: false },
  { id: 'ready', method: 'GET', path: '/readyz', auth: false },
  { id: 'metrics', method: 'GET', path: '/metrics', auth: false },
];

export function createCoreApp(deps: CoreAppDeps): Hono<CoreEnv> {
  const app = new Hono<CoreEnv>();
  const now = deps.now ?? (() => new Date());
  instrument(app, deps.log, deps.metrics);
  app.use('/v1/*', cors());

  const actorOf = (c: CoreContext) => {
    const { claims } = c.get('token');
    return actor({
      partnerId: claims.client_id,
      accountId: claims.sub,
      requestId: c.get('requestId'),
      sessionId: sessionId(c.req.header('x-tessera-session')) ?? null,
      now: now(),
    });
  };
  const kit: RouteKit = { deps, actorOf, mutate: idempotentMutations(deps.store, actorOf) };
  const handlers: Record<string, RouteHandler> = {
    ...quoteRoutes(kit),
    ...onboardingRoutes(kit),
    ...accountRoutes(kit),
    ...referenceRoutes(),
    ...eventRoutes(kit),
    ...operationRoutes(kit),
  };
  mountRoutes(app, ROUTES, handlers, accessGuard(deps));
  return app;
}

/**
 * Serves each route with the handler of its id, behind the guard its `auth` asks for. A route
 * without a handler, or a handler without a route, is a wiring mistake: refused at startup.
 */
export function mountRoutes(
  app: Hono<CoreEnv>,
  routes: readonly RouteEntry[],
  handlers: Readonly<Record<string, RouteHandler>>,
  guard: ReturnType<typeof accessGuard>,
): void {
  const ids = new Set(routes.map((route) => route.id));
  const unhandled = routes.filter((route) => !handlers[route.id]).map((route) => route.id);
  const unrouted = Object.keys(handlers).filter((handlerId) => !ids.has(handlerId));
  if (unhandled.length || unrouted.length)
    throw new Error(
      `core API routes and handlers differ: no handler for [${unhandled.join(', ')}], no route for [${unrouted.join(', ')}]`,
    );
  for (const route of routes) {
    const handler = handlers[route.id]!;
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch';
    if (route.auth === false) app[method](route.path, handler);
    else app[method](route.path, guard(route.auth.scopes, route.auth.linkedAccount), handler);
  }
}
