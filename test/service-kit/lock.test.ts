import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tmpdir } from 'node:os';
import { TesseraError } from '../../contracts/index.ts';
import { acquireLock, readLiveAdvert, removeAdvert, writeAdvert } from '../../service-kit/lock.ts';

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

const tempDir = () => mkdtemp(join(tmpdir(), 'tessera-kit-'));

describe('the process lock', () => {
  it('is held by one owner: a second taker is refused with data_dir_locked, naming the pid', async () => {
    const path = join(await tempDir(), 'lock');
    const release = await acquireLock(path, 'The test database');
    assert.equal(await readFile(path, 'utf8'), String(process.pid));
    // The lock file of a live process other than this one.
    await writeFile(path, String(process.ppid));
    await assert.rejects(acquireLock(path, 'The test database'), (error: unknown) => {
      assert.ok(error instanceof TesseraError);
      assert.equal(error.code, 'data_dir_locked');
      assert.equal(error.details?.pid, process.ppid);
      return true;
    });
    await release();
    await assert.rejects(readFile(path), { code: 'ENOENT' });
  });

  it('takes over a lock whose owner is gone', async () => {
    const path = join(await tempDir(), 'lock');
    await writeFile(path, String(deadPid()));
    const release = await acquireLock(path, 'The test database');
    assert.equal(await readFile(path, 'utf8'), String(process.pid));
    await release();
  });
});

describe('the service advert', () => {
  it('is read back while its process lives, and is no answer once removed or stale', async () => {
    const path = join(await tempDir(), 'service.json');
    await writeAdvert(path, 'http://127.0.0.1:4000');
    assert.deepEqual(await readLiveAdvert(path), {
      pid: process.pid,
      url: 'http://127.0.0.1:4000',
    });
    await writeFile(path, JSON.stringify({ pid: deadPid(), url: 'http://127.0.0.1:4000' }));
    assert.equal(await readLiveAdvert(path), null);
    await removeAdvert(path);
    assert.equal(await readLiveAdvert(path), null);
  });
});
