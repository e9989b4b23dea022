import type { Db } from '../../service-kit/db/db.ts';
import { migrate, type Migration } from '../../service-kit/db/migrate.ts';

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

/** The token service's bookkeeping table and advisory lock (an arbitrary constant). */
export const TOKEN_MIGRATIONS_TABLE = 'schema_migrations';
export const TOKEN_MIGRATION_LOCK_ID = 7_264_018_390;

export function migrateTokenStore(db: Db): Promise<void> {
  return migrate(db, MIGRATIONS, {
    table: TOKEN_MIGRATIONS_TABLE,
    lockKey: TOKEN_MIGRATION_LOCK_ID,
  });
}
