import type { Db } from '../../service-kit/db/db.ts';
import { migrate, type Migration } from '../../service-kit/db/migrate.ts';

/**
 * Its own bookkeeping table and lock: the core API may share a PostgreSQL database and schema with
 * the token service, whose `schema_migrations` already records a version 1.
 */
export const CORE_MIGRATIONS_TABLE = 'core_schema_migrations';
export const CORE_MIGRATION_LOCK_ID = 7_264_018_391;

/**
 * Append only: a released migration is never edited, a change is a new version. Versions are
 * applied in array order. Resources are stored in their contracts/ v1 shapes; nested values that
 * are only ever read and written whole (addresses, line items, drafts) are jsonb, and the store
 * puts their keys back in the contracts' order on the way out.
 */
export const CORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'core api initial schema',
    sql: `
      CREATE TABLE accounts (
        id              text PRIMARY KEY,
        legal_name      text NOT NULL,
        billing_email   text NOT NULL,
        phone           text,
        billing_address jsonb NOT NULL,
        tax_id          text,
        currency        text NOT NULL,
        version         integer NOT NULL CHECK (version >= 1),
        created_at      timestamptz NOT NULL,
        updated_at      timestamptz NOT NULL
      );

      -- No foreign key to partners: they live in the token service, possibly another database.
      CREATE TABLE account_partners (
        account_id text NOT NULL REFERENCES accounts (id),
        partner_id text NOT NULL,
        PRIMARY KEY (account_id, partner_id)
      );

      CREATE TABLE quotes (
        id             text PRIMARY KEY,
        number         text NOT NULL,
        account_id     text NOT NULL REFERENCES accounts (id),
        status         text NOT NULL
                       CHECK (status IN ('draft', 'open', 'accepted', 'declined', 'expired')),
        currency       text NOT NULL,
        line_items     jsonb NOT NULL,
        -- bigint: in minor units, int4 tops out at about 21 million in a two-digit currency.
        subtotal       bigint NOT NULL CHECK (subtotal >= 0),
        tax            bigint NOT NULL CHECK (tax >= 0),
        total          bigint NOT NULL CHECK (total >= 0),
        valid_until    timestamptz NOT NULL,
        accepted_at    timestamptz,
        accepted_by    jsonb,
        declined_at    timestamptz,
        decline_reason text,
        version        integer NOT NULL CHECK (version >= 1)
      );
      CREATE INDEX quotes_account_id_idx ON quotes (account_id);

      CREATE TABLE onboarding_applications (
        id           text PRIMARY KEY,
        account_id   text NOT NULL REFERENCES accounts (id),
        status       text NOT NULL CHECK (status IN ('in_progress', 'submitted')),
        current_step text NOT NULL
                     CHECK (current_step IN ('company', 'contact', 'billing', 'review')),
        steps        jsonb NOT NULL,
        "values"     jsonb NOT NULL,
        submitted_at timestamptz,
        version      integer NOT NULL CHECK (version >= 1),
        updated_at   timestamptz NOT NULL
      );
      -- Unique: "start" resumes the open application, so two concurrent starts must not both
      -- create one; the loser gets a unique violation instead of a silent duplicate.
      CREATE UNIQUE INDEX onboarding_one_in_progress_per_account
        ON onboarding_applications (account_id) WHERE status = 'in_progress';

      -- The outbox: written in the same transaction as the change it reports. No foreign keys:
      -- the feed is an audit trail and outlives any row.
      CREATE TABLE events (
        cursor     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id         text NOT NULL UNIQUE,
        partner_id text NOT NULL,
        account_id text NOT NULL,
        type       text NOT NULL CHECK (type IN
                     ('quote.accepted', 'quote.declined', 'onboarding.submitted', 'account.updated')),
        -- json, not jsonb: the resource as the API answered it, key order included.
        data       json NOT NULL,
        request_id text NOT NULL,
        session_id text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX events_partner_cursor_idx ON events (partner_id, cursor);
      -- A customer's token reads only its own account's events.
      CREATE INDEX events_partner_account_cursor_idx ON events (partner_id, account_id, cursor);

      CREATE TABLE idempotency_keys (
        partner_id  text NOT NULL,
        key         text NOT NULL,
        fingerprint text NOT NULL,
        status      integer NOT NULL,
        -- json, not jsonb: a replay must answer the first response byte for byte, and jsonb
        -- would reorder its keys.
        body        json,
        headers     json NOT NULL,
        created_at  timestamptz NOT NULL,
        PRIMARY KEY (partner_id, key)
      );
      CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
    `,
  },
  {
    version: 2,
    name: 'webhook endpoints and deliveries',
    sql: `
      -- No foreign key to partners: they live in the token service. The signing secrets are
      -- sealed under the key-encryption key (AES-256-GCM); a copy of the database signs nothing.
      CREATE TABLE webhook_endpoints (
        id                         text PRIMARY KEY,
        partner_id                 text NOT NULL,
        -- The partner's mode when the endpoint was made: live refuses http and inner addresses.
        mode                       text NOT NULL CHECK (mode IN ('test', 'live')),
        url                        text NOT NULL,
        event_types                text[] NOT NULL,
        description                text NOT NULL,
        status                     text NOT NULL CHECK (status IN ('enabled', 'paused', 'disabled')),
        secret_sealed              text NOT NULL,
        previous_secret_sealed     text,
        previous_secret_expires_at timestamptz,
        failing_since              timestamptz,
        created_at                 timestamptz NOT NULL,
        updated_at                 timestamptz NOT NULL
      );
      CREATE INDEX webhook_endpoints_partner_idx ON webhook_endpoints (partner_id, created_at, id);

      -- One row per endpoint and event: the delivery's state lives here, so a crash or restart
      -- loses nothing. A claimed row's next_attempt_at is its lease: past it, another worker may
      -- take it over (the first must have died, since the lease outlasts the request timeout).
      CREATE TABLE webhook_deliveries (
        id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        endpoint_id      text NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        event_id         text NOT NULL,
        event_type       text NOT NULL,
        -- Only for events outside the outbox (webhook.test); others are read from events.
        payload          json,
        event_created_at timestamptz NOT NULL,
        state            text NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
        attempts         integer NOT NULL DEFAULT 0,
        next_attempt_at  timestamptz,
        lease            text,
        UNIQUE (endpoint_id, event_id)
      );
      CREATE INDEX webhook_deliveries_due_idx
        ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';

      -- Every attempt, as the partner lists them; the delivery row holds only the latest state.
      CREATE TABLE webhook_attempts (
        seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        delivery_id     bigint NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        endpoint_id     text NOT NULL,
        event_id        text NOT NULL,
        event_type      text NOT NULL,
        attempt         integer NOT NULL,
        status_code     integer,
        latency_ms      integer NOT NULL,
        error           text,
        next_attempt_at timestamptz,
        attempted_at    timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX webhook_attempts_endpoint_idx ON webhook_attempts (endpoint_id, seq);
    `,
  },
  {
    version: 3,
    name: 'events: the caller request id beside the server one, session ids per customer',
    sql: `
      ALTER TABLE events ADD COLUMN caller_request_id text;
      -- Finds the customer a session id first appeared with, on every append that carries one.
      CREATE INDEX events_partner_session_idx ON events (partner_id, session_id, cursor)
        WHERE session_id IS NOT NULL;
    `,
  },
  {
    version: 5,
    name: 'webhook endpoints: a version for ETag and If-Match',
    sql: `
      ALTER TABLE webhook_endpoints
        ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1);
    `,
  },
];

export function migrateCore(
  db: Db,
  migrations: readonly Migration[] = CORE_MIGRATIONS,
): Promise<void> {
  return migrate(db, migrations, { table: CORE_MIGRATIONS_TABLE, lockKey: CORE_MIGRATION_LOCK_ID });
}
