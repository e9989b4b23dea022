import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { openCoreStore } from '../../core-api/store/sql-store.ts';
import { tempPgSchema } from '../support/postgres.ts';
import { MintWorkload, cannon } from './support/cannon.ts';
import { CoreWorkload, seedLoadAccounts } from './support/core-workload.ts';
import {
  ORIGIN,
  createPartner,
  spawnCoreApi,
  spawnTokenService,
  type ServiceProcess,
} from './support/processes.ts';
import {
  LOAD_ACCOUNTS,
  LOAD_CONNECTIONS,
  LOAD_SECONDS,
  QUOTES_PER_ACCOUNT,
} from './support/tunables.ts';

const summary = (statuses: Map<number, number>) =>
  [...statuses].map(([status, count]) => `${status}×${count}`).join(' ');

describe(`under load (${LOAD_SECONDS} s at ${LOAD_CONNECTIONS} connections, loopback, PostgreSQL)`, () => {
  let schema: Awaited<ReturnType<typeof tempPgSchema>>;
  let tokenService: ServiceProcess;
  let coreApi: ServiceProcess;

  before(async () => {
    schema = await tempPgSchema();
    const env = { DATABASE_URL: schema.url, TESSERA_KEY_ROTATION_SECONDS: '0' };
    tokenService = await spawnTokenService('token-service', env);
    coreApi = await spawnCoreApi('core-api', tokenService.url, {
      ...env,
      // The per-customer limit is not under test here: every request should reach the database.
      TESSERA_CORE_RATE_PER_SECOND: '100000',
      TESSERA_CORE_RATE_BURST: '100000',
    });
  });
  after(async () => {
    await coreApi?.stop();
    await tokenService?.stop();
    await schema?.drop();
  });

  it('the token service answers every mint (no 5xx) and records every token it hands out, once', async (t) => {
    const { partner, key } = await createPartner(tokenService, {
      per_second: 10_000,
      burst: 100_000,
    });
    const load = new MintWorkload();
    const result = await cannon({
      url: `${tokenService.url}/v1/tokens`,
      method: 'POST',
      connections: LOAD_CONNECTIONS,
      duration: LOAD_SECONDS,
      timeout: 30,
      headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        subject: 'acct_load000000000001',
        scopes: ['quote:read'],
        origin: ORIGIN,
      }),
      requests: [load.request()],
    }).done;
    t.diagnostic(
      `mint: ${load.requests} answers (${summary(load.statuses)}), ${Math.round(result.requests.average)}/s, p99 ${result.latency.p99} ms`,
    );

    assert.deepEqual(load.failures.slice(0, 10), [], 'every answer is a 201');
    assert.equal(result.errors, 0, 'no connection errors');
    assert.equal(result.timeouts, 0, 'no request left unanswered');
    assert.ok(load.jtis.length > 0, 'the load minted tokens');
    assert.equal(new Set(load.jtis).size, load.jtis.length, 'no jti was handed out twice');

    const db = new pg.Client({ connectionString: schema.url });
    await db.connect();
    const recorded = new Set(
      (
        await db.query<{ jti: string }>('SELECT jti FROM issuances WHERE partner_id = $1', [
          partner.id,
        ])
      ).rows.map((row) => row.jti),
    );
    await db.end();
    const missing = load.jtis.filter((jti) => !recorded.has(jti));
    assert.deepEqual(missing.slice(0, 10), [], 'every token handed out has its audit record');
    // Requests cut off when the load stopped may have been recorded without being answered.
    assert.ok(
      recorded.size - load.jtis.length <= LOAD_CONNECTIONS,
      `${recorded.size - load.jtis.length} records more than tokens handed out`,
    );
    await tokenService.assertAlive();
    assert.deepEqual(await tokenService.unhandledErrors(), []);
  });

  it('the core API answers every request (no 5xx); every accept and submit happens exactly once in the database and the event feed, with twins and retries', async (t) => {
    const { partner, key } = await createPartner(tokenService, {
      per_second: 10_000,
      burst: 100_000,
    });
    const store = await openCoreStore({ databaseUrl: schema.url });
    const accounts = await seedLoadAccounts(
      store,
      tokenService,
      { id: partner.id, secret: key.secret },
      LOAD_ACCOUNTS,
      QUOTES_PER_ACCOUNT,
    ).finally(() => store.close());

    const load = new CoreWorkload(accounts);
    const result = await cannon({
      url: coreApi.url,
      connections: LOAD_CONNECTIONS,
      duration: LOAD_SECONDS,
      timeout: 30,
      requests: [load.request()],
    }).done;
    const settled = await load.settle(coreApi.url);
    const verified = await load.verify(schema.url, coreApi.url, partner.id);
    t.diagnostic(
      `core API: ${load.requests} answers (${summary(load.statuses)}), ${Math.round(result.requests.average)}/s, p99 ${result.latency.p99} ms; ` +
        `${verified.accepted} quotes accepted, ${verified.submitted} applications submitted, ${verified.events} events; ` +
        `${settled} writes cut off by the end of the load and sent again`,
    );

    assert.deepEqual(load.failures.slice(0, 10), [], 'every answer is the expected one');
    assert.equal(result.errors, 0, 'no connection errors');
    assert.equal(result.timeouts, 0, 'no request left unanswered');
    assert.ok(verified.accepted > 0 && verified.submitted > 0, 'the load wrote');
    assert.ok(![...load.statuses.keys()].some((status) => status >= 500), 'no 5xx');
    await coreApi.assertAlive();
    assert.deepEqual(await coreApi.unhandledErrors(), []);
  });
});
