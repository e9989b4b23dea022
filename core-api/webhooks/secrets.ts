import type { Kek } from '../../service-kit/kek.ts';
import type { WebhookEndpointRow } from '../store/types.ts';
import { webhookHeaders } from './signing.ts';

/**
 * Webhook secrets are stored sealed under the key-encryption key (AES-256-GCM), the way the
 * token service keeps its private keys: the worker needs the secret itself to sign, so a hash
 * would not do, and a copy of the database alone must not let anyone forge our webhooks. The
 * additional data binds each sealed secret to its endpoint and slot.
 */
const aad = (endpointId: string, slot: 'current' | 'previous') =>
  `webhook-secret:${endpointId}:${slot}`;

export function sealSecret(
  kek: Kek,
  endpointId: string,
  slot: 'current' | 'previous',
  secret: string,
): string {
  return kek.encrypt(secret, aad(endpointId, slot));
}

/** The secrets that sign now: the current one, and the previous one while its overlap lasts. */
export function signingSecrets(kek: Kek, endpoint: WebhookEndpointRow, now: Date) {
  const secrets = [kek.decrypt(endpoint.secret_sealed, aad(endpoint.id, 'current'))];
  if (
    endpoint.previous_secret_sealed &&
    endpoint.previous_secret_expires_at &&
    Date.parse(endpoint.previous_secret_expires_at) > now.getTime()
  )
    secrets.push(kek.decrypt(endpoint.previous_secret_sealed, aad(endpoint.id, 'previous')));
  return {
    secrets,
    headers: (id: string, timestamp: number, body: string) =>
      webhookHeaders(secrets, id, timestamp, body),
  };
}

/** Reseals the current secret as the previous one (a rotation). */
export function currentAsPrevious(kek: Kek, endpoint: WebhookEndpointRow): string {
  const current = kek.decrypt(endpoint.secret_sealed, aad(endpoint.id, 'current'));
  return sealSecret(kek, endpoint.id, 'previous', current);
}
