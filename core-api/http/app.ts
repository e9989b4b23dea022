import { Hono } from 'hono';
import * as z from 'zod/mini';
import { coreApiRoutes, type CoreApiRoute, type CoreApiRouteId } from '../../contracts/index.ts';
import { instrument } from '../../service-kit/http/instrument.ts';
import { actor } from '../domain/actor.ts';
import { accessGuard, partnerGuard, sessionId } from './access.ts';
import type { CoreAppDeps, CoreContext, CoreEnv, RouteHandler, RouteKit } from './context.ts';
import { cors } from './cors.ts';
import { idempotentMutations } from './idempotency.ts';
import { accountRoutes } from './routes/accounts.ts';
import { eventRoutes } from './routes/events.ts';
import { onboardingRoutes } from './routes/onboarding.ts';
import { operationRoutes } from './routes/operations.ts';
import { quoteRoutes } from './routes/quotes.ts';
import { referenceRoutes } from './routes/reference.ts';
import { webhookEndpointRoutes } from './routes/webhook-endpoints.ts';

export type { CoreAppDeps } from './context.ts';

z.config(z.locales.en());

export function createCoreApp(deps: CoreAppDeps): Hono<CoreEnv> {
  const app = new Hono<CoreEnv>();
  const now = deps.now ?? (() => new Date());
  instrument(app, deps.log, deps.metrics);
  app.use('/v1/*', cors());

  const actorOf = (c: CoreContext) => {
    const partner = c.get('partnerToken') as CoreEnv['Variables']['partnerToken'] | undefined;
    const claims = partner ? undefined : c.get('token').claims;
    return actor({
      partnerId: partner?.partnerId ?? claims!.client_id,
      accountId: claims?.sub ?? '',
      requestId: c.get('serverRequestId'),
      callerRequestId: c.get('callerRequestId') ?? null,
      sessionId: sessionId(c.req.header('x-tessera-session')) ?? null,
      now: now(),
    });
  };
  const kit: RouteKit = { deps, actorOf, mutate: idempotentMutations(deps.store, actorOf) };
  const handlers: Record<CoreApiRouteId, RouteHandler> = {
    ...quoteRoutes(kit),
    ...onboardingRoutes(kit),
    ...accountRoutes(kit),
    ...referenceRoutes(),
    ...eventRoutes(kit),
    ...operationRoutes(kit),
    ...webhookEndpointRoutes(kit),
  };
  mountRoutes(app, coreApiRoutes(), handlers, {
    widget: accessGuard(deps),
    partner: partnerGuard(deps),
  });
  return app;
}

/**
 * Serves each route of the contracts' table (method, path, scopes) with the handler of its id,
 * behind the guard its `auth` asks for, with the `Cache-Control` its answer declares. A route
 * without a handler, or a handler without a route, is a wiring mistake: refused at startup.
 */
export function mountRoutes(
  app: Hono<CoreEnv>,
  routes: readonly CoreApiRoute[],
  handlers: Readonly<Record<string, RouteHandler>>,
  guards: {
    widget: ReturnType<typeof accessGuard>;
    partner: ReturnType<typeof partnerGuard>;
  },
): void {
  const ids = new Set(routes.map((route) => route.id));
  const unhandled = routes.filter((route) => !handlers[route.id]).map((route) => route.id);
  const unrouted = Object.keys(handlers).filter((handlerId) => !ids.has(handlerId));
  if (unhandled.length || unrouted.length)
    throw new Error(
      `core API routes and handlers differ: no handler for [${unhandled.join(', ')}], no route for [${unrouted.join(', ')}]`,
    );
  for (const route of routes) {
    const handle = handlers[route.id]!;
    const cacheControl = route.responses.find((response) => response.cacheControl)?.cacheControl;
    const handler: RouteHandler = cacheControl
      ? (c) => {
          c.header('Cache-Control', cacheControl);
          return handle(c);
        }
      : handle;
    if (route.auth === false) app.on(route.method, route.path, handler);
    else if (route.auth.kind === 'partner')
      app.on(route.method, route.path, guards.partner(route.auth.scopes), handler);
    else
      app.on(
        route.method,
        route.path,
        guards.widget(route.auth.scopes, route.auth.linkedAccount, route.auth.anyScope),
        handler,
      );
  }
}
