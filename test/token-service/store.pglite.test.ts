import { mkdtemp, readdir, rm } from 'node:fs/promises';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openTokenStore } from '../../token-service/store/sql-store.ts';
import { storeSuite } from './store.suite.ts';

describe('PGlite store', () => {
  let root = '';
  // A directory that does not exist yet: opening must create it, parents included.
  const dataDir = () => join(root, 'nested', 'data');

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'tessera-store-'));
  });

  after(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  storeSuite('PGlite', () => openTokenStore({ dataDir: dataDir() }));

  it('persisted under the data directory', async () => {
    assert.ok((await readdir(dataDir())).includes('PG_VERSION'));
  });

  it('runs in memory when no directory is given', async () => {
    const store = await openTokenStore({ dataDir: null });
    try {
      await store.ping();
      assert.deepEqual(await store.listPartners(), []);
    } finally {
      await store.close();
    }
  });
});
