import { importJWK } from 'jose';
import { TesseraError } from '../contracts/v1/errors.ts';

/** The signature algorithms a verifier may be told to accept. Nothing else is ever imported. */
export type VerifierAlgorithm = 'ES256' | 'EdDSA';

/**
 * What a `kid` may look like before we consult (let alone fetch) the key set. Thumbprints are
 * 43 base64url characters; the looser bound leaves room for other key ids without letting
 * path fragments, quotes or megabyte strings reach a map lookup, a log line or the network.
 */
export const KID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** A JWKS fetch that takes longer than this counts as failed; the last good set keeps serving. */
export const JWKS_FETCH_TIMEOUT_MS = 5_000;

/** A larger JWKS is not one the token service publishes (it holds a handful of keys). */
const MAX_JWKS_BYTES = 256 * 1024;
const MAX_KEYS = 100;

/** While no key set was ever obtained, retry this often at most (a boot-time blip must heal fast). */
const INITIAL_RETRY_MS = 1_000;

export interface VerificationKey {
  readonly kid: string;
  readonly alg: VerifierAlgorithm;
  readonly key: CryptoKey;
}

export interface KeySetOptions {
  jwksUrl: string;
  algorithms: readonly VerifierAlgorithm[];
  cooldownMs: number;
  cacheMaxAgeMs: number;
  fetch: typeof fetch;
  now: () => number;
}

/**
 * The token service's public keys, fetched only from the configured JWKS URL.
 *
 * Written instead of jose's `createRemoteJWKSet` because that one fails every verification once
 * its cache is stale and the refetch fails; here a failed refetch changes nothing, the last
 * good set keeps serving until a later fetch succeeds.
 *
 * - Proactive refresh: once the set is older than `cacheMaxAgeMs` (or the response's smaller
 *   `Cache-Control: max-age`, floored at the cooldown so `no-store` cannot cause a fetch per
 *   request) a background fetch starts; callers keep using the current set meanwhile.
 * - Unknown `kid`: at most one fetch per `cooldownMs`, shared by every concurrent caller, so a
 *   flood of invented kids costs the token service one request per cooldown.
 * - A response that is not `{ "keys": [...] }` or holds no usable key counts as a failed fetch:
 *   the token service always publishes an active key, so an empty set means a broken deploy,
 *   not "trust nothing" — and keeping the old set is what keeps the API up meanwhile.
 */
export class KeySet {
  readonly #options: KeySetOptions;
  readonly #closed = new AbortController();
  #keys = new Map<string, VerificationKey>();
  #loaded = false;
  #fetchedAt = Number.NEGATIVE_INFINITY;
  #maxAgeMs: number;
  #lastAttemptAt = Number.NEGATIVE_INFINITY;
  #lastAttemptFailed = false;
  #lastUnknownKidFetchAt = Number.NEGATIVE_INFINITY;
  #inflight: Promise<boolean> | undefined;
  #fetches = 0;

  constructor(options: KeySetOptions) {
    this.#options = options;
    this.#maxAgeMs = options.cacheMaxAgeMs;
  }

  /** Number of JWKS requests sent so far (successful or not). */
  get fetches(): number {
    return this.#fetches;
  }

  /**
   * The key for `kid`. Throws `token_key_unknown` for a hostile or unpublished kid and
   * `keys_unavailable` when no key set was ever obtained.
   */
  async get(kid: string): Promise<VerificationKey> {
    if (!KID_PATTERN.test(kid)) {
      throw new TesseraError(
        'token_key_unknown',
        "The token's `kid` is not a key id this verifier accepts.",
      );
    }
    // A caller that already waited for a fetch during this call must not start another one:
    // otherwise the first token after boot with an unknown kid would cost two requests.
    let waitedForFetch = false;
    if (!this.#loaded) {
      waitedForFetch = await this.#loadInitial();
    } else {
      this.#refreshIfStale();
    }
    let found = this.#keys.get(kid);
    if (found) return found;

    if (this.#inflight) {
      await this.#inflight;
      waitedForFetch = true;
      found = this.#keys.get(kid);
      if (found) return found;
    }
    const now = this.#options.now();
    if (!waitedForFetch && now - this.#lastUnknownKidFetchAt >= this.#options.cooldownMs) {
      this.#lastUnknownKidFetchAt = now;
      await this.#refresh();
      found = this.#keys.get(kid);
      if (found) return found;
    }
    throw new TesseraError('token_key_unknown');
  }

  /** Loads the key set if it was never loaded; for warm-up at boot. Never throws. */
  async warmUp(): Promise<boolean> {
    if (this.#loaded) return true;
    await this.#loadInitial().catch(() => false);
    return this.#loaded;
  }

  /** Aborts any fetch in flight; later fetches fail at once and the current set keeps serving. */
  close(): void {
    this.#closed.abort();
  }

  async #loadInitial(): Promise<boolean> {
    let waited = false;
    if (this.#inflight) {
      await this.#inflight;
      waited = true;
    } else if (
      this.#options.now() - this.#lastAttemptAt >=
      Math.min(INITIAL_RETRY_MS, this.#options.cooldownMs)
    ) {
      await this.#refresh();
      waited = true;
    }
    if (!this.#loaded) throw new TesseraError('keys_unavailable');
    return waited;
  }

  #refreshIfStale(): void {
    if (this.#inflight) return;
    const now = this.#options.now();
    if (now - this.#fetchedAt < this.#maxAgeMs) return;
    // A failing JWKS must not be hammered by every request once the set is stale.
    if (this.#lastAttemptFailed && now - this.#lastAttemptAt < this.#options.cooldownMs) return;
    void this.#refresh();
  }

  /** One shared fetch; resolves to whether it produced a new key set. Never rejects. */
  #refresh(): Promise<boolean> {
    this.#inflight ??= this.#fetchAndSwap().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #fetchAndSwap(): Promise<boolean> {
    const startedAt = this.#options.now();
    this.#lastAttemptAt = startedAt;
    this.#fetches += 1;
    try {
      const { keys, maxAgeMs } = await this.#download();
      this.#keys = keys;
      this.#loaded = true;
      this.#fetchedAt = startedAt;
      this.#maxAgeMs = maxAgeMs;
      this.#lastAttemptFailed = false;
      return true;
    } catch {
      this.#lastAttemptFailed = true;
      return false;
    }
  }

  async #download(): Promise<{ keys: Map<string, VerificationKey>; maxAgeMs: number }> {
    const signal = AbortSignal.any([
      this.#closed.signal,
      AbortSignal.timeout(JWKS_FETCH_TIMEOUT_MS),
    ]);
    const response = await this.#options.fetch(this.#options.jwksUrl, {
      headers: { accept: 'application/jwk-set+json, application/json' },
      signal,
    });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error(`JWKS answered ${response.status}`);
    }
    const text = await response.text();
    if (text.length > MAX_JWKS_BYTES) throw new Error('JWKS too large');
    const body: unknown = JSON.parse(text);
    if (!isRecord(body) || !Array.isArray(body.keys))
      throw new Error('JWKS is not { keys: [...] }');

    const keys = new Map<string, VerificationKey>();
    for (const raw of body.keys.slice(0, MAX_KEYS)) {
      const candidate = publicVerificationJwk(raw, this.#options.algorithms);
      if (!candidate || keys.has(candidate.kid)) continue;
      try {
        const key = await importJWK(candidate.jwk, candidate.alg);
        if (key instanceof Uint8Array) continue;
        keys.set(candidate.kid, { kid: candidate.kid, alg: candidate.alg, key });
      } catch {
        // One unimportable key must not cost the others.
      }
    }
    if (keys.size === 0) throw new Error('JWKS holds no usable key');
    return { keys, maxAgeMs: this.#effectiveMaxAge(response.headers.get('cache-control')) };
  }

  #effectiveMaxAge(cacheControl: string | null): number {
    const configured = this.#options.cacheMaxAgeMs;
    const floor = Math.min(this.#options.cooldownMs, configured);
    if (!cacheControl) return configured;
    let headerMs: number | undefined;
    if (/(?:^|,)\s*(?:no-store|no-cache)\s*(?:,|$)/i.test(cacheControl)) headerMs = 0;
    const match = /(?:^|,)\s*max-age\s*=\s*"?(\d{1,10})"?\s*(?:,|$)/i.exec(cacheControl);
    if (match?.[1] !== undefined)
      headerMs = Math.min(headerMs ?? Infinity, Number(match[1]) * 1000);
    if (headerMs === undefined) return configured;
    return Math.max(floor, Math.min(configured, headerMs));
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const B64URL_MEMBER = /^[A-Za-z0-9_-]{1,512}$/;

/**
 * Copies only the public members of a published key, and only when it is a signing key for an
 * allowed algorithm. Private members (`d`, …) a misconfigured server might publish are dropped
 * rather than imported, so nothing secret ends up in a CryptoKey here.
 */
function publicVerificationJwk(
  raw: unknown,
  allowed: readonly VerifierAlgorithm[],
): { kid: string; alg: VerifierAlgorithm; jwk: Record<string, string> } | undefined {
  if (!isRecord(raw)) return undefined;
  const { kid, kty, crv, x, y, use, alg } = raw;
  if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) return undefined;
  if (use !== undefined && use !== 'sig') return undefined;
  if (typeof x !== 'string' || !B64URL_MEMBER.test(x)) return undefined;

  let inferred: VerifierAlgorithm;
  let jwk: Record<string, string>;
  if (kty === 'EC' && crv === 'P-256') {
    if (typeof y !== 'string' || !B64URL_MEMBER.test(y)) return undefined;
    inferred = 'ES256';
    jwk = { kty, crv, x, y };
  } else if (kty === 'OKP' && crv === 'Ed25519') {
    inferred = 'EdDSA';
    jwk = { kty, crv, x };
  } else {
    return undefined;
  }
  if (alg !== undefined && alg !== inferred) return undefined;
  if (!allowed.includes(inferred)) return undefined;
  return { kid, alg: inferred, jwk };
}
