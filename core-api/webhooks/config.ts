import { envInt } from '../../service-kit/env.ts';
import { DEFAULT_JITTER, DEFAULT_RETRY_SCHEDULE_MS, parseRetrySchedule } from './schedule.ts';
import { DEFAULT_WEBHOOK_TIMEOUT_MS } from './worker.ts';

export interface WebhookConfig {
  /** Whether this instance runs a delivery worker (`TESSERA_WEBHOOKS=off` to leave it to others). */
  enabled: boolean;
  schedule: readonly number[];
  jitter: number;
  timeoutMs: number;
  concurrency: number;
}

export function webhookConfig(env: Record<string, string | undefined>): WebhookConfig {
  const switchValue = (env.TESSERA_WEBHOOKS ?? 'on').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(switchValue))
    throw new Error(`TESSERA_WEBHOOKS must be on or off, got "${env.TESSERA_WEBHOOKS}".`);
  const jitterPercent = envInt(
    env.TESSERA_WEBHOOK_JITTER_PERCENT,
    DEFAULT_JITTER * 100,
    'TESSERA_WEBHOOK_JITTER_PERCENT',
  );
  if (jitterPercent > 100) throw new Error('TESSERA_WEBHOOK_JITTER_PERCENT must be at most 100.');
  return {
    enabled: ['on', 'true', '1'].includes(switchValue),
    schedule: env.TESSERA_WEBHOOK_RETRY_SCHEDULE
      ? parseRetrySchedule(env.TESSERA_WEBHOOK_RETRY_SCHEDULE, 'TESSERA_WEBHOOK_RETRY_SCHEDULE')
      : DEFAULT_RETRY_SCHEDULE_MS,
    jitter: jitterPercent / 100,
    timeoutMs:
      envInt(
        env.TESSERA_WEBHOOK_TIMEOUT_MS,
        DEFAULT_WEBHOOK_TIMEOUT_MS,
        'TESSERA_WEBHOOK_TIMEOUT_MS',
      ) || DEFAULT_WEBHOOK_TIMEOUT_MS,
    concurrency: envInt(env.TESSERA_WEBHOOK_CONCURRENCY, 16, 'TESSERA_WEBHOOK_CONCURRENCY') || 16,
  };
}
