import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { Webhook } from 'standardwebhooks';
import { Kek } from '../../../service-kit/kek.ts';
import { openCoreStore } from '../../../core-api/store/sql-store.ts';
import type { CoreStore } from '../../../core-api/store/types.ts';
import { createWebhookEndpoint } from '../../../core-api/webhooks/endpoints.ts';
import { WebhookWorker } from '../../../core-api/webhooks/worker.ts';
import { testSchema } from '../../support/postgres.ts';
import { deliverySuite } from './delivery.suite.ts';
import { startReceiver } from './receiver.ts';

const schema = testSchema();
before(() => schema.create());
after(() => schema.drop());

deliverySuite('PostgreSQL', () => openCoreStore({ databaseUrl: schema.url }));

describe('webhook delivery shared by two instances on one PostgreSQL', () => {
  it('delivers 1,000 events with none missing and none sent twice, each instance its own store and worker', async () => {
    // Two stores: two pools and two LISTEN connections, as two core-API processes would have.
    const stores: CoreStore[] = [
      await openCoreStore({ databaseUrl: schema.url }),
      await openCoreStore({ databaseUrl: schema.url }),
    ];
    const kek = Kek.fromBase64(randomBytes(32).toString('base64'));
    const hooks = await startReceiver();
    const [a, b] = stores as [CoreStore, CoreStore];
    const partnerId = `ptn_${randomBytes(8).toString('hex')}`;
    const endpoint = await createWebhookEndpoint(
      { store: a, kek },
      { partnerId, mode: 'test' },
      { url: hooks.url, event_types: ['quote.accepted'], description: 'shared' },
    );
    const workers = stores.map(
      (store) =>
        new WebhookWorker({
          store,
          kek,
          log: pino({ level: 'silent' }),
          concurrency: 8,
          pollMs: 500,
        }),
    );
    for (const worker of workers) worker.start();
    try {
      const ids: string[] = [];
      // Written through both instances, in parallel batches, while both deliver.
      for (let batch = 0; batch < 20; batch += 1) {
        const written = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            (i % 2 ? a : b).appendEvent({
              id: `evt_${randomBytes(12).toString('hex')}`,
              partner_id: partnerId,
              account_id: 'acct_shared00000000',
              type: 'quote.accepted',
              data: { n: batch * 50 + i },
              request_id: 'req_bulk',
              session_id: null,
            }),
          ),
        );
        ids.push(...written.map((event) => event.id));
      }
      await hooks.until((received) => new Set(received.map((m) => m.id)).size >= ids.length);
      const counts = new Map<string, number>();
      for (const message of hooks.received)
        counts.set(message.id, (counts.get(message.id) ?? 0) + 1);
      assert.equal(counts.size, 1000);
      assert.deepEqual(
        ids.filter((id) => counts.get(id) !== 1),
        [],
        'every event exactly once',
      );
      assert.equal(hooks.maxConcurrentPerId, 1);
      const verifier = new Webhook(endpoint.secret);
      for (const message of hooks.received.slice(0, 50))
        verifier.verify(message.body, message.headers);
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
      await hooks.close();
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});
