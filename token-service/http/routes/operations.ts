import type { Hono } from 'hono';
import type { AppDeps, TokenServiceEnv } from '../context.ts';

/** Liveness, readiness (a signing key, the database) and Prometheus metrics. */
export function operationRoutes(app: Hono<TokenServiceEnv>, deps: AppDeps): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const checks: Record<string, string> = { signing_key: deps.keys.ready ? 'ok' : 'missing' };
    try {
      await deps.store.ping();
      checks.database = 'ok';
    } catch {
      checks.database = 'unavailable';
    }
    const ready = Object.values(checks).every((value) => value === 'ok');
    return c.json({ status: ready ? 'ready' : 'not_ready', checks }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    c.header('Content-Type', deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });
}
