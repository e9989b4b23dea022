import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireLock } from '../service-kit/lock.ts';
import { coreStateDir, type CoreApiConfig } from './config.ts';
import { openCoreStore } from './store/sql-store.ts';
import type { CoreStore } from './store/types.ts';

export const coreAdvertPath = (root: string) => join(coreStateDir(root), 'service.json');

/** The core API's store, locked when embedded (one process per PGlite directory). */
export async function openCoreApiStore(
  config: CoreApiConfig,
): Promise<{ store: CoreStore; close(): Promise<void> }> {
  const dir = coreStateDir(config.dataDir);
  await mkdir(dir, { recursive: true });
  const release = config.databaseUrl
    ? () => Promise.resolve()
    : await acquireLock(join(dir, 'lock'), `The core API's embedded database in ${dir}`);
  try {
    const store = await openCoreStore({
      databaseUrl: config.databaseUrl,
      dataDir: join(dir, 'db'),
    });
    return {
      store,
      async close() {
        await store.close();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}
