import * as z from 'zod/mini';
import { PartnerId, Timestamp } from './common.ts';
import { DOMAIN_EVENT_TYPES } from './events.ts';

/**
 * Webhooks as Standard Webhooks (https://www.standardwebhooks.com) defines them: headers
 * `webhook-id` (the event id), `webhook-timestamp` (Unix seconds), `webhook-signature`
 * (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, several space-separated while a secret
 * rotates), and a JSON body `{ type, timestamp, data }`.
 */

/** `webhook.test` is sent on request only; endpoints subscribe to the domain events. */
export const WEBHOOK_EVENT_TYPES = [...DOMAIN_EVENT_TYPES, 'webhook.test'] as const;
export const WebhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventType>;
export const SubscribableEventType = z.enum(DOMAIN_EVENT_TYPES);

export const WebhookEndpointId = z
  .string()
  .check(z.regex(/^we_[A-Za-z0-9]{8,40}$/, 'must look like we_…'));

/** `whsec_` then the base64 of the key bytes: the form `standardwebhooks` takes as is. */
export const WebhookSecret = z
  .string()
  .check(z.regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must look like whsec_…'));

/** The receiver's URL; whether its scheme and address are allowed depends on the partner's mode. */
export const WebhookUrl = z.string().check(
  z.maxLength(2048),
  z.refine((value) => {
    try {
      const url = new URL(value);
      return (
        (url.protocol === 'https:' || url.protocol === 'http:') &&
        !url.username &&
        !url.password &&
        !url.hash
      );
    } catch {
      return false;
    }
  }, 'must be an absolute http(s) URL without credentials or fragment'),
);

const EventTypes = z.array(SubscribableEventType).check(
  z.minLength(1),
  z.maxLength(DOMAIN_EVENT_TYPES.length),
  z.refine((types) => new Set(types).size === types.length, 'must not repeat a type'),
);
const Description = z.string().check(z.maxLength(500));

/**
 * `enabled` and `paused` are the partner's to set; `disabled` is the delivery's answer to a
 * `410 Gone` (set `enabled` again to resume). Paused and disabled endpoints keep their queue.
 */
export const WebhookEndpointStatus = z.enum(['enabled', 'paused', 'disabled']);
export type WebhookEndpointStatus = z.infer<typeof WebhookEndpointStatus>;

export const WebhookEndpoint = z.object({
  id: WebhookEndpointId,
  partner_id: PartnerId,
  url: WebhookUrl,
  event_types: z.array(SubscribableEventType),
  description: z.string(),
  status: WebhookEndpointStatus,
  /** Set when a delivery used its last attempt; cleared by the next success. */
  failing_since: z.nullable(Timestamp),
  /** Until then the previous secret signs too (after a rotation). */
  previous_secret_expires_at: z.nullable(Timestamp),
  /** Bumped by every change; answered as `ETag`, sent back as `If-Match`. */
  version: z.int().check(z.minimum(1)),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

/** Answered once, at creation and at rotation: the only time the secret is shown. */
export const WebhookEndpointWithSecret = z.extend(WebhookEndpoint, { secret: WebhookSecret });
export type WebhookEndpointWithSecret = z.infer<typeof WebhookEndpointWithSecret>;

export const WebhookEndpointCreate = z.strictObject({
  url: WebhookUrl,
  event_types: EventTypes,
  description: z._default(Description, ''),
});
export type WebhookEndpointCreate = z.input<typeof WebhookEndpointCreate>;

export const WebhookEndpointUpdate = z.strictObject({
  url: z.optional(WebhookUrl),
  event_types: z.optional(EventTypes),
  status: z.optional(z.enum(['enabled', 'paused'])),
  description: z.optional(Description),
});
export type WebhookEndpointUpdate = z.infer<typeof WebhookEndpointUpdate>;

/** `after`: an event id; every subscribed event after it is sent again. */
export const WebhookReplay = z.strictObject({
  after: z.string().check(z.minLength(1), z.maxLength(100)),
});
export type WebhookReplay = z.infer<typeof WebhookReplay>;

/** One attempt to deliver one event to one endpoint. */
export const WebhookDelivery = z.object({
  /** The attempt's place in the endpoint's history: later attempts have larger cursors. */
  cursor: z.int().check(z.minimum(1)),
  event_id: z.string(),
  event_type: WebhookEventType,
  /** 1 for the first attempt. */
  attempt: z.int().check(z.minimum(1)),
  /** The receiver's status; null when no answer came (refused address, timeout, network). */
  status_code: z.nullable(z.int()),
  latency_ms: z.int().check(z.minimum(0)),
  error: z.nullable(z.string()),
  /** When the next attempt is due; null when this one succeeded or was the last. */
  next_attempt_at: z.nullable(Timestamp),
  attempted_at: Timestamp,
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

/** Newest first: pass `next_cursor` as `after` for the page of older attempts. */
export const WebhookDeliveryPage = z.object({
  data: z.array(WebhookDelivery),
  /** The cursor of the last (oldest) attempt on the page; null when the page is empty. */
  next_cursor: z.nullable(z.int().check(z.minimum(1))),
  has_more: z.boolean(),
});
export type WebhookDeliveryPage = z.infer<typeof WebhookDeliveryPage>;

/** `GET …/{id}/deliveries`' query: strings as they arrive, checked before they become numbers. */
export const WebhookDeliveriesQuery = z.strictObject({
  after: z.optional(
    z.string().check(z.regex(/^[1-9]\d{0,14}$/, 'must be a next_cursor from this list')),
  ),
  limit: z.optional(z.string().check(z.regex(/^(?:[1-9]\d?|100)$/, 'must be 1–100'))),
});
export type WebhookDeliveriesQuery = z.infer<typeof WebhookDeliveriesQuery>;

/** `POST …/{id}/test`'s answer: the `webhook-id` the test delivery carries. */
export const WebhookTestSent = z.object({ event_id: z.string() });
export type WebhookTestSent = z.infer<typeof WebhookTestSent>;

/** `POST …/{id}/replay`'s answer: how many events were queued again. */
export const WebhookReplayQueued = z.object({ queued: z.int().check(z.minimum(0)) });
export type WebhookReplayQueued = z.infer<typeof WebhookReplayQueued>;

/** The body of every delivery. `data` is the resource after the change, as the API answers it. */
export const WebhookPayload = z.object({
  type: WebhookEventType,
  timestamp: Timestamp,
  data: z.record(z.string(), z.unknown()),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;
