import { randomUUID } from 'node:crypto';
import type { Account, OnboardingApplication, Quote } from '../../contracts/index.ts';
import { openDb, type Db, type DbConfig } from '../../service-kit/db/db.ts';
import { migrateCore } from './migrations.ts';
import * as accounts from './sql/accounts.ts';
import * as events from './sql/events.ts';
import * as idempotency from './sql/idempotency.ts';
import * as onboarding from './sql/onboarding.ts';
import * as quotes from './sql/quotes.ts';
import * as webhooks from './sql/webhooks.ts';
import type {
  ClaimedDelivery,
  CoreRepo,
  CoreStore,
  DomainEvent,
  DomainEventType,
  IdempotencyRecord,
  NewDomainEvent,
  WebhookAttemptOutcome,
  WebhookAttemptRow,
  WebhookEndpointOverview,
  WebhookEndpointRow,
} from './types.ts';

/**
 * Every CoreRepo method over one `Db`: the pool (each statement on its own) or a transaction
 * (statements share it, and `forUpdate` locks hold until it ends). The SQL of each resource
 * lives beside its rows in `sql/`.
 */
export class SqlCoreRepo implements CoreRepo {
  readonly db: Db;
  readonly #inTransaction: boolean;
  /** Whether this repo queued webhook deliveries: the store tells its workers once they commit. */
  queuedWebhooks = false;

  constructor(db: Db, inTransaction = false) {
    this.db = db;
    this.#inTransaction = inTransaction;
  }

  isLinked(accountId: string, partnerId: string): Promise<boolean> {
    return accounts.isLinked(this.db, accountId, partnerId);
  }
  linkAccount(accountId: string, partnerId: string): Promise<void> {
    return accounts.linkAccount(this.db, accountId, partnerId);
  }

  getAccount(id: string, opts?: { forUpdate?: boolean }): Promise<Account | null> {
    return accounts.getAccount(this.db, id, opts);
  }
  insertAccount(account: Account): Promise<void> {
    return accounts.insertAccount(this.db, account);
  }
  updateAccount(account: Account): Promise<void> {
    return accounts.updateAccount(this.db, account);
  }

  getQuote(id: string, opts?: { forUpdate?: boolean; accountId?: string }): Promise<Quote | null> {
    return quotes.getQuote(this.db, id, opts);
  }
  insertQuote(quote: Quote): Promise<void> {
    return quotes.insertQuote(this.db, quote);
  }
  updateQuote(quote: Quote): Promise<void> {
    return quotes.updateQuote(this.db, quote);
  }

  getOnboarding(
    id: string,
    opts?: { forUpdate?: boolean; accountId?: string },
  ): Promise<OnboardingApplication | null> {
    return onboarding.getOnboarding(this.db, id, opts);
  }
  findOpenOnboarding(accountId: string): Promise<OnboardingApplication | null> {
    return onboarding.findOpenOnboarding(this.db, accountId);
  }
  findSubmittedOnboarding(accountId: string): Promise<OnboardingApplication | null> {
    return onboarding.findSubmittedOnboarding(this.db, accountId);
  }
  insertOnboarding(application: OnboardingApplication): Promise<void> {
    return onboarding.insertOnboarding(this.db, application);
  }
  updateOnboarding(application: OnboardingApplication): Promise<void> {
    return onboarding.updateOnboarding(this.db, application);
  }

  appendEvent(event: NewDomainEvent): Promise<DomainEvent> {
    this.queuedWebhooks = true;
    return events.appendEvent(this.db, event, this.#inTransaction);
  }
  getEvent(partnerId: string, eventId: string): Promise<DomainEvent | null> {
    return events.getEvent(this.db, partnerId, eventId);
  }
  listEvents(
    partnerId: string,
    after: number,
    limit: number,
    accountId?: string,
    types?: readonly DomainEventType[],
  ): Promise<DomainEvent[]> {
    return events.listEvents(this.db, partnerId, after, limit, accountId, types);
  }

  insertWebhookEndpoint(endpoint: WebhookEndpointRow): Promise<void> {
    return webhooks.insertEndpoint(this.db, endpoint);
  }
  getWebhookEndpoint(
    partnerId: string,
    id: string,
    opts?: { forUpdate?: boolean },
  ): Promise<WebhookEndpointRow | null> {
    return webhooks.getEndpoint(this.db, partnerId, id, opts);
  }
  listWebhookEndpoints(partnerId: string): Promise<WebhookEndpointRow[]> {
    return webhooks.listEndpoints(this.db, partnerId);
  }
  findWebhookEndpoint(id: string): Promise<WebhookEndpointRow | null> {
    return webhooks.findEndpoint(this.db, id);
  }
  webhookEndpointOverview(): Promise<WebhookEndpointOverview[]> {
    return webhooks.endpointOverview(this.db);
  }
  updateWebhookEndpoint(endpoint: WebhookEndpointRow): Promise<void> {
    if (endpoint.status === 'enabled') this.queuedWebhooks = true;
    return webhooks.updateEndpoint(this.db, endpoint);
  }
  deleteWebhookEndpoint(partnerId: string, id: string): Promise<boolean> {
    return webhooks.deleteEndpoint(this.db, partnerId, id);
  }
  enqueueWebhookEvent(
    endpointId: string,
    event: Parameters<CoreRepo['enqueueWebhookEvent']>[1],
  ): Promise<void> {
    this.queuedWebhooks = true;
    return webhooks.enqueueEvent(this.db, endpointId, event);
  }
  replayWebhookEvents(endpointId: string, cursor: number): Promise<number> {
    this.queuedWebhooks = true;
    return webhooks.replayEvents(this.db, endpointId, cursor);
  }
  listWebhookAttempts(
    endpointId: string,
    limit: number,
    before?: number,
  ): Promise<WebhookAttemptRow[]> {
    return webhooks.listAttempts(this.db, endpointId, limit, before);
  }
  claimWebhookDeliveries(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    return webhooks.claimDeliveries(this.db, limit, leaseMs, randomUUID());
  }
  settleWebhookDelivery(
    delivery: Parameters<CoreRepo['settleWebhookDelivery']>[0],
    outcome: WebhookAttemptOutcome,
  ): Promise<string | null> {
    return webhooks.settleDelivery(this.db, delivery, outcome);
  }
  nextWebhookDueInMs(): Promise<number | null> {
    return webhooks.nextDueInMs(this.db);
  }
  webhookLag(): Promise<{ endpoint_id: string; seconds: number }[]> {
    return webhooks.lag(this.db);
  }
  countFailingWebhookEndpoints(): Promise<number> {
    return webhooks.countFailing(this.db);
  }

  getIdempotency(partnerId: string, key: string): Promise<IdempotencyRecord | null> {
    return idempotency.getIdempotency(this.db, partnerId, key);
  }
  putIdempotency(record: IdempotencyRecord): Promise<boolean> {
    return idempotency.putIdempotency(this.db, record);
  }
  pruneIdempotency(before: string): Promise<number> {
    return idempotency.pruneIdempotency(this.db, before);
  }
}

export class SqlCoreStore extends SqlCoreRepo implements CoreStore {
  readonly #webhookListeners = new Set<() => void>();
  #unlisten: (() => Promise<void>) | null = null;

  constructor(db: Db) {
    super(db, false);
  }

  onWebhookWork(listener: () => void): () => void {
    this.#webhookListeners.add(listener);
    // PostgreSQL: other instances' commits arrive by NOTIFY; a lost feed also wakes the
    // workers, which then look at the table themselves.
    this.#unlisten ??= this.db.listen?.(webhooks.WEBHOOK_CHANNEL, () => this.#wake()) ?? null;
    return () => this.#webhookListeners.delete(listener);
  }

  #wake(): void {
    for (const listener of this.#webhookListeners) listener();
  }

  // Statements outside a transaction commit as they run: tell the workers after each.
  #afterCommit<T>(result: Promise<T>): Promise<T> {
    return result.then((value) => {
      this.#wake();
      return value;
    });
  }
  override appendEvent(event: NewDomainEvent): Promise<DomainEvent> {
    return this.#afterCommit(super.appendEvent(event));
  }
  override updateWebhookEndpoint(endpoint: WebhookEndpointRow): Promise<void> {
    return this.#afterCommit(super.updateWebhookEndpoint(endpoint));
  }
  override enqueueWebhookEvent(
    endpointId: string,
    event: Parameters<CoreRepo['enqueueWebhookEvent']>[1],
  ): Promise<void> {
    return this.#afterCommit(super.enqueueWebhookEvent(endpointId, event));
  }
  override replayWebhookEvents(endpointId: string, cursor: number): Promise<number> {
    return this.#afterCommit(super.replayWebhookEvents(endpointId, cursor));
  }

  migrate(): Promise<void> {
    return migrateCore(this.db);
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  async close(): Promise<void> {
    this.#webhookListeners.clear();
    await this.#unlisten?.();
    this.#unlisten = null;
    await this.db.close();
  }

  async transaction<T>(fn: (repo: CoreRepo) => Promise<T>): Promise<T> {
    let repo: SqlCoreRepo | null = null;
    const result = await this.db.transaction((tx) => fn((repo = new SqlCoreRepo(tx, true))));
    if ((repo as SqlCoreRepo | null)?.queuedWebhooks) this.#wake();
    return result;
  }
}

/**
 * Opens the database (PostgreSQL when `databaseUrl` is set, else PGlite in `dataDir`, in memory
 * when that is null), migrates it, and wraps it. The embedded database belongs to one process:
 * give the core API a directory of its own, not the token service's.
 */
export async function openCoreStore(config: DbConfig): Promise<CoreStore> {
  const db = await openDb(config);
  const store = new SqlCoreStore(db);
  try {
    await store.migrate();
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return store;
}
