import { readFile, unlink, writeFile } from 'node:fs/promises';
import { TesseraError } from '../contracts/index.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An exclusive lock on an embedded database: PGlite is one process's, and a second opener would
 * corrupt it. The lock file holds the owner's pid; a lock whose owner is gone is taken over.
 */
export async function acquireLock(path: string, what: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, String(process.pid), { flag: 'wx' });
      return async () => {
        await unlink(path).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (pid && pid !== process.pid && alive(pid)) {
        throw new TesseraError(
          'data_dir_locked',
          `${what} is in use by process ${pid} (lock ${path}). Stop it, or point --data-dir elsewhere.`,
          { pid, lock: path },
        );
      }
      await unlink(path).catch(() => undefined);
    }
  }
  throw new TesseraError('data_dir_locked', `Could not take the lock ${path}.`, { lock: path });
}

export { alive as processAlive };

/** What a running service leaves in its state dir, so a CLI on the same data dir can find it. */
export interface ServiceAdvert {
  pid: number;
  url: string;
}

export async function writeAdvert(path: string, url: string): Promise<void> {
  await writeFile(path, JSON.stringify({ pid: process.pid, url } satisfies ServiceAdvert));
}

/** The advert at `path` when the process that wrote it still runs; a stale one is no answer. */
export async function readLiveAdvert(path: string): Promise<ServiceAdvert | null> {
  const advert = await readFile(path, 'utf8')
    .then((text) => JSON.parse(text) as ServiceAdvert)
    .catch(() => null);
  return advert && alive(advert.pid) ? advert : null;
}

export async function removeAdvert(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}
