import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** One statement on the test database through a connection of its own. */
export async function adminQuery<R extends pg.QueryResultRow>(
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({
    connectionString: TEST_DATABASE_URL,
    connectionTimeoutMillis: 5_000,
  });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * A PostgreSQL schema of the test's own (concurrent runs and leftovers of crashed ones never
 * meet); `url` puts it first on the search path. No skip when PostgreSQL is down: `create()`
 * fails, and so does the test — a suite that silently did not run proves nothing.
 */
export function testSchema() {
  const name = `tessera_test_${randomBytes(8).toString('hex')}`;
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${name}`);
  return {
    name,
    url: url.toString(),
    create: async () => void (await adminQuery(`CREATE SCHEMA "${name}"`)),
    drop: async () => void (await adminQuery(`DROP SCHEMA IF EXISTS "${name}" CASCADE`)),
    tables: async () =>
      (
        await adminQuery<{ table_name: string }>(
          'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
          [name],
        )
      ).map((row) => row.table_name),
  };
}

/** `testSchema()` already created; for tests that only need the URL. */
export async function tempPgSchema(): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = testSchema();
  await schema.create();
  return schema;
}
