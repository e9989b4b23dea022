import type { IssuanceRecord, TokenStore } from './store/types.ts';

/**
 * Group commit for issuance records: a token is handed out only after its audit record is in the
 * database, but concurrent mints share one multi-row INSERT instead of paying a round trip each.
 */
export class AuditWriter {
  readonly #store: TokenStore;
  #pending: { record: IssuanceRecord; done: (error?: Error) => void }[] = [];
  #flushing: Promise<void> | null = null;
  readonly #maxBatch: number;

  constructor(store: TokenStore, maxBatch = 500) {
    this.#store = store;
    this.#maxBatch = maxBatch;
  }

  record(record: IssuanceRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ record, done: (error) => (error ? reject(error) : resolve()) });
      this.#flushing ??= this.#flush();
    });
  }

  /** Resolves once everything recorded so far is written. */
  async drain(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  async #flush(): Promise<void> {
    // Let the requests arriving in this turn of the event loop join the batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#maxBatch);
      try {
        await this.#store.recordIssuances(batch.map((entry) => entry.record));
        for (const entry of batch) entry.done();
      } catch (error) {
        for (const entry of batch)
          entry.done(error instanceof Error ? error : new Error(String(error)));
      }
    }
    this.#flushing = null;
  }
}
