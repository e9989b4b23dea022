import type {
  Account,
  DomainEvent,
  DomainEventType,
  OnboardingApplication,
  Quote,
  WebhookEndpointStatus,
  WebhookEventType,
} from '../../contracts/index.ts';

/**
 * The core API's storage. Resources are kept in their contracts/ v1 shapes (ISO timestamps as
 * strings), so what the store returns is what the API answers. Both implementations (embedded
 * PGlite, PostgreSQL) pass test/core-api/store.suite.ts.
 */

export type { DomainEvent, DomainEventType } from '../../contracts/index.ts';
export type NewDomainEvent = Omit<DomainEvent, 'cursor' | 'created_at'>;

/** A webhook endpoint as stored: its secrets sealed under the key-encryption key. */
export interface WebhookEndpointRow {
  id: string;
  partner_id: string;
  mode: 'test' | 'live';
  url: string;
  event_types: DomainEventType[];
  description: string;
  status: WebhookEndpointStatus;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: string | null;
  failing_since: string | null;
  /** Bumped by every change the partner or an operator makes; the delivery's own marks leave it. */
  version: number;
  created_at: string;
  updated_at: string;
}

/** An operator's view of an endpoint: the row and how far behind its deliveries are. */
export interface WebhookEndpointOverview {
  endpoint: WebhookEndpointRow;
  /** Age of the oldest undelivered event in seconds; null when nothing is waiting. */
  lag_seconds: number | null;
  pending: number;
}

/** A delivery a worker holds until `lease` is settled or its lease time passes. */
export interface ClaimedDelivery {
  id: number;
  lease: string;
  /** This attempt's number, 1 for the first. */
  attempt: number;
  event_id: string;
  event_type: WebhookEventType;
  event_created_at: string;
  /** The event's data; null when the event has left the outbox. */
  data: Record<string, unknown> | null;
  endpoint: WebhookEndpointRow;
}

/** How one attempt ended, and what follows: another attempt after `retryInMs`, or none. */
export interface WebhookAttemptOutcome {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  /** Null: no further attempt (delivered, or given up). */
  retryInMs: number | null;
  delivered: boolean;
  /** The receiver answered 410 Gone: stop sending to it. */
  disableEndpoint: boolean;
}

export interface WebhookAttemptRow {
  /** Ascending with time per endpoint: the deliveries list's cursor. */
  seq: number;
  event_id: string;
  event_type: WebhookEventType;
  attempt: number;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  next_attempt_at: string | null;
  attempted_at: string;
}

export interface IdempotencyRecord {
  partner_id: string;
  key: string;
  /** SHA-256 of method, path and body: the same key with another request is refused. */
  fingerprint: string;
  status: number;
  body: unknown;
  headers: Record<string, string>;
  created_at: string;
}

/** Reads and writes inside one transaction. `…ForUpdate` lock the row until it ends. */
export interface CoreRepo {
  isLinked(accountId: string, partnerId: string): Promise<boolean>;
  linkAccount(accountId: string, partnerId: string): Promise<void>;

  getAccount(id: string, opts?: { forUpdate?: boolean }): Promise<Account | null>;
  insertAccount(account: Account): Promise<void>;
  /** Replaces the row; the caller has bumped `version`. */
  updateAccount(account: Account): Promise<void>;

  /**
   * With `accountId`, only that account's: another account's row misses in SQL the way an unknown
   * id does, so the two `404`s do the same work.
   */
  getQuote(id: string, opts?: { forUpdate?: boolean; accountId?: string }): Promise<Quote | null>;
  insertQuote(quote: Quote): Promise<void>;
  updateQuote(quote: Quote): Promise<void>;

  /** With `accountId`, only that account's, as `getQuote`. */
  getOnboarding(
    id: string,
    opts?: { forUpdate?: boolean; accountId?: string },
  ): Promise<OnboardingApplication | null>;
  /** The account's application that is still in progress, if any (start resumes it). */
  findOpenOnboarding(accountId: string): Promise<OnboardingApplication | null>;
  /** The account's latest submitted application, if any: the one that onboarded it. */
  findSubmittedOnboarding(accountId: string): Promise<OnboardingApplication | null>;
  insertOnboarding(application: OnboardingApplication): Promise<void>;
  updateOnboarding(application: OnboardingApplication): Promise<void>;

  appendEvent(event: NewDomainEvent): Promise<DomainEvent>;
  /**
   * The partner's events after `cursor`, oldest first; only one account's when `accountId` is
   * given, and only of `types` when those are given.
   */
  listEvents(
    partnerId: string,
    after: number,
    limit: number,
    accountId?: string,
    types?: readonly DomainEventType[],
  ): Promise<DomainEvent[]>;

  /** One of the partner's events by id (a replay's starting point). */
  getEvent(partnerId: string, eventId: string): Promise<DomainEvent | null>;

  insertWebhookEndpoint(endpoint: WebhookEndpointRow): Promise<void>;
  /** Only the partner's own: another partner's id reads as absent. */
  getWebhookEndpoint(
    partnerId: string,
    id: string,
    opts?: { forUpdate?: boolean },
  ): Promise<WebhookEndpointRow | null>;
  /** Oldest first. */
  listWebhookEndpoints(partnerId: string): Promise<WebhookEndpointRow[]>;
  /**
   * For the deployment's operators, not for partners: any partner's endpoint by id, and every
   * endpoint with its lag, oldest first.
   */
  findWebhookEndpoint(id: string): Promise<WebhookEndpointRow | null>;
  webhookEndpointOverview(): Promise<WebhookEndpointOverview[]>;
  /** Replaces the row's settable fields (url, types, description, status, secrets, version). */
  updateWebhookEndpoint(endpoint: WebhookEndpointRow): Promise<void>;
  /** With its deliveries and attempts. False when there was none. */
  deleteWebhookEndpoint(partnerId: string, id: string): Promise<boolean>;
  /** Queues an event that is not in the outbox (`webhook.test`) for one endpoint, due now. */
  enqueueWebhookEvent(
    endpointId: string,
    event: {
      id: string;
      type: WebhookEventType;
      data: Record<string, unknown>;
      created_at: string;
    },
  ): Promise<void>;
  /**
   * Queues again, due now, every event of the endpoint's partner and types after `cursor`
   * (delivered, failed or pending alike; attempts start over). Returns how many.
   */
  replayWebhookEvents(endpointId: string, cursor: number): Promise<number>;
  /** The endpoint's attempts, newest first; with `before`, only those older than that `seq`. */
  listWebhookAttempts(
    endpointId: string,
    limit: number,
    before?: number,
  ): Promise<WebhookAttemptRow[]>;

  /**
   * Takes up to `limit` due deliveries of enabled endpoints, rows locked with SKIP LOCKED so
   * concurrent workers never take the same one, and leases each for `leaseMs`.
   */
  claimWebhookDeliveries(limit: number, leaseMs: number): Promise<ClaimedDelivery[]>;
  /**
   * Records the attempt and settles the delivery, if `lease` still holds it (a replay may have
   * started it over meanwhile). Returns the next attempt's time, if any.
   */
  settleWebhookDelivery(
    delivery: Pick<ClaimedDelivery, 'id' | 'lease' | 'attempt' | 'event_id' | 'event_type'> & {
      endpoint_id: string;
    },
    outcome: WebhookAttemptOutcome,
  ): Promise<string | null>;
  /** Milliseconds until the earliest pending delivery of an enabled endpoint is due; null: none. */
  nextWebhookDueInMs(): Promise<number | null>;
  /** Per endpoint with undelivered events: the age of the oldest, in seconds. */
  webhookLag(): Promise<{ endpoint_id: string; seconds: number }[]>;
  /** Endpoints whose last delivery used up its attempts and that have not succeeded since. */
  countFailingWebhookEndpoints(): Promise<number>;

  getIdempotency(partnerId: string, key: string): Promise<IdempotencyRecord | null>;
  /** Inserts; false when the (partner, key) pair exists already (a concurrent twin won). */
  putIdempotency(record: IdempotencyRecord): Promise<boolean>;
  /** Removes records created before `before` (kept at least 24 h). Returns how many. */
  pruneIdempotency(before: string): Promise<number>;
}

export interface CoreStore extends CoreRepo {
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Commits when `fn` resolves, rolls back when it throws. */
  transaction<T>(fn: (repo: CoreRepo) => Promise<T>): Promise<T>;
  /**
   * Called when webhook deliveries may have become due: at once for changes this process
   * committed, through LISTEN/NOTIFY for other processes' on PostgreSQL. Returns unsubscribe.
   */
  onWebhookWork(listener: () => void): () => void;
}
