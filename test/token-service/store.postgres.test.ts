import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { TesseraError } from '../../contracts/index.ts';
import { openTokenStore } from '../../token-service/store/sql-store.ts';
import { storeSuite } from './store.suite.ts';

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

describe('PostgreSQL store', () => {
  // No skip when PostgreSQL is down: a store suite that silently did not run proves nothing.
  before(async () => {
    await admin((c) => c.query(`CREATE SCHEMA "${schema}"`));
  });

  after(async () => {
    await admin((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  });

  storeSuite('PostgreSQL', () => openTokenStore({ databaseUrl: schemaUrl() }));

  it('created its tables in the run’s schema only', async () => {
    const rows = await admin((c) =>
      c.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [schema],
      ),
    );
    assert.deepEqual(
      rows.rows.map((r) => r.table_name),
      ['issuances', 'partner_keys', 'partners', 'schema_migrations', 'signing_keys'],
    );
  });

  it('answers service_unavailable when the database does not answer', async () => {
    const unreachable = new URL(BASE_URL);
    unreachable.hostname = '127.0.0.1';
    unreachable.port = '1';
    await assert.rejects(
      openTokenStore({ databaseUrl: unreachable.toString() }),
      (err) => err instanceof TesseraError && err.code === 'service_unavailable',
    );
  });
});
