import * as z from 'zod/mini';
import { AccountId, PartnerId, Timestamp } from './common.ts';
import type { Scope } from './scopes.ts';

export const DOMAIN_EVENT_TYPES = [
  'quote.accepted',
  'quote.declined',
  'onboarding.submitted',
  'account.updated',
] as const;
export const DomainEventType = z.enum(DOMAIN_EVENT_TYPES);
export type DomainEventType = z.infer<typeof DomainEventType>;

/**
 * The scope that reads the resource each event type carries. An event holds the whole resource,
 * so a widget token sees an event only when it could read that resource itself: the feed, its
 * route in the route table, the docs and the contract suite all read this table.
 */
export const EVENT_READ_SCOPES = {
  'quote.accepted': 'quote:read',
  'quote.declined': 'quote:read',
  'onboarding.submitted': 'onboarding:read',
  'account.updated': 'account:read',
} as const satisfies Record<DomainEventType, Scope>;

/** The scopes that read at least one event type: a token needs one of them for the feed. */
export const EVENT_FEED_SCOPES: readonly Scope[] = [...new Set(Object.values(EVENT_READ_SCOPES))];

/** The event types a token holding `scopes` may read, in catalogue order. */
export function readableEventTypes(scopes: Iterable<string>): DomainEventType[] {
  const held = new Set(scopes);
  return DOMAIN_EVENT_TYPES.filter((type) => held.has(EVENT_READ_SCOPES[type]));
}

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
