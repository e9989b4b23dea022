import { Counter } from 'prom-client';
import { createHttpMetrics } from '../service-kit/http/instrument.ts';

/** The shared request metrics, plus the token service's own. */
export function createMetrics() {
  const base = createHttpMetrics();
  return {
    ...base,
    tokensMinted: new Counter({
      name: 'tessera_tokens_minted_total',
      help: 'Token requests by partner and outcome (the error code, or "ok").',
      labelNames: ['partner_id', 'outcome'] as const,
      registers: [base.registry],
    }),
    partnerTokensIssued: new Counter({
      name: 'tessera_partner_tokens_issued_total',
      help: 'Partner token requests (POST /oauth/token) by partner and outcome (the OAuth error, or "ok").',
      labelNames: ['partner_id', 'outcome'] as const,
      registers: [base.registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
