import type {
  Account,
  DomainEvent,
  DomainEventType,
  OnboardingApplication,
  Quote,
} from '../../contracts/index.ts';

/**
 * The core API's storage. Resources are kept in their contracts/ v1 shapes (ISO timestamps as
 * strings), so what the store returns is what the API answers. Both implementations (embedded
 * PGlite, PostgreSQL) pass test/core-api/store.suite.ts.
 */

export type { DomainEvent, DomainEventType } from '../../contracts/index.ts';
export type NewDomainEvent = Omit<DomainEvent, 'cursor' | 'created_at'>;

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
}
