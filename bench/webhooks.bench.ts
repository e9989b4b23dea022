/**
 * bench:webhooks — webhook delivery from the outbox to a receiver on loopback, in one process:
 *
 * - throughput: 1,000 events queued while no worker runs, then one worker starts; deliveries per
 *   second until the receiver has them all;
 * - lag under a burst: a worker running, 1,000 events appended at once (50 in flight); per event,
 *   the time from its commit to its arrival at the receiver, p50 and p99.
 *
 * Embedded PGlite; set BENCH_DATABASE_URL to measure on PostgreSQL too. BENCH_EVENTS changes the
 * count, BENCH_CONCURRENCY the worker's attempts in flight (default 16, the core API's).
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { openCoreStore } from '../core-api/store/sql-store.ts';
import type { CoreStore } from '../core-api/store/types.ts';
import { createWebhookEndpoint } from '../core-api/webhooks/endpoints.ts';
import { WebhookWorker } from '../core-api/webhooks/worker.ts';
import { Kek } from '../service-kit/kek.ts';
import { startReceiver } from '../test/core-api/webhooks/receiver.ts';
import { testSchema } from '../test/support/postgres.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const IN_FLIGHT_WRITES = 50;
const kek = Kek.fromBase64(randomBytes(32).toString('base64'));

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function setUp(store: CoreStore) {
  const receiver = await startReceiver();
  const partnerId = `ptn_${randomBytes(8).toString('hex')}`;
  await createWebhookEndpoint(
    { store, kek },
    { partnerId, mode: 'test' },
    { url: receiver.url, event_types: ['quote.accepted'], description: 'bench' },
  );
  const committed = new Map<string, number>();
  async function append(count: number) {
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT_WRITES }, async () => {
        while (next < count) {
          next += 1;
          const event = await store.appendEvent({
            id: `evt_${randomBytes(12).toString('hex')}`,
            partner_id: partnerId,
            account_id: 'acct_bench0000000000',
            type: 'quote.accepted',
            data: { id: 'qt_bench0000000000', status: 'accepted', total: 12_300 },
            request_id: 'req_bench',
            session_id: null,
          });
          committed.set(event.id, performance.now());
        }
      }),
    );
  }
  const worker = () =>
    new WebhookWorker({ store, kek, log: pino({ level: 'silent' }), concurrency: CONCURRENCY });
  return { receiver, append, committed, worker };
}

async function throughput(store: CoreStore) {
  const { receiver, append, worker } = await setUp(store);
  await append(EVENTS);
  const running = worker();
  const started = performance.now();
  running.start();
  await receiver.until((received) => received.length >= EVENTS);
  const seconds = (performance.now() - started) / 1000;
  await running.stop();
  await receiver.close();
  return EVENTS / seconds;
}

async function burstLag(store: CoreStore) {
  const { receiver, append, committed, worker } = await setUp(store);
  const running = worker();
  running.start();
  await append(EVENTS);
  await receiver.until((received) => received.length >= EVENTS);
  await running.stop();
  await receiver.close();
  const lags = receiver.received
    .map((message) => message.at - (committed.get(message.id) ?? message.at))
    .toSorted((a, b) => a - b);
  return { p50: percentile(lags, 50), p99: percentile(lags, 99), max: lags.at(-1) ?? NaN };
}

async function measure(name: string, open: () => Promise<CoreStore>) {
  const store = await open();
  try {
    const perSecond = await throughput(store);
    const lag = await burstLag(store);
    console.log(
      `${name.padEnd(10)} ${perSecond.toFixed(0).padStart(6)} deliveries/s · burst of ${EVENTS}: lag p50 ${lag.p50.toFixed(0)} ms, p99 ${lag.p99.toFixed(0)} ms, max ${lag.max.toFixed(0)} ms`,
    );
  } finally {
    await store.close();
  }
}

console.log(
  `webhooks: ${EVENTS} events, one endpoint on loopback, one worker with ${CONCURRENCY} attempts in flight`,
);
await measure('PGlite', () => openCoreStore({ dataDir: null }));
if (process.env.BENCH_DATABASE_URL) {
  const schema = testSchema();
  await schema.create();
  try {
    await measure('PostgreSQL', () => openCoreStore({ databaseUrl: schema.url }));
  } finally {
    await schema.drop();
  }
}
