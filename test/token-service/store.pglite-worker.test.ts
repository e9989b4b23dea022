import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqlTokenStore, openTokenStore } from '../../token-service/store/sql-store.ts';
import type { IssuanceRecord } from '../../token-service/store/types.ts';
import { storeSuite } from './store.suite.ts';

const record = (jti: string): IssuanceRecord => ({
  jti,
  partner_id: 'ptn_worker00000001',
  key_id: 'pk_worker000000001',
  subject: 'acct_worker0000001',
  scopes: ['quote:read'],
  origin: 'https://shop.example',
  kid: 'kid-worker',
  issued_at: new Date('2026-01-01T00:00:00Z'),
  expires_at: new Date('2026-01-01T00:05:00Z'),
  request_id: `req_${jti}`,
  correlation_id: 'tab\there, newline\nthere, quote " and \\ backslash',
  dpop_jkt: null,
});

describe('PGlite store in a worker thread', () => {
  let root = '';
  const dataDir = () => join(root, 'nested', 'data');

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'tessera-store-worker-'));
  });

  after(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  storeSuite('PGlite in a worker thread', () =>
    openTokenStore({ dataDir: dataDir(), embeddedInWorker: true }),
  );

  it('persisted under the data directory', async () => {
    assert.ok((await readdir(dataDir())).includes('PG_VERSION'));
  });

  it('records issuances outside a transaction that is open meanwhile, which may roll back', async () => {
    const store = await openTokenStore({ dataDir: dataDir(), embeddedInWorker: true });
    try {
      assert.ok(store instanceof SqlTokenStore);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let recorded: Promise<void> | undefined;
      const rolledBack = store.db.transaction(async (tx) => {
        await tx.query('SELECT 1');
        // Recorded while this transaction is open: it must wait for it, never join it.
        recorded = store.recordIssuances([record('jti-during-tx')]);
        await new Promise((resolve) => setTimeout(resolve, 50));
        release();
        throw new Error('roll back');
      });
      await held;
      await assert.rejects(rolledBack, /roll back/);
      await recorded;
      const found = await store.findIssuance('jti-during-tx');
      assert.deepEqual(found, record('jti-during-tx'));
    } finally {
      await store.close();
    }
  });

  it('runs the prepared INSERT again after one failed', async () => {
    const store = await openTokenStore({ dataDir: dataDir(), embeddedInWorker: true });
    try {
      await store.recordIssuances([record('jti-repeat')]);
      await assert.rejects(
        store.recordIssuances([record('jti-repeat')]),
        (err) => (err as { code?: unknown }).code === '23505',
      );
      await store.recordIssuances([record('jti-after-failure')]);
      assert.ok(await store.findIssuance('jti-after-failure'));
    } finally {
      await store.close();
    }
  });
});
