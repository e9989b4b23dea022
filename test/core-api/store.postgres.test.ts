import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { TesseraError } from '../../contracts/index.ts';
import { openCoreStore } from '../../core-api/store/sql-store.ts';
import { openTokenStore } from '../../token-service/store/sql-store.ts';
import { coreStoreSuite } from './store.suite.ts';

const BASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

// A schema of its own per run: concurrent runs and leftovers of crashed ones never meet.
const schema = `tessera_test_${randomBytes(8).toString('hex')}`;

function schemaUrl(): string {
  const url = new URL(BASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: BASE_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function tables(): Promise<string[]> {
  const rows = await admin((c) =>
    c.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    ),
  );
  return rows.rows.map((r) => r.table_name);
}

const CORE_TABLES = [
  'account_partners',
  'accounts',
  'core_schema_migrations',
  'events',
  'idempotency_keys',
  'onboarding_applications',
  'quotes',
];

describe('PostgreSQL core store', () => {
  // No skip when PostgreSQL is down: a store suite that silently did not run proves nothing.
  before(async () => {
    await admin((c) => c.query(`CREATE SCHEMA "${schema}"`));
  });

  after(async () => {
    await admin((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  });

  coreStoreSuite('PostgreSQL', () => openCoreStore({ databaseUrl: schemaUrl() }));

  it('created its tables in the run’s schema only', async () => {
    assert.deepEqual(await tables(), CORE_TABLES);
  });

  it('shares one schema with the token service, each migrating its own tables', async () => {
    // Token service second: the core API's version 1 must not read as the token service's.
    const tokens = await openTokenStore({ databaseUrl: schemaUrl() });
    const core = await openCoreStore({ databaseUrl: schemaUrl() });
    try {
      await Promise.all([tokens.migrate(), core.migrate(), tokens.migrate(), core.migrate()]);
      assert.deepEqual(
        await tables(),
        [
          ...CORE_TABLES,
          'issuances',
          'partner_keys',
          'partners',
          'schema_migrations',
          'signing_keys',
        ].toSorted(),
      );
      const versions = await admin((c) =>
        c.query<{ core: number; tokens: number }>(
          `SELECT (SELECT count(*)::int FROM "${schema}".core_schema_migrations) AS core,
                  (SELECT count(*)::int FROM "${schema}".schema_migrations) AS tokens`,
        ),
      );
      assert.deepEqual(versions.rows[0], { core: 1, tokens: 1 });
    } finally {
      await tokens.close();
      await core.close();
    }
  });

  it('answers service_unavailable when the database does not answer', async () => {
    const unreachable = new URL(BASE_URL);
    unreachable.hostname = '127.0.0.1';
    unreachable.port = '1';
    await assert.rejects(
      openCoreStore({ databaseUrl: unreachable.toString() }),
      (err) => err instanceof TesseraError && err.code === 'service_unavailable',
    );
  });
});
