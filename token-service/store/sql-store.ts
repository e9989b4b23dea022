import { openDb, type Db, type DbConfig } from '../../service-kit/db/db.ts';
import { migrateTokenStore } from './migrations.ts';
import { openPgliteWorker } from './pglite-worker.ts';
import * as issuances from './sql/issuances.ts';
import * as partners from './sql/partners.ts';
import * as signingKeys from './sql/signing-keys.ts';
import type {
  IssuanceRecord,
  PartnerKeyRow,
  PartnerPatch,
  PartnerRow,
  SigningKeyRow,
  TokenStore,
} from './types.ts';

const PARTNERS_CHANNEL = 'tessera_partners';

/**
 * The TokenStore over one `Db`, with the partner change feed: a change made here is told to this
 * process at once and to other processes through NOTIFY. The SQL of each table lives in `sql/`.
 */
export class SqlTokenStore implements TokenStore {
  readonly db: Db;
  readonly #listeners = new Set<() => void>();
  #unlisten: (() => Promise<void>) | null = null;
  // Embedded: this process makes every change, so the feed is live by construction.
  #live: boolean;

  constructor(db: Db) {
    this.db = db;
    this.#live = !db.listen;
  }

  get partnerChangesLive(): boolean {
    return this.#live;
  }

  onPartnersChanged(listener: () => void): () => void {
    this.#listeners.add(listener);
    this.#unlisten ??=
      this.db.listen?.(PARTNERS_CHANNEL, (event) => {
        this.#live = event !== 'lost';
        this.#emit();
      }) ?? null;
    return () => this.#listeners.delete(listener);
  }

  #emit(): void {
    for (const listener of this.#listeners) listener();
  }

  /** After a partner or key change: tell this process now, and other processes through NOTIFY. */
  async #changed(): Promise<void> {
    this.#emit();
    if (this.db.listen) await this.db.query(`SELECT pg_notify('${PARTNERS_CHANNEL}', '')`);
  }

  migrate(): Promise<void> {
    return migrateTokenStore(this.db);
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.#unlisten?.();
    await this.db.close();
  }

  async createPartner(row: PartnerRow): Promise<void> {
    await partners.createPartner(this.db, row);
    await this.#changed();
  }

  getPartner(id: string): Promise<PartnerRow | null> {
    return partners.getPartner(this.db, id);
  }

  listPartners(): Promise<PartnerRow[]> {
    return partners.listPartners(this.db);
  }

  async updatePartner(id: string, patch: PartnerPatch, now: Date): Promise<PartnerRow | null> {
    const updated = await partners.updatePartner(this.db, id, patch, now);
    if (updated) await this.#changed();
    return updated;
  }

  async insertPartnerKey(row: PartnerKeyRow): Promise<void> {
    await partners.insertPartnerKey(this.db, row);
    await this.#changed();
  }

  listPartnerKeys(partnerId: string): Promise<PartnerKeyRow[]> {
    return partners.listPartnerKeys(this.db, partnerId);
  }

  findPartnerKeyByHash(
    secretHash: string,
  ): Promise<{ key: PartnerKeyRow; partner: PartnerRow } | null> {
    return partners.findPartnerKeyByHash(this.db, secretHash);
  }

  async revokePartnerKey(id: string, at: Date): Promise<PartnerKeyRow | null> {
    const revoked = await partners.revokePartnerKey(this.db, id, at);
    if (revoked) await this.#changed();
    return revoked;
  }

  listSigningKeys(): Promise<SigningKeyRow[]> {
    return signingKeys.listSigningKeys(this.db);
  }

  insertSigningKey(row: SigningKeyRow): Promise<void> {
    return signingKeys.insertSigningKey(this.db, row);
  }

  rotateSigningKeys(args: {
    expectedNextKid: string;
    newNext: SigningKeyRow;
    now: Date;
    removeAfter: Date;
  }): Promise<boolean> {
    return signingKeys.rotateSigningKeys(this.db, args);
  }

  recordIssuances(records: IssuanceRecord[]): Promise<void> {
    return issuances.recordIssuances(this.db, records);
  }

  listIssuances(filter: { partnerId?: string; limit?: number }): Promise<IssuanceRecord[]> {
    return issuances.listIssuances(this.db, filter);
  }

  findIssuance(jti: string): Promise<IssuanceRecord | null> {
    return issuances.findIssuance(this.db, jti);
  }
}

/**
 * Opens the database (PostgreSQL when `databaseUrl` is set, else PGlite), migrates it, and wraps
 * it. `embeddedInWorker`: PGlite runs in a worker thread (pglite-worker.ts), for the server.
 */
export async function openTokenStore(
  config: DbConfig & { embeddedInWorker?: boolean },
): Promise<TokenStore> {
  const db =
    config.embeddedInWorker && !config.databaseUrl
      ? await openPgliteWorker(config.dataDir ?? null)
      : await openDb(config);
  const store = new SqlTokenStore(db);
  try {
    await store.migrate();
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return store;
}
