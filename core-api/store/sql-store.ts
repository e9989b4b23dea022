import type {
  Account,
  OnboardingApplication,
  OnboardingDraft,
  Quote,
} from '../../contracts/index.ts';
import {
  Address,
  BillingStep,
  CompanyStep,
  ContactStep,
  LineItem,
  ONBOARDING_STEPS,
  ReviewStep,
  TesseraError,
} from '../../contracts/index.ts';
import { openDb, type Db, type DbConfig } from '../../token-service/store/db.ts';
import { migrateCore } from './migrations.ts';
import type {
  CoreRepo,
  CoreStore,
  DomainEvent,
  DomainEventType,
  IdempotencyRecord,
  NewDomainEvent,
} from './types.ts';

const ACCOUNT_COLUMNS =
  'id, legal_name, billing_email, phone, billing_address, tax_id, currency, version, created_at, updated_at';
const QUOTE_COLUMNS =
  'id, number, account_id, status, currency, line_items, subtotal, tax, total, valid_until, accepted_at, accepted_by, declined_at, decline_reason, version';
const ONBOARDING_COLUMNS =
  'id, account_id, status, current_step, steps, "values", submitted_at, version, updated_at';
const EVENT_COLUMNS =
  'cursor, id, partner_id, account_id, type, data, request_id, session_id, created_at';
const IDEMPOTENCY_COLUMNS = 'partner_id, key, fingerprint, status, body, headers, created_at';

/**
 * First key of the two-key advisory lock that orders event appends per partner (the second is a
 * hash of the partner id). The two-key space never overlaps the one-key space of migrations.
 */
const EVENT_LOCK_CLASS = 0x7e55;

// --- rows as the drivers return them: timestamptz as Date, jsonb parsed, int8 as number ---

interface AccountRow {
  id: string;
  legal_name: string;
  billing_email: string;
  phone: string | null;
  billing_address: Account['billing_address'];
  tax_id: string | null;
  currency: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

interface QuoteRow {
  id: string;
  number: string;
  account_id: string;
  status: Quote['status'];
  currency: string;
  line_items: Quote['line_items'];
  subtotal: number;
  tax: number;
  total: number;
  valid_until: Date;
  accepted_at: Date | null;
  accepted_by: NonNullable<Quote['accepted_by']> | null;
  declined_at: Date | null;
  decline_reason: string | null;
  version: number;
}

interface OnboardingRow {
  id: string;
  account_id: string;
  status: OnboardingApplication['status'];
  current_step: OnboardingApplication['current_step'];
  steps: OnboardingApplication['steps'];
  values: OnboardingApplication['values'];
  submitted_at: Date | null;
  version: number;
  updated_at: Date;
}

interface EventRow {
  cursor: number;
  id: string;
  partner_id: string;
  account_id: string;
  type: DomainEventType;
  data: Record<string, unknown>;
  request_id: string;
  session_id: string | null;
  created_at: Date;
}

interface IdempotencyRow {
  partner_id: string;
  key: string;
  fingerprint: string;
  status: number;
  body: unknown;
  headers: Record<string, string>;
  created_at: Date;
}

// The mappers copy field by field, turn Dates into ISO strings and leave empty optional fields
// out (the contracts have them optional, not nullable), so a row is the API's answer as is.

/**
 * jsonb keeps keys sorted by length, not as written: `{"city", "line1", "country", …}`. Put them
 * back in the contract's order (unknown keys last) so responses read like the documentation.
 */
function ordered<T extends object>(value: T, keys: readonly string[]): T {
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of keys) if (key in source) out[key] = source[key];
  for (const key of Object.keys(source)) if (!(key in out)) out[key] = source[key];
  return out as T;
}

const ADDRESS_KEYS = Object.keys(Address.shape);
const LINE_ITEM_KEYS = Object.keys(LineItem.shape);
const STEP_KEYS: Record<string, readonly string[]> = {
  company: Object.keys(CompanyStep.shape),
  contact: Object.keys(ContactStep.shape),
  billing: Object.keys(BillingStep.shape),
  review: Object.keys(ReviewStep.shape),
};

function orderedDraft(values: OnboardingDraft): OnboardingDraft {
  const out: Record<string, unknown> = {};
  for (const [step, draft] of Object.entries(ordered(values, ONBOARDING_STEPS))) {
    const keys = STEP_KEYS[step];
    if (!keys || typeof draft !== 'object' || draft === null) {
      out[step] = draft;
      continue;
    }
    const fields = ordered(draft as Record<string, unknown>, keys);
    const address = fields.address;
    if (typeof address === 'object' && address !== null) {
      fields.address = ordered(address, ADDRESS_KEYS);
    }
    out[step] = fields;
  }
  return out;
}

function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

function toAccount(r: AccountRow): Account {
  return {
    id: r.id,
    legal_name: r.legal_name,
    billing_email: r.billing_email,
    ...(r.phone === null ? {} : { phone: r.phone }),
    billing_address: ordered(r.billing_address, ADDRESS_KEYS),
    ...(r.tax_id === null ? {} : { tax_id: r.tax_id }),
    currency: r.currency,
    version: r.version,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

function toQuote(r: QuoteRow): Quote {
  return {
    id: r.id,
    number: r.number,
    account_id: r.account_id,
    status: r.status,
    currency: r.currency,
    line_items: r.line_items.map((item) => ordered(item, LINE_ITEM_KEYS)),
    subtotal: r.subtotal,
    tax: r.tax,
    total: r.total,
    valid_until: iso(r.valid_until),
    ...(r.accepted_at === null ? {} : { accepted_at: iso(r.accepted_at) }),
    ...(r.accepted_by === null ? {} : { accepted_by: ordered(r.accepted_by, ['name', 'email']) }),
    ...(r.declined_at === null ? {} : { declined_at: iso(r.declined_at) }),
    ...(r.decline_reason === null ? {} : { decline_reason: r.decline_reason }),
    version: r.version,
  };
}

function toOnboarding(r: OnboardingRow): OnboardingApplication {
  return {
    id: r.id,
    account_id: r.account_id,
    status: r.status,
    current_step: r.current_step,
    steps: r.steps.map((step) => ordered(step, ['id', 'complete'])),
    values: orderedDraft(r.values),
    ...(r.submitted_at === null ? {} : { submitted_at: iso(r.submitted_at) }),
    version: r.version,
    updated_at: iso(r.updated_at),
  };
}

function toEvent(r: EventRow): DomainEvent {
  return {
    cursor: r.cursor,
    id: r.id,
    partner_id: r.partner_id,
    account_id: r.account_id,
    type: r.type,
    data: r.data,
    request_id: r.request_id,
    session_id: r.session_id,
    created_at: iso(r.created_at),
  };
}

function toIdempotency(r: IdempotencyRow): IdempotencyRecord {
  return {
    partner_id: r.partner_id,
    key: r.key,
    fingerprint: r.fingerprint,
    status: r.status,
    body: r.body,
    headers: r.headers,
    created_at: iso(r.created_at),
  };
}

/** json(b) goes as text: node-postgres would turn a JS array into a PostgreSQL array. */
function json(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

const lock = (forUpdate: boolean | undefined) => (forUpdate ? ' FOR UPDATE' : '');

/**
 * Every CoreRepo method over one `Db`: the pool (each statement on its own) or a transaction
 * (statements share it, and `forUpdate` locks hold until it ends).
 */
export class SqlCoreRepo implements CoreRepo {
  readonly db: Db;
  readonly #inTransaction: boolean;

  constructor(db: Db, inTransaction = false) {
    this.db = db;
    this.#inTransaction = inTransaction;
  }

  /**
   * An update that matched no row: either the row is gone or someone else bumped its version
   * (a caller that read without `forUpdate`). Never silently lose the other writer's change.
   */
  async #updateMissed(table: string, id: string, version: number): Promise<never> {
    const rows = await this.db.query<{ version: number }>(
      `SELECT version FROM ${table} WHERE id = $1`,
      [id],
    );
    const current = rows[0]?.version;
    if (current === undefined) throw new TesseraError('not_found', `${id} does not exist`);
    throw new TesseraError(
      'version_conflict',
      `${id} is at version ${current}; an update to version ${version} is stale`,
      { current_version: current },
    );
  }

  // --- partner links ---

  async isLinked(accountId: string, partnerId: string): Promise<boolean> {
    const rows = await this.db.query(
      'SELECT 1 FROM account_partners WHERE account_id = $1 AND partner_id = $2',
      [accountId, partnerId],
    );
    return rows.length > 0;
  }

  async linkAccount(accountId: string, partnerId: string): Promise<void> {
    await this.db.query(
      'INSERT INTO account_partners (account_id, partner_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [accountId, partnerId],
    );
  }

  // --- accounts ---

  async getAccount(id: string, opts?: { forUpdate?: boolean }): Promise<Account | null> {
    const rows = await this.db.query<AccountRow>(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = $1${lock(opts?.forUpdate)}`,
      [id],
    );
    return rows[0] ? toAccount(rows[0]) : null;
  }

  async insertAccount(a: Account): Promise<void> {
    await this.db.query(
      `INSERT INTO accounts (${ACCOUNT_COLUMNS})
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9::timestamptz, $10::timestamptz)`,
      [
        a.id,
        a.legal_name,
        a.billing_email,
        a.phone ?? null,
        json(a.billing_address),
        a.tax_id ?? null,
        a.currency,
        a.version,
        a.created_at,
        a.updated_at,
      ],
    );
  }

  async updateAccount(a: Account): Promise<void> {
    // `version < new` rather than `= new - 1`: the guard is against going backwards or sideways.
    // created_at is history, not state: an update never rewrites it.
    const rows = await this.db.query(
      `UPDATE accounts SET legal_name = $2, billing_email = $3, phone = $4, billing_address = $5::jsonb,
         tax_id = $6, currency = $7, version = $8, updated_at = $9::timestamptz
       WHERE id = $1 AND version < $8 RETURNING 1`,
      [
        a.id,
        a.legal_name,
        a.billing_email,
        a.phone ?? null,
        json(a.billing_address),
        a.tax_id ?? null,
        a.currency,
        a.version,
        a.updated_at,
      ],
    );
    if (rows.length === 0) await this.#updateMissed('accounts', a.id, a.version);
  }

  // --- quotes ---

  async getQuote(id: string, opts?: { forUpdate?: boolean }): Promise<Quote | null> {
    const rows = await this.db.query<QuoteRow>(
      `SELECT ${QUOTE_COLUMNS} FROM quotes WHERE id = $1${lock(opts?.forUpdate)}`,
      [id],
    );
    return rows[0] ? toQuote(rows[0]) : null;
  }

  async insertQuote(q: Quote): Promise<void> {
    await this.db.query(
      `INSERT INTO quotes (${QUOTE_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10::timestamptz, $11::timestamptz,
               $12::jsonb, $13::timestamptz, $14, $15)`,
      [
        q.id,
        q.number,
        q.account_id,
        q.status,
        q.currency,
        json(q.line_items),
        q.subtotal,
        q.tax,
        q.total,
        q.valid_until,
        q.accepted_at ?? null,
        json(q.accepted_by),
        q.declined_at ?? null,
        q.decline_reason ?? null,
        q.version,
      ],
    );
  }

  async updateQuote(q: Quote): Promise<void> {
    // A quote never moves to another account: account_id is not written.
    const rows = await this.db.query(
      `UPDATE quotes SET number = $2, status = $3, currency = $4, line_items = $5::jsonb,
         subtotal = $6, tax = $7, total = $8, valid_until = $9::timestamptz,
         accepted_at = $10::timestamptz, accepted_by = $11::jsonb, declined_at = $12::timestamptz,
         decline_reason = $13, version = $14
       WHERE id = $1 AND version < $14 RETURNING 1`,
      [
        q.id,
        q.number,
        q.status,
        q.currency,
        json(q.line_items),
        q.subtotal,
        q.tax,
        q.total,
        q.valid_until,
        q.accepted_at ?? null,
        json(q.accepted_by),
        q.declined_at ?? null,
        q.decline_reason ?? null,
        q.version,
      ],
    );
    if (rows.length === 0) await this.#updateMissed('quotes', q.id, q.version);
  }

  // --- onboarding ---

  async getOnboarding(
    id: string,
    opts?: { forUpdate?: boolean },
  ): Promise<OnboardingApplication | null> {
    const rows = await this.db.query<OnboardingRow>(
      `SELECT ${ONBOARDING_COLUMNS} FROM onboarding_applications WHERE id = $1${lock(opts?.forUpdate)}`,
      [id],
    );
    return rows[0] ? toOnboarding(rows[0]) : null;
  }

  async findOpenOnboarding(accountId: string): Promise<OnboardingApplication | null> {
    const rows = await this.db.query<OnboardingRow>(
      `SELECT ${ONBOARDING_COLUMNS} FROM onboarding_applications
       WHERE account_id = $1 AND status = 'in_progress'`,
      [accountId],
    );
    return rows[0] ? toOnboarding(rows[0]) : null;
  }

  async insertOnboarding(o: OnboardingApplication): Promise<void> {
    await this.db.query(
      `INSERT INTO onboarding_applications (${ONBOARDING_COLUMNS})
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::timestamptz, $8, $9::timestamptz)`,
      [
        o.id,
        o.account_id,
        o.status,
        o.current_step,
        json(o.steps),
        json(o.values),
        o.submitted_at ?? null,
        o.version,
        o.updated_at,
      ],
    );
  }

  async updateOnboarding(o: OnboardingApplication): Promise<void> {
    const rows = await this.db.query(
      `UPDATE onboarding_applications SET status = $2, current_step = $3, steps = $4::jsonb,
         "values" = $5::jsonb, submitted_at = $6::timestamptz, version = $7, updated_at = $8::timestamptz
       WHERE id = $1 AND version < $7 RETURNING 1`,
      [
        o.id,
        o.status,
        o.current_step,
        json(o.steps),
        json(o.values),
        o.submitted_at ?? null,
        o.version,
        o.updated_at,
      ],
    );
    if (rows.length === 0) await this.#updateMissed('onboarding_applications', o.id, o.version);
  }

  // --- events ---

  async appendEvent(event: NewDomainEvent): Promise<DomainEvent> {
    // The lock below only means something inside a transaction.
    if (!this.#inTransaction) {
      return this.db.transaction((tx) => new SqlCoreRepo(tx, true).appendEvent(event));
    }
    // Cursors are drawn at insert but become visible at commit. Without this lock a reader could
    // see cursor 8 committed, move its `after` past it, and never see cursor 7 committed a moment
    // later. Holding a per-partner lock until commit makes cursor order commit order. It is held
    // to the end of the transaction, so append events as the transaction's last step.
    await this.db.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
      EVENT_LOCK_CLASS,
      event.partner_id,
    ]);
    const rows = await this.db.query<EventRow>(
      `INSERT INTO events (id, partner_id, account_id, type, data, request_id, session_id)
       VALUES ($1, $2, $3, $4, $5::json, $6, $7)
       RETURNING ${EVENT_COLUMNS}`,
      [
        event.id,
        event.partner_id,
        event.account_id,
        event.type,
        json(event.data),
        event.request_id,
        event.session_id,
      ],
    );
    const row = rows[0];
    if (!row) throw new Error('INSERT … RETURNING returned no row');
    return toEvent(row);
  }

  async listEvents(
    partnerId: string,
    after: number,
    limit: number,
    accountId?: string,
  ): Promise<DomainEvent[]> {
    const cursor = Math.max(0, Math.floor(after));
    const count = Math.max(0, Math.floor(limit));
    // Two statements rather than `$4 IS NULL OR …`, so each always uses its index.
    const rows =
      accountId === undefined
        ? await this.db.query<EventRow>(
            `SELECT ${EVENT_COLUMNS} FROM events WHERE partner_id = $1 AND cursor > $2
             ORDER BY cursor LIMIT $3`,
            [partnerId, cursor, count],
          )
        : await this.db.query<EventRow>(
            `SELECT ${EVENT_COLUMNS} FROM events
             WHERE partner_id = $1 AND account_id = $4 AND cursor > $2
             ORDER BY cursor LIMIT $3`,
            [partnerId, cursor, count, accountId],
          );
    return rows.map(toEvent);
  }

  // --- idempotency ---

  async getIdempotency(partnerId: string, key: string): Promise<IdempotencyRecord | null> {
    const rows = await this.db.query<IdempotencyRow>(
      `SELECT ${IDEMPOTENCY_COLUMNS} FROM idempotency_keys WHERE partner_id = $1 AND key = $2`,
      [partnerId, key],
    );
    return rows[0] ? toIdempotency(rows[0]) : null;
  }

  async putIdempotency(r: IdempotencyRecord): Promise<boolean> {
    // A concurrent twin with the same key waits here for the first to commit, then inserts nothing.
    const rows = await this.db.query(
      `INSERT INTO idempotency_keys (${IDEMPOTENCY_COLUMNS})
       VALUES ($1, $2, $3, $4, $5::json, $6::json, $7::timestamptz)
       ON CONFLICT (partner_id, key) DO NOTHING RETURNING 1`,
      [r.partner_id, r.key, r.fingerprint, r.status, json(r.body), json(r.headers), r.created_at],
    );
    return rows.length > 0;
  }

  async pruneIdempotency(before: string): Promise<number> {
    const rows = await this.db.query<{ n: number }>(
      `WITH deleted AS (DELETE FROM idempotency_keys WHERE created_at < $1::timestamptz RETURNING 1)
       SELECT count(*)::integer AS n FROM deleted`,
      [before],
    );
    return rows[0]?.n ?? 0;
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
