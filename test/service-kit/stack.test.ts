import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TesseraError } from '../../contracts/index.ts';
import { adminTokenPath, loadAdminToken, readAdminToken } from '../../service-kit/stack.ts';

const tempDir = () => mkdtemp(join(tmpdir(), 'tessera-kit-'));

describe("the stack's admin token", () => {
  it('is generated once into the data dir (mode 0600) and the same one is loaded again', async () => {
    const dataDir = await tempDir();
    const first = await loadAdminToken({ adminToken: undefined, dataDir });
    assert.match(first, /^tadm_[A-Za-z0-9_-]{43}$/);
    assert.equal((await stat(adminTokenPath(dataDir))).mode & 0o777, 0o600);
    assert.equal(await loadAdminToken({ adminToken: undefined, dataDir }), first);
    assert.equal(await readAdminToken({ adminToken: undefined, dataDir }), first);
    assert.equal((await readFile(adminTokenPath(dataDir), 'utf8')).trim(), first);
  });

  it('is TESSERA_ADMIN_TOKEN when set, and then no file is written', async () => {
    const dataDir = await tempDir();
    assert.equal(await loadAdminToken({ adminToken: 'tadm_given', dataDir }), 'tadm_given');
    await assert.rejects(readFile(adminTokenPath(dataDir)), { code: 'ENOENT' });
  });

  it('is never created by a client: without one, admin_unauthorized', async () => {
    const dataDir = await tempDir();
    await assert.rejects(readAdminToken({ adminToken: undefined, dataDir }), (error: unknown) => {
      assert.ok(error instanceof TesseraError);
      assert.equal(error.code, 'admin_unauthorized');
      return true;
    });
    await assert.rejects(readFile(adminTokenPath(dataDir)), { code: 'ENOENT' });
  });
});
