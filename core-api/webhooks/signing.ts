import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks signing: `v1,` then the base64 HMAC-SHA256 of `id.timestamp.body`, keyed by
 * the bytes the secret's base64 (after `whsec_`) encodes. Several signatures go in one header,
 * space-separated; a receiver accepts the message when any of them verifies.
 */

const PREFIX = 'whsec_';

/** 24 random bytes (192 bits), within the 24–64 Standard Webhooks recommends. */
export function newWebhookSecret(): string {
  return PREFIX + randomBytes(24).toString('base64');
}

export function secretKey(secret: string): Buffer {
  if (!secret.startsWith(PREFIX)) throw new Error('a webhook secret starts with whsec_');
  return Buffer.from(secret.slice(PREFIX.length), 'base64');
}

export function signature(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret))
    .update(`${id}.${timestamp}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/** The three headers of one attempt; `secrets` in order, the current one first. */
export function webhookHeaders(
  secrets: readonly string[],
  id: string,
  timestamp: number,
  body: string,
): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((secret) => signature(secret, id, timestamp, body)).join(' '),
  };
}
