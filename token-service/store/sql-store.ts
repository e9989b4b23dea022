import { openDb, type Db, type DbConfig } from './db.ts';
import { migrate } from './migrations.ts';
import type {
  IssuanceRecord,
  PartnerKeyRow,
  PartnerPatch,
  PartnerRow,
  SigningKeyRow,
  TokenStore,
} from './types.ts';

const PARTNER_COLUMNS =
  'id, name, mode, origins, scopes, max_ttl_seconds, rate_limit, require_dpop, status, not_before, created_at, updated_at';
const PARTNER_KEY_COLUMNS = 'id, partner_id, prefix, secret_hash, created_at, revoked_at';
const SIGNING_KEY_COLUMNS =
  'kid, alg, state, public_jwk, private_jwk_encrypted, created_at, activated_at, retired_at, remove_after';
const ISSUANCE_COLUMNS =
  'jti, partner_id, key_id, subject, scopes, origin, kid, issued_at, expires_at, request_id, correlation_id, dpop_jkt';

const DEFAULT_ISSUANCE_LIMIT = 100;

// The mappers copy field by field so that joined or future columns never leak into the rows.

function toPartner(r: PartnerRow): PartnerRow {
  return {
    id: r.id,
    name: r.name,
    mode: r.mode,
    origins: r.origins,
    scopes: r.scopes,
    max_ttl_seconds: r.max_ttl_seconds,
    rate_limit: r.rate_limit,
    require_dpop: r.require_dpop,
    status: r.status,
    not_before: r.not_before,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

function toPartnerKey(r: PartnerKeyRow): PartnerKeyRow {
  return {
    id: r.id,
    partner_id: r.partner_id,
    prefix: r.prefix,
    secret_hash: r.secret_hash,
    created_at: r.created_at,
    revoked_at: r.revoked_at,
  };
}

function toSigningKey(r: SigningKeyRow): SigningKeyRow {
  return {
    kid: r.kid,
    alg: r.alg,
    state: r.state,
    public_jwk: r.public_jwk,
    private_jwk_encrypted: r.private_jwk_encrypted,
    created_at: r.created_at,
    activated_at: r.activated_at,
    retired_at: r.retired_at,
    remove_after: r.remove_after,
  };
}

function toIssuance(r: IssuanceRecord): IssuanceRecord {
  return {
    jti: r.jti,
    partner_id: r.partner_id,
    key_id: r.key_id,
    subject: r.subject,
    scopes: r.scopes,
    origin: r.origin,
    kid: r.kid,
    issued_at: r.issued_at,
    expires_at: r.expires_at,
    request_id: r.request_id,
    correlation_id: r.correlation_id,
    dpop_jkt: r.dpop_jkt,
  };
}

/**
 * How each patchable field is written. Column names come from this fixed table, never from the
 * caller; jsonb goes as text because node-postgres would turn a JS array into a PostgreSQL array.
 */
const PATCH_COLUMNS: {
  [K in keyof Required<PartnerPatch>]: { cast: string; encode?: (v: PartnerPatch[K]) => unknown };
} = {
  name: { cast: 'text' },
  origins: { cast: 'text[]' },
  scopes: { cast: 'text[]' },
  max_ttl_seconds: { cast: 'integer' },
  rate_limit: { cast: 'jsonb', encode: (v) => JSON.stringify(v) },
  require_dpop: { cast: 'boolean' },
  status: { cast: 'text' },
  not_before: { cast: 'timestamptz' },
};

const PARTNERS_CHANNEL = 'tessera_partners';

export class SqlTokenStore implements TokenStore {
  readonly db: Db;
  readonly #listeners = new Set<() => void>();
  #unlisten: (() => Promise<void>) | null = null;
  // Embedded: this process makes every change, so the feed is live by construction.
  #live: boolean;

  constructor(db: Db) {
    this.db = db;
    this.#live = !db.listen;
  }

  get partnerChangesLive(): boolean {
    return this.#live;
  }

  onPartnersChanged(listener: () => void): () => void {
    this.#listeners.add(listener);
    this.#unlisten ??=
      this.db.listen?.(PARTNERS_CHANNEL, (event) => {
        this.#live = event !== 'lost';
        this.#emit();
      }) ?? null;
    return () => this.#listeners.delete(listener);
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }

  /** After a partner or key change: tell this process now, and other processes through NOTIFY. */
  async #changed(): Promise<void> {
    this.#emit();
    if (this.db.listen) await this.db.query(`SELECT pg_notify('${PARTNERS_CHANNEL}', '')`);
  }

  migrate(): Promise<void> {
    return migrate(this.db);
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.#unlisten?.();
    await this.db.close();
  }

  // --- partners ---

  async createPartner(row: PartnerRow): Promise<void> {
    await this.db.query(
      `INSERT INTO partners (${PARTNER_COLUMNS})
       VALUES ($1, $2, $3, $4::text[], $5::text[], $6, $7::jsonb, $8, $9, $10::timestamptz, $11::timestamptz, $12::timestamptz)`,
      [
        row.id,
        row.name,
        row.mode,
        row.origins,
        row.scopes,
        row.max_ttl_seconds,
        JSON.stringify(row.rate_limit),
        row.require_dpop,
        row.status,
        row.not_before,
        row.created_at,
        row.updated_at,
      ],
    );
    await this.#changed();
  }

  async getPartner(id: string): Promise<PartnerRow | null> {
    const rows = await this.db.query<PartnerRow>(
      `SELECT ${PARTNER_COLUMNS} FROM partners WHERE id = $1`,
      [id],
    );
    return rows[0] ? toPartner(rows[0]) : null;
  }

  async listPartners(): Promise<PartnerRow[]> {
    const rows = await this.db.query<PartnerRow>(
      `SELECT ${PARTNER_COLUMNS} FROM partners ORDER BY created_at, id`,
    );
    return rows.map(toPartner);
  }

  async updatePartner(id: string, patch: PartnerPatch, now: Date): Promise<PartnerRow | null> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const key of Object.keys(PATCH_COLUMNS) as (keyof PartnerPatch)[]) {
      const value = patch[key];
      if (value === undefined) continue;
      const column = PATCH_COLUMNS[key] as { cast: string; encode?: (v: unknown) => unknown };
      params.push(column.encode ? column.encode(value) : value);
      sets.push(`${key} = $${params.length}::${column.cast}`);
    }
    params.push(now);
    sets.push(`updated_at = $${params.length}::timestamptz`);
    const rows = await this.db.query<PartnerRow>(
      `UPDATE partners SET ${sets.join(', ')} WHERE id = $1 RETURNING ${PARTNER_COLUMNS}`,
      params,
    );
    if (rows[0]) await this.#changed();
    return rows[0] ? toPartner(rows[0]) : null;
  }

  // --- partner keys ---

  async insertPartnerKey(row: PartnerKeyRow): Promise<void> {
    await this.db.query(
      `INSERT INTO partner_keys (${PARTNER_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz)`,
      [row.id, row.partner_id, row.prefix, row.secret_hash, row.created_at, row.revoked_at],
    );
    await this.#changed();
  }

  async listPartnerKeys(partnerId: string): Promise<PartnerKeyRow[]> {
    const rows = await this.db.query<PartnerKeyRow>(
      `SELECT ${PARTNER_KEY_COLUMNS} FROM partner_keys WHERE partner_id = $1 ORDER BY created_at, id`,
      [partnerId],
    );
    return rows.map(toPartnerKey);
  }

  async findPartnerKeyByHash(
    secretHash: string,
  ): Promise<{ key: PartnerKeyRow; partner: PartnerRow } | null> {
    // One round trip on the hot path; partner columns are prefixed to keep the two ids apart.
    const partnerColumns = PARTNER_COLUMNS.split(', ')
      .map((c) => `p.${c} AS p_${c}`)
      .join(', ');
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT k.id, k.partner_id, k.prefix, k.secret_hash, k.created_at, k.revoked_at, ${partnerColumns}
       FROM partner_keys k JOIN partners p ON p.id = k.partner_id
       WHERE k.secret_hash = $1`,
      [secretHash],
    );
    const row = rows[0];
    if (!row) return null;
    const partner = Object.fromEntries(
      Object.entries(row)
        .filter(([k]) => k.startsWith('p_'))
        .map(([k, v]) => [k.slice(2), v]),
    ) as unknown as PartnerRow;
    return { key: toPartnerKey(row as unknown as PartnerKeyRow), partner: toPartner(partner) };
  }

  async revokePartnerKey(id: string, at: Date): Promise<PartnerKeyRow | null> {
    // COALESCE keeps the first revocation time when a key is revoked again.
    const rows = await this.db.query<PartnerKeyRow>(
      `UPDATE partner_keys SET revoked_at = COALESCE(revoked_at, $2::timestamptz) WHERE id = $1
       RETURNING ${PARTNER_KEY_COLUMNS}`,
      [id, at],
    );
    if (rows[0]) await this.#changed();
    return rows[0] ? toPartnerKey(rows[0]) : null;
  }

  // --- signing keys ---

  async listSigningKeys(): Promise<SigningKeyRow[]> {
    const rows = await this.db.query<SigningKeyRow>(
      `SELECT ${SIGNING_KEY_COLUMNS} FROM signing_keys ORDER BY created_at, kid`,
    );
    return rows.map(toSigningKey);
  }

  async insertSigningKey(row: SigningKeyRow): Promise<void> {
    await insertSigningKey(this.db, row);
  }

  rotateSigningKeys(args: {
    expectedNextKid: string;
    newNext: SigningKeyRow;
    now: Date;
    removeAfter: Date;
  }): Promise<boolean> {
    const { expectedNextKid, newNext, now, removeAfter } = args;
    return this.db.transaction(async (tx) => {
      // A concurrent rotation blocks here until the first commits, then sees the next key gone.
      const current = await tx.query<{ kid: string; state: string }>(
        `SELECT kid, state FROM signing_keys WHERE state IN ('active', 'next') ORDER BY kid FOR UPDATE`,
      );
      const next = current.find((k) => k.state === 'next');
      if (next?.kid !== expectedNextKid) return false;
      // Each step frees the slot (partial unique index) that the following one takes.
      await tx.query(
        `UPDATE signing_keys SET state = 'retiring', retired_at = $1::timestamptz, remove_after = $2::timestamptz
         WHERE state = 'active'`,
        [now, removeAfter],
      );
      await tx.query(
        `UPDATE signing_keys SET state = 'active', activated_at = $1::timestamptz WHERE kid = $2 AND state = 'next'`,
        [now, expectedNextKid],
      );
      await insertSigningKey(tx, { ...newNext, state: 'next' });
      await tx.query(
        `UPDATE signing_keys SET state = 'retired' WHERE state = 'retiring' AND remove_after <= $1::timestamptz`,
        [now],
      );
      return true;
    });
  }

  // --- issuances ---

  async recordIssuances(records: IssuanceRecord[]): Promise<void> {
    if (records.length === 0) return;
    // One statement, one parameter: the batch as JSON. On the embedded database this is about
    // twice as fast per row as a multi-row VALUES list, and it has no 65 535-parameter ceiling.
    await this.db.query(
      `INSERT INTO issuances (${ISSUANCE_COLUMNS})
       SELECT ${ISSUANCE_COLUMNS} FROM jsonb_populate_recordset(NULL::issuances, $1::jsonb)`,
      [JSON.stringify(records)],
    );
  }

  async listIssuances(filter: { partnerId?: string; limit?: number }): Promise<IssuanceRecord[]> {
    const limit = Math.max(0, Math.floor(filter.limit ?? DEFAULT_ISSUANCE_LIMIT));
    // Two statements rather than `$1 IS NULL OR …`, so the partner one always uses its index.
    const rows =
      filter.partnerId === undefined
        ? await this.db.query<IssuanceRecord>(
            `SELECT ${ISSUANCE_COLUMNS} FROM issuances ORDER BY issued_at DESC, jti DESC LIMIT $1`,
            [limit],
          )
        : await this.db.query<IssuanceRecord>(
            `SELECT ${ISSUANCE_COLUMNS} FROM issuances WHERE partner_id = $1
             ORDER BY issued_at DESC, jti DESC LIMIT $2`,
            [filter.partnerId, limit],
          );
    return rows.map(toIssuance);
  }

  async findIssuance(jti: string): Promise<IssuanceRecord | null> {
    const rows = await this.db.query<IssuanceRecord>(
      `SELECT ${ISSUANCE_COLUMNS} FROM issuances WHERE jti = $1`,
      [jti],
    );
    return rows[0] ? toIssuance(rows[0]) : null;
  }
}

async function insertSigningKey(db: Db, row: SigningKeyRow): Promise<void> {
  await db.query(
    `INSERT INTO signing_keys (${SIGNING_KEY_COLUMNS})
     VALUES ($1, $2, $3, $4::jsonb, $5, $6::timestamptz, $7::timestamptz, $8::timestamptz, $9::timestamptz)`,
    [
      row.kid,
      row.alg,
      row.state,
      JSON.stringify(row.public_jwk),
      row.private_jwk_encrypted,
      row.created_at,
      row.activated_at,
      row.retired_at,
      row.remove_after,
    ],
  );
}

/** Opens the database (PostgreSQL when `databaseUrl` is set, else PGlite), migrates it, and wraps it. */
export async function openTokenStore(config: DbConfig): Promise<TokenStore> {
  const db = await openDb(config);
  const store = new SqlTokenStore(db);
  try {
    await store.migrate();
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return store;
}
