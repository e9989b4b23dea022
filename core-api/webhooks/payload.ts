import type { WebhookPayload } from '../../contracts/index.ts';
import type { ClaimedDelivery } from '../store/types.ts';

/**
 * The body every attempt of one delivery sends, byte for byte: `timestamp` is when the event
 * happened, not when it is sent (the `webhook-timestamp` header is that). Null when the event's
 * data is gone.
 */
export function payloadBody(
  delivery: Pick<ClaimedDelivery, 'event_type' | 'event_created_at' | 'data'>,
): string | null {
  if (!delivery.data) return null;
  const payload: WebhookPayload = {
    type: delivery.event_type,
    timestamp: delivery.event_created_at,
    data: delivery.data,
  };
  return JSON.stringify(payload);
}
