import type { RouteHandler, RouteKit } from '../context.ts';

/** Liveness, readiness (the database and the token service's keys) and Prometheus metrics. */
export function operationRoutes({ deps }: RouteKit) {
  return {
    health: (c) => c.json({ status: 'ok' }),
    ready: async (c) => {
      const checks: Record<string, string> = {};
      try {
        await deps.store.ping();
        checks.database = 'ok';
      } catch {
        checks.database = 'unavailable';
      }
      checks.token_service_keys = (await deps.verifier.warmUp()) ? 'ok' : 'unavailable';
      const ready = Object.values(checks).every((value) => value === 'ok');
      return c.json({ status: ready ? 'ready' : 'not_ready', checks }, ready ? 200 : 503);
    },
    metrics: async (c) => {
      c.header('Content-Type', deps.metrics.registry.contentType);
      return c.body(await deps.metrics.registry.metrics());
    },
  } satisfies Record<string, RouteHandler>;
}
