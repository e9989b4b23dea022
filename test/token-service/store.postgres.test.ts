import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TesseraError } from '../../contracts/index.ts';
import { TEST_DATABASE_URL, testSchema } from '../support/postgres.ts';
import { openTokenStore } from '../../token-service/store/sql-store.ts';
import { storeSuite } from './store.suite.ts';

const schema = testSchema();
const BASE_URL = TEST_DATABASE_URL;

describe('PostgreSQL store', () => {
  before(() => schema.create());
  after(() => schema.drop());

  storeSuite('PostgreSQL', () => openTokenStore({ databaseUrl: schema.url }));

  it('created its tables in the run’s schema only', async () => {
    assert.deepEqual(await schema.tables(), [
      'issuances',
      'partner_keys',
      'partners',
      'schema_migrations',
      'signing_keys',
    ]);
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
