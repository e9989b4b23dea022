import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openCoreStore } from '../../core-api/store/sql-store.ts';
import { coreStoreSuite } from './store.suite.ts';

describe('PGlite core store', () => {
  let root = '';
  // A directory that does not exist yet: opening must create it, parents included.
  const dataDir = () => join(root, 'nested', 'core-api');

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'tessera-core-store-'));
  });

  after(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  coreStoreSuite('PGlite', () => openCoreStore({ dataDir: dataDir() }));

  it('persisted under the data directory', async () => {
    assert.ok((await readdir(dataDir())).includes('PG_VERSION'));
  });

  it('runs in memory when no directory is given', async () => {
    const store = await openCoreStore({ dataDir: null });
    try {
      await store.ping();
      assert.equal(await store.getAccount('acct_0000000000000000'), null);
      assert.deepEqual(await store.listEvents('ptn_0000000000000000', 0, 10), []);
    } finally {
      await store.close();
    }
  });
});
