import * as z from 'zod/mini';

/** A feed fetch that takes longer than this counts as failed. */
export const REVOCATIONS_FETCH_TIMEOUT_MS = 5_000;

/** After a failed fetch, requests go on with what we have for this long before the next try. */
export const REVOCATIONS_RETRY_MS = 2_000;

const MAX_FEED_BYTES = 1024 * 1024;

/** Body of the token service's revocations feed. */
export const RevocationFeed = z.object({
  partners: z.array(
    z.object({
      client_id: z.string(),
      not_before: z.number(),
    }),
  ),
});
export type RevocationFeed = z.infer<typeof RevocationFeed>;

export interface RevocationListOptions {
  url: string;
  maxAgeMs: number;
  fetch: typeof fetch;
  now: () => number;
}

/**
 * Per-partner "not before" times from the token service: a token whose `iat` is earlier than
 * its partner's `not_before` was minted before the partner was suspended and no longer verifies.
 *
 * Freshness: the list is used for at most `maxAgeMs` (default 30 s) — that is how long a
 * suspension takes to reach this verifier. Past 80 % of that age a refresh starts in the
 * background so steady traffic never waits; past the full age a request waits for the refresh,
 * so a quiet verifier does not apply a stale list to its first request after a pause.
 *
 * Failure: a failed refresh keeps the last good list (a suspension published meanwhile then
 * takes longer to arrive, but every verification does not fail with it). If the feed was never
 * reachable the list is treated as empty — suspension is an emergency brake layered on top of
 * short token lifetimes, and taking the whole API down because the feed is down would be worse
 * than a partner's tokens living out their (≤ 15 min) lifetime. Either way the next request
 * after `REVOCATIONS_RETRY_MS` tries again, and no request waits longer than one fetch timeout.
 */
export class RevocationList {
  readonly #options: RevocationListOptions;
  readonly #closed = new AbortController();
  #notBefore = new Map<string, number>();
  #fetchedAt = Number.NEGATIVE_INFINITY;
  #nextAttemptAt = Number.NEGATIVE_INFINITY;
  #inflight: Promise<void> | undefined;
  #fetches = 0;

  constructor(options: RevocationListOptions) {
    this.#options = options;
  }

  get fetches(): number {
    return this.#fetches;
  }

  /** The partner's not-before (epoch seconds), or undefined when the partner was never suspended. */
  async notBefore(clientId: string): Promise<number | undefined> {
    const now = this.#options.now();
    const age = now - this.#fetchedAt;
    if (age >= this.#options.maxAgeMs * 0.8) {
      const refresh = this.#inflight ?? (now >= this.#nextAttemptAt ? this.#refresh() : undefined);
      if (refresh && age >= this.#options.maxAgeMs) await refresh;
    }
    return this.#notBefore.get(clientId);
  }

  close(): void {
    this.#closed.abort();
  }

  #refresh(): Promise<void> {
    this.#inflight ??= this.#fetchAndSwap().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #fetchAndSwap(): Promise<void> {
    const startedAt = this.#options.now();
    this.#fetches += 1;
    try {
      this.#notBefore = await this.#download();
      this.#fetchedAt = startedAt;
      this.#nextAttemptAt = Number.NEGATIVE_INFINITY;
    } catch {
      this.#nextAttemptAt = startedAt + REVOCATIONS_RETRY_MS;
    }
  }

  async #download(): Promise<Map<string, number>> {
    const signal = AbortSignal.any([
      this.#closed.signal,
      AbortSignal.timeout(REVOCATIONS_FETCH_TIMEOUT_MS),
    ]);
    const response = await this.#options.fetch(this.#options.url, {
      headers: { accept: 'application/json' },
      signal,
    });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error(`revocations feed answered ${response.status}`);
    }
    const text = await response.text();
    if (text.length > MAX_FEED_BYTES) throw new Error('revocations feed too large');
    const feed = RevocationFeed.parse(JSON.parse(text));
    const notBefore = new Map<string, number>();
    for (const { client_id, not_before } of feed.partners) {
      notBefore.set(
        client_id,
        Math.max(not_before, notBefore.get(client_id) ?? Number.NEGATIVE_INFINITY),
      );
    }
    return notBefore;
  }
}
