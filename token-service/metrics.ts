import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per service instance, so two instances in one test process do not collide. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    tokensMinted: new Counter({
      name: 'tessera_tokens_minted_total',
      help: 'Token requests by partner and outcome (the error code, or "ok").',
      labelNames: ['partner_id', 'outcome'] as const,
      registers: [registry],
    }),
    refusals: new Counter({
      name: 'tessera_refusals_total',
      help: 'Requests refused, by error code.',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'tessera_http_request_duration_seconds',
      help: 'HTTP request latency by route and status.',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
