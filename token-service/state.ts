import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireLock } from '../service-kit/lock.ts';
import type { Logger } from '../service-kit/log.ts';
import { stateDir, type TokenServiceConfig } from './config.ts';
import { Kek } from './kek.ts';
import { KeyRing } from './keys.ts';
import { Partners } from './partners.ts';
import { openTokenStore } from './store/sql-store.ts';
import type { TokenStore } from './store/types.ts';

export const advertPath = (root: string) => join(stateDir(root), 'service.json');
export const lockPath = (root: string) => join(stateDir(root), 'lock');

/** The token service's persistent state: its store, partners and signing keys. */
export interface TokenServiceState {
  store: TokenStore;
  partners: Partners;
  keys: KeyRing;
  close(): Promise<void>;
}

/**
 * Opens what the service and the CLI share: the store (locked when embedded), partners, keys.
 * With DATABASE_URL nothing is locked: PostgreSQL serves many processes.
 */
export async function openTokenServiceState(
  config: TokenServiceConfig,
  log: Logger,
  options: { embeddedInWorker?: boolean } = {},
): Promise<TokenServiceState> {
  const dir = stateDir(config.dataDir);
  await mkdir(dir, { recursive: true });
  const release = config.databaseUrl
    ? () => Promise.resolve()
    : await acquireLock(lockPath(config.dataDir), `The embedded database in ${dir}`);
  let store: TokenStore | null = null;
  try {
    store = await openTokenStore({
      databaseUrl: config.databaseUrl,
      dataDir: join(dir, 'db'),
      embeddedInWorker: options.embeddedInWorker ?? false,
    });
    const kek = await Kek.load({ env: config.kek, stateDir: dir, log });
    const keys = new KeyRing(store, kek, {
      alg: config.alg,
      publishWindowSec: config.publishWindowSec,
      maxTokenLifetimeSec: 900,
      clockSkewSec: 30,
    });
    await keys.init();
    const opened = store;
    return {
      store: opened,
      partners: new Partners(opened),
      keys,
      async close() {
        await opened.close();
        await release();
      },
    };
  } catch (error) {
    // Close before unlocking: an open database must never be left behind an unlocked dir.
    await store?.close();
    await release();
    throw error;
  }
}
