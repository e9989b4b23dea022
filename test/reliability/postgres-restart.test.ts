import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { openCoreStore } from '../../core-api/store/sql-store.ts';
import { MintWorkload, cannon } from './support/cannon.ts';
import { CoreWorkload, seedLoadAccounts } from './support/core-workload.ts';
import {
  ORIGIN,
  createPartner,
  sleep,
  spawnCoreApi,
  spawnTokenService,
  waitFor,
  type ServiceProcess,
} from './support/processes.ts';
import {
  privatePostgresUnavailable,
  startPrivatePostgres,
  type PrivatePostgres,
} from './support/private-postgres.ts';
import { LOAD_CONNECTIONS, QUOTES_PER_ACCOUNT } from './support/tunables.ts';

const unavailable = privatePostgresUnavailable();
const ms = (value: number) => `${Math.round(value)} ms`;

async function readiness(service: ServiceProcess): Promise<{ status: number; database?: string }> {
  await service.assertAlive();
  const response = await fetch(`${service.url}/readyz`);
  const body = (await response.json()) as { checks?: { database?: string } };
  return { status: response.status, database: body.checks?.database };
}

/** Marks when a load first got a success after `mark` was set. */
class Recovery {
  mark: number | undefined;
  firstSuccess: number | undefined;
  observe = (status: number) => {
    if (this.mark !== undefined && this.firstSuccess === undefined && status < 300)
      this.firstSuccess = performance.now();
  };
  reset(mark: number) {
    this.mark = mark;
    this.firstSuccess = undefined;
  }
}

describe(
  'PostgreSQL restarted under load (a private cluster, stopped and started mid-load)',
  { skip: unavailable ?? false },
  () => {
    let postgres: PrivatePostgres;
    let tokenService: ServiceProcess;
    let coreApi: ServiceProcess;

    before(async () => {
      postgres = await startPrivatePostgres();
      const env = { DATABASE_URL: postgres.url, TESSERA_KEY_ROTATION_SECONDS: '0' };
      tokenService = await spawnTokenService('token-service', env);
      coreApi = await spawnCoreApi('core-api', tokenService.url, {
        ...env,
        TESSERA_CORE_RATE_PER_SECOND: '100000',
        TESSERA_CORE_RATE_BURST: '100000',
      });
    });
    after(async () => {
      await coreApi?.stop();
      await tokenService?.stop();
      await postgres?.destroy();
    });

    it('answers 503 service_unavailable while it is down (never a hang, a 500 or a wrong answer), says so on /readyz, recovers by itself, and loses or doubles no write', async (t) => {
      const { partner, key } = await createPartner(tokenService, {
        per_second: 10_000,
        burst: 100_000,
      });
      const store = await openCoreStore({ databaseUrl: postgres.url });
      const accounts = await seedLoadAccounts(
        store,
        tokenService,
        { id: partner.id, secret: key.secret },
        100,
        QUOTES_PER_ACCOUNT,
      ).finally(() => store.close());

      const mints = new MintWorkload({ allowUnavailable: true });
      const writes = new CoreWorkload(accounts, { allowUnavailable: true });
      const mintRecovery = new Recovery();
      const coreRecovery = new Recovery();
      mints.observer = mintRecovery.observe;
      writes.observer = coreRecovery.observe;
      // Half the connections each; a request unanswered for 30 s (6 × the pool's connect
      // timeout) counts as a hang.
      const connections = Math.max(2, Math.floor(LOAD_CONNECTIONS / 2));
      const mintLoad = cannon({
        url: `${tokenService.url}/v1/tokens`,
        method: 'POST',
        connections,
        duration: 600,
        timeout: 30,
        headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          subject: 'acct_load000000000001',
          scopes: ['quote:read'],
          origin: ORIGIN,
        }),
        requests: [mints.request()],
      });
      const coreLoad = cannon({
        url: coreApi.url,
        connections,
        duration: 600,
        timeout: 30,
        requests: [writes.request()],
      });

      const figures: string[] = [];
      try {
        for (const mode of ['fast', 'immediate'] as const) {
          await sleep(2000);
          const stopping = performance.now();
          await postgres.stop(mode);
          const detected = await Promise.all(
            [tokenService, coreApi].map((service) =>
              waitFor(
                async () => {
                  const ready = await readiness(service);
                  return ready.status === 503 && ready.database === 'unavailable';
                },
                `${service.name} /readyz reports the database unavailable`,
                { everyMs: 50 },
              ),
            ),
          );
          await sleep(1500);
          const unavailableBefore = mints.unavailable + writes.unavailable;
          assert.ok(unavailableBefore > 0, 'requests were refused with 503 while it was down');

          await postgres.start();
          const up = performance.now();
          mintRecovery.reset(up);
          coreRecovery.reset(up);
          const ready = await Promise.all(
            [tokenService, coreApi].map((service) =>
              waitFor(
                async () => (await readiness(service)).status === 200,
                `${service.name} ready again`,
                {
                  everyMs: 50,
                },
              ),
            ),
          );
          await waitFor(
            () =>
              mintRecovery.firstSuccess !== undefined && coreRecovery.firstSuccess !== undefined,
            'the load succeeds again',
            { everyMs: 20 },
          );
          figures.push(
            `stop -m ${mode}: down for ${ms(up - stopping)}; /readyz 503 after ${detected.map(ms).join(' / ')}; ` +
              `after start: /readyz 200 in ${ready.map(ms).join(' / ')}, first 201 mint in ${ms(mintRecovery.firstSuccess! - up)}, ` +
              `first 200 core answer in ${ms(coreRecovery.firstSuccess! - up)} (token service / core API)`,
          );
        }
        // Some load on the recovered database before stopping.
        await sleep(2000);
      } finally {
        mintLoad.stop();
        coreLoad.stop();
      }
      const [mintResult, coreResult] = await Promise.all([mintLoad.done, coreLoad.done]);
      const settled = await writes.settle(coreApi.url);
      const verified = await writes.verify(postgres.url, coreApi.url, partner.id);

      const client = new pg.Client({ connectionString: postgres.url });
      await client.connect();
      const recorded = new Set(
        (
          await client.query<{ jti: string }>('SELECT jti FROM issuances WHERE partner_id = $1', [
            partner.id,
          ])
        ).rows.map((row) => row.jti),
      );
      await client.end();

      for (const line of figures) t.diagnostic(line);
      t.diagnostic(
        `mint: ${mints.requests} answers (${[...mints.statuses].map(([s, n]) => `${s}×${n}`).join(' ')}); ` +
          `core API: ${writes.requests} answers (${[...writes.statuses].map(([s, n]) => `${s}×${n}`).join(' ')}); ` +
          `${verified.accepted} quotes accepted, ${verified.submitted} applications submitted; ${settled} writes sent again after the load`,
      );

      assert.deepEqual(
        mints.failures.slice(0, 10),
        [],
        'mint: only 201 or 503 service_unavailable',
      );
      assert.deepEqual(writes.failures.slice(0, 10), [], 'core API: only the right answer or 503');
      for (const result of [mintResult, coreResult]) {
        assert.equal(result.timeouts, 0, 'no request hung');
        assert.equal(result.errors, 0, 'no connection was dropped');
      }
      const missing = mints.jtis.filter((jti) => !recorded.has(jti));
      assert.deepEqual(missing.slice(0, 10), [], 'every token handed out has its audit record');
      for (const service of [tokenService, coreApi]) {
        await service.assertAlive();
        assert.deepEqual(await service.unhandledErrors(), []);
      }
    });
  },
);
