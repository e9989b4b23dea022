import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CoreStore } from '../store/types.ts';

export type DeliveryOutcome = 'delivered' | 'retrying' | 'exhausted' | 'gone';

/** The worker's figures on the core API's /metrics; lag and failing endpoints read at scrape. */
export function createWebhookMetrics(registry: Registry, store: CoreStore) {
  const deliveries = new Counter({
    name: 'tessera_webhook_attempts_total',
    help: 'Webhook delivery attempts by outcome: delivered, retrying (failed, another attempt is due), exhausted (failed, no attempt left), gone (410: endpoint disabled).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'tessera_webhook_attempt_duration_seconds',
    help: 'Webhook attempt latency, resolution to answer (or failure).',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
    registers: [registry],
  });
  new Gauge({
    name: 'tessera_webhook_lag_seconds',
    help: 'Per endpoint, the age of the oldest event not yet delivered to it.',
    labelNames: ['endpoint'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const { endpoint_id, seconds } of await store.webhookLag())
        this.set({ endpoint: endpoint_id }, seconds);
    },
  });
  new Gauge({
    name: 'tessera_webhook_failing_endpoints',
    help: 'Endpoints whose last delivery used every attempt and that have not succeeded since.',
    registers: [registry],
    async collect() {
      this.set(await store.countFailingWebhookEndpoints());
    },
  });
  return {
    record(outcome: DeliveryOutcome, latencyMs: number) {
      deliveries.inc({ outcome });
      latency.observe(latencyMs / 1000);
    },
  };
}
export type WebhookMetrics = ReturnType<typeof createWebhookMetrics>;
