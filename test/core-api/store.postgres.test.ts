import { CORE_MIGRATIONS } from '../../core-api/store/migrations.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TesseraError } from '../../contracts/index.ts';
import { TEST_DATABASE_URL, adminQuery, testSchema } from '../support/postgres.ts';
import { openCoreStore } from '../../core-api/store/sql-store.ts';
import { openTokenStore } from '../../token-service/store/sql-store.ts';
import { coreStoreSuite } from './store.suite.ts';

const schema = testSchema();
const BASE_URL = TEST_DATABASE_URL;

const CORE_TABLES = [
  'account_partners',
  'accounts',
  'core_schema_migrations',
  'events',
  'idempotency_keys',
  'onboarding_applications',
  'partner_accounts',
  'partner_quote_counters',
  'partner_quote_numbers',
  'quotes',
  'webhook_attempts',
  'webhook_deliveries',
  'webhook_endpoints',
];

describe('PostgreSQL core store', () => {
  before(() => schema.create());
  after(() => schema.drop());

  coreStoreSuite('PostgreSQL', () => openCoreStore({ databaseUrl: schema.url }));

  it('created its tables in the run’s schema only', async () => {
    assert.deepEqual(await schema.tables(), CORE_TABLES);
  });

  it('shares one schema with the token service, each migrating its own tables', async () => {
    // Token service second: the core API's version 1 must not read as the token service's.
    const tokens = await openTokenStore({ databaseUrl: schema.url });
    const core = await openCoreStore({ databaseUrl: schema.url });
    try {
      await Promise.all([tokens.migrate(), core.migrate(), tokens.migrate(), core.migrate()]);
      assert.deepEqual(
        await schema.tables(),
        [
          ...CORE_TABLES,
          'issuances',
          'partner_keys',
          'partners',
          'schema_migrations',
          'signing_keys',
        ].toSorted(),
      );
      const versions = await adminQuery<{ core: number; tokens: number }>(
        `SELECT (SELECT count(*)::int FROM "${schema.name}".core_schema_migrations) AS core,
                (SELECT count(*)::int FROM "${schema.name}".schema_migrations) AS tokens`,
      );
      assert.deepEqual(versions[0], { core: CORE_MIGRATIONS.length, tokens: 1 });
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
