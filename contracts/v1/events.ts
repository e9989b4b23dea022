import * as z from 'zod/mini';
import { AccountId, PartnerId, Timestamp } from './common.ts';

export const DOMAIN_EVENT_TYPES = [
  'quote.accepted',
  'quote.declined',
  'onboarding.submitted',
  'account.updated',
] as const;
export const DomainEventType = z.enum(DOMAIN_EVENT_TYPES);
export type DomainEventType = z.infer<typeof DomainEventType>;

/** A state change as the partner learns of it: written beside the change in one transaction (the outbox). */
export const DomainEvent = z.object({
  /** Position in the feed; pass it as `after` to read what follows. */
  cursor: z.int().check(z.minimum(1)),
  /** Unique id of the event: deduplicate on it. */
  id: z.string(),
  partner_id: PartnerId,
  account_id: AccountId,
  type: DomainEventType,
  /** The resource after the change, in its v1 shape: a Quote, an OnboardingApplication or an Account. */
  data: z.record(z.string(), z.unknown()),
  /** The API request that made the change: an id the server generated, unique to that request. */
  request_id: z.string(),
  /** The `X-Request-Id` the caller sent with that request, if any: its own, unchecked, for correlation. */
  caller_request_id: z.optional(z.nullable(z.string())),
  /**
   * The widget session (`X-Tessera-Session`) of that request, if it sent one. A session id belongs
   * to the customer it first appeared with in this partner's feed: on another customer's event
   * it is left out (null).
   */
  session_id: z.nullable(z.string()),
  created_at: Timestamp,
});
export type DomainEvent = z.infer<typeof DomainEvent>;

/** A page of the feed, oldest first; poll again with `after=next_cursor`. */
export const EventPage = z.object({
  data: z.array(DomainEvent),
  /** The cursor of the last event on the page, or `after` when the page is empty. */
  next_cursor: z.int().check(z.minimum(0)),
  has_more: z.boolean(),
});
export type EventPage = z.infer<typeof EventPage>;
