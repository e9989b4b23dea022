import type { Account, OnboardingApplication, Quote } from '../../contracts/index.ts';
import { openDb, type Db, type DbConfig } from '../../service-kit/db/db.ts';
import { migrateCore } from './migrations.ts';
import * as accounts from './sql/accounts.ts';
import * as events from './sql/events.ts';
import * as idempotency from './sql/idempotency.ts';
import * as onboarding from './sql/onboarding.ts';
import * as quotes from './sql/quotes.ts';
import type {
  CoreRepo,
  CoreStore,
  DomainEvent,
  DomainEventType,
  IdempotencyRecord,
  NewDomainEvent,
} from './types.ts';

/**
 * Every CoreRepo method over one `Db`: the pool (each statement on its own) or a transaction
 * (statements share it, and `forUpdate` locks hold until it ends). The SQL of each resource
 * lives beside its rows in `sql/`.
 */
export class SqlCoreRepo implements CoreRepo {
  readonly db: Db;
  readonly #inTransaction: boolean;

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
    return events.appendEvent(this.db, event, this.#inTransaction);
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
  constructor(db: Db) {
    super(db, false);
  }

  migrate(): Promise<void> {
    return migrateCore(this.db);
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.db.close();
  }

  transaction<T>(fn: (repo: CoreRepo) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(new SqlCoreRepo(tx, true)));
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
