import type { Db } from './db.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Append only: a released migration is never edited, a change is a new version. Versions are
 * applied in array order.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE partners (
        id              text PRIMARY KEY,
        name            text NOT NULL,
        mode            text NOT NULL CHECK (mode IN ('test', 'live')),
        origins         text[] NOT NULL,
        scopes          text[] NOT NULL,
        max_ttl_seconds integer NOT NULL CHECK (max_ttl_seconds > 0),
        rate_limit      jsonb NOT NULL,
        require_dpop    boolean NOT NULL,
        status          text NOT NULL CHECK (status IN ('active', 'suspended')),
        not_before      timestamptz,
        created_at      timestamptz NOT NULL,
        updated_at      timestamptz NOT NULL
      );
      CREATE INDEX partners_created_at_idx ON partners (created_at, id);

      CREATE TABLE partner_keys (
        id          text PRIMARY KEY,
        partner_id  text NOT NULL REFERENCES partners (id),
        prefix      text NOT NULL,
        secret_hash text NOT NULL,
        created_at  timestamptz NOT NULL,
        revoked_at  timestamptz
      );
      CREATE UNIQUE INDEX partner_keys_secret_hash_key ON partner_keys (secret_hash);
      CREATE INDEX partner_keys_partner_id_idx ON partner_keys (partner_id);

      CREATE TABLE signing_keys (
        kid                   text PRIMARY KEY,
        alg                   text NOT NULL CHECK (alg IN ('ES256', 'EdDSA')),
        state                 text NOT NULL CHECK (state IN ('next', 'active', 'retiring', 'retired')),
        public_jwk            jsonb NOT NULL,
        private_jwk_encrypted text NOT NULL,
        created_at            timestamptz NOT NULL,
        activated_at          timestamptz,
        retired_at            timestamptz,
        remove_after          timestamptz
      );
      -- At most one active and one next key: two instances rotating at once cannot both win.
      CREATE UNIQUE INDEX signing_keys_one_active_one_next ON signing_keys (state)
        WHERE state IN ('active', 'next');

      -- No foreign key to partners: this is the hot path, and the audit trail outlives any row.
      CREATE TABLE issuances (
        jti            text PRIMARY KEY,
        partner_id     text NOT NULL,
        key_id         text NOT NULL,
        subject        text NOT NULL,
        scopes         text[] NOT NULL,
        origin         text NOT NULL,
        kid            text NOT NULL,
        issued_at      timestamptz NOT NULL,
        expires_at     timestamptz NOT NULL,
        request_id     text NOT NULL,
        correlation_id text,
        dpop_jkt       text
      );
      CREATE INDEX issuances_partner_issued_idx ON issuances (partner_id, issued_at DESC);
    `,
  },
];

/**
 * Serialises migrations across every process sharing the database (database-wide, released at
 * commit). An arbitrary constant; it only has to differ from other advisory locks on the database.
 */
const MIGRATION_LOCK_ID = 7_264_018_390;

export interface MigrateOptions {
  /**
   * Where applied versions are recorded. Another component sharing the database and schema
   * (the core API) needs a table of its own, or its version 1 would read as already applied.
   */
  table?: string;
  /** Advisory lock key; distinct per component so one's migrations never wait on the other's. */
  lockKey?: number;
}

// The table name is interpolated into SQL: only plain identifiers are allowed.
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Applies the missing migrations, each in its own transaction. Safe when several instances start
 * at once: whoever waits on the lock sees the versions the winner recorded and skips them.
 */
export async function migrate(
  db: Db,
  migrations: readonly Migration[] = MIGRATIONS,
  { table = 'schema_migrations', lockKey = MIGRATION_LOCK_ID }: MigrateOptions = {},
): Promise<void> {
  if (!IDENTIFIER.test(table)) throw new Error(`invalid migrations table name: ${table}`);
  if (!Number.isSafeInteger(lockKey)) throw new Error(`invalid migration lock key: ${lockKey}`);
  // CREATE TABLE IF NOT EXISTS is not race-free on PostgreSQL (concurrent creators collide on
  // the catalog), hence the lock here too.
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey]);
    await tx.query(`
      CREATE TABLE IF NOT EXISTS ${table} (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
  });

  const applied = new Set(
    (await db.query<{ version: number }>(`SELECT version FROM ${table}`)).map((r) => r.version),
  );
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey]);
      const done = await tx.query(`SELECT 1 FROM ${table} WHERE version = $1`, [migration.version]);
      if (done.length > 0) return;
      await tx.exec(migration.sql);
      await tx.query(`INSERT INTO ${table} (version, name, applied_at) VALUES ($1, $2, now())`, [
        migration.version,
        migration.name,
      ]);
    });
  }
}
