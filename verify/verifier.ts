import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { normaliseOrigin } from '../contracts/v1/common.ts';
import { TesseraError } from '../contracts/v1/errors.ts';
import { isScope } from '../contracts/v1/scopes.ts';
import type { Scope } from '../contracts/v1/scopes.ts';
import { MAX_TOKEN_TTL_SECONDS, TokenClaims } from '../contracts/v1/token.ts';
import { DpopVerifier } from './dpop.ts';
import { KeySet } from './key-set.ts';
import type { VerifierAlgorithm } from './key-set.ts';
import { RevocationList } from './revocations.ts';
import {
  header,
  parseAuthorization,
  type AuthScheme,
  type RequestHeaders,
} from './authorization.ts';
import { MAX_TOKEN_LENGTH, statedOrigin } from './token-format.ts';
import { verifySignedClaims, type SignatureCheck } from './signed-claims.ts';

const REQUIRED_CLAIMS = ['sub', 'client_id', 'scope', 'origin', 'jti', 'exp', 'iat'];

export interface VerifierOptions {
  /** Expected `iss`, exactly. */
  issuer: string;
  /** Expected `aud` (a string claim, or one member of an array claim). */
  audience: string;
  /** The only place keys come from. */
  jwksUrl: string;
  /** Defaults to `new URL('/v1/revocations', issuer)`. */
  revocationsUrl?: string;
  /** Exactly the accepted `alg` values. Default `['ES256']`. */
  algorithms?: VerifierAlgorithm[];
  /** Default 30. */
  clockToleranceSec?: number;
  /** Oldest `iat` accepted, tolerance included. Default 900 + `clockToleranceSec`. */
  maxTokenAgeSec?: number;
  /** Minimum time between two JWKS fetches caused by an unknown `kid`. Default 30 000. */
  cooldownMs?: number;
  /** Age at which the JWKS is refreshed in the background (a smaller `Cache-Control: max-age` wins). Default 300 000. */
  cacheMaxAgeMs?: number;
  /** How long a revocations list is used; the time a suspension takes to reach this verifier. Default 30 000. */
  revocationsMaxAgeMs?: number;
  fetch?: typeof fetch;
  /** Clock in epoch milliseconds, for tests. */
  now?: () => number;
  /** Bound on the verified-token cache. Default 10 000. */
  verifiedCacheSize?: number;
  /**
   * The origin clients address this API at (`https://api.example.com`), or a function giving it
   * once it is known. DPoP `htu` is compared with this origin plus the request's path; the
   * request's own URL names a host only because the client said so (`Host`, an absolute-form
   * target), so a proof made for another deployment would match a request claiming that host.
   * Unset, `verify` compares with `request.url` as given: right only where that URL does not
   * come from the client.
   */
  publicOrigin?: string | (() => string);
  /** A key set to share with a partner verifier, so one JWKS cache serves both; not closed by `close`. */
  keySet?: KeySet;
  /** A revocation list to share likewise; not closed by `close`. */
  revocations?: RevocationList;
}

export interface VerifyRequest {
  method: string;
  /** The URL the request arrived at; only its path counts when `publicOrigin` is set. */
  url: string;
  headers: RequestHeaders;
}

export interface TokenRequirement {
  /** Every one of these must be in the token's `scope`. */
  scopes?: readonly Scope[];
}

export interface VerifyTokenOptions extends TokenRequirement {
  /** The request's `Origin`, if it had one. */
  origin?: string;
  method?: string;
  url?: string;
  /** The DPoP proof, required when the token is DPoP-bound. */
  dpop?: string;
  /** The authorization scheme the token arrived with, when there was one. */
  scheme?: AuthScheme;
}

export interface VerifiedToken {
  claims: TokenClaims;
  /** The token's scopes that Tessera knows; unknown scope strings are dropped. */
  scopes: Set<Scope>;
  token: string;
}

export interface VerifierStats {
  jwksFetches: number;
  revocationFetches: number;
  /** Verifications that skipped signature and claim parsing thanks to the verified-token cache. */
  verifiedCacheHits: number;
}

export interface Verifier {
  /**
   * Verifies the access token of an HTTP request, resolving to its claims or throwing a
   * `TesseraError` whose code names exactly what is wrong.
   *
   * The token comes from `Authorization: Bearer <token>` or `Authorization: DPoP <token>`.
   * A DPoP-bound token (`cnf.jkt`) must use the DPoP scheme with a valid `DPoP` proof; an
   * unbound token sent with the DPoP scheme is refused with `dpop_key_mismatch` — RFC 9449
   * §7.1 makes the DPoP scheme a claim that the token is bound to the proof's key, and
   * accepting it silently would hide a widget/partner misconfiguration.
   *
   * Origin: a request WITH an `Origin` header must carry the token's `origin` claim, and that is
   * checked first, before the signature, expiry and revocation: a page on another origin holding
   * the token gets `origin_mismatch` whatever the token's state, so it learns nothing. A request
   * without one is accepted: browsers send `Origin` on every cross-origin request, so its
   * absence means a server-to-server caller (the partner's backend), whose origin is not a
   * meaningful boundary — that caller could forge any header anyway; the token's other claims
   * (short life, scope, DPoP binding) still apply.
   */
  verify(request: VerifyRequest, requirement?: TokenRequirement): Promise<VerifiedToken>;
  /** The same checks for a token obtained outside HTTP; `origin`, `method`, `url`, `dpop` describe the use. */
  verifyToken(token: string, options?: VerifyTokenOptions): Promise<VerifiedToken>;
  /** Starts loading the key set, for a readiness probe. Resolves to whether keys are available. */
  warmUp(): Promise<boolean>;
  /** Aborts fetches in flight and drops caches; tokens already verified are verified again. */
  close(): void;
  stats(): VerifierStats;
}

interface CachedToken {
  readonly claims: TokenClaims;
  readonly scopes: ReadonlySet<Scope>;
}

const dpopBoundErrors = new WeakSet<object>();

/**
 * Whether a verification error concerned a DPoP-bound token, so the challenge can name the
 * DPoP scheme even when the client presented the token as Bearer.
 */
export function isDpopBoundError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && dpopBoundErrors.has(error);
}

/** A request without `Origin` (not a browser) matches any; a browser's must be the claim's. */
export function originMatches(requestOrigin: string | undefined, claimed: string): boolean {
  // Browsers send the canonical form, so the exact compare settles the hot path without a URL parse.
  return (
    requestOrigin === undefined ||
    requestOrigin === claimed ||
    (normaliseOrigin(requestOrigin) ?? requestOrigin) === claimed
  );
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

/**
 * Offline verifier for Tessera widget tokens (RFC 9068 JWTs) against the token service's JWKS.
 *
 * Verified-token cache: a token whose signature and claims verified once is remembered (keyed
 * by its SHA-256, bounded LRU) until its `exp`, so repeat requests skip the signature check and
 * claim parsing. Expiry, maximum age, revocation, DPoP, origin and scope are still checked on
 * every request. A consequence: a key removed from the JWKS does not invalidate tokens already
 * cached — they live out their (≤ 15 min) lifetime; suspension is what revokes tokens.
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const algorithms: readonly VerifierAlgorithm[] = [...(options.algorithms ?? ['ES256'])];
  if (algorithms.length === 0 || algorithms.some((alg) => alg !== 'ES256' && alg !== 'EdDSA')) {
    throw new TypeError('algorithms must be a non-empty list of ES256 and/or EdDSA');
  }
  const clockToleranceSec = options.clockToleranceSec ?? 30;
  const maxTokenAgeSec = options.maxTokenAgeSec ?? MAX_TOKEN_TTL_SECONDS + clockToleranceSec;
  const revocationsUrl = options.revocationsUrl ?? new URL('/v1/revocations', options.issuer).href;

  const keySet =
    options.keySet ??
    new KeySet({
      jwksUrl: options.jwksUrl,
      algorithms,
      cooldownMs: options.cooldownMs ?? 30_000,
      cacheMaxAgeMs: options.cacheMaxAgeMs ?? 300_000,
      fetch: doFetch,
      now,
    });
  const revocations =
    options.revocations ??
    new RevocationList({
      url: revocationsUrl,
      maxAgeMs: options.revocationsMaxAgeMs ?? 30_000,
      fetch: doFetch,
      now,
    });
  const dpop = new DpopVerifier({ now });
  const verified = new LRUCache<string, CachedToken>({
    max: options.verifiedCacheSize ?? 10_000,
    ttlAutopurge: false,
  });
  let cacheHits = 0;

  const signatureCheck: SignatureCheck = {
    keySet,
    algorithms,
    issuer: options.issuer,
    audience: options.audience,
    clockToleranceSec,
    maxTokenAgeSec,
    requiredClaims: REQUIRED_CLAIMS,
    now,
  };

  async function verifySignatureAndClaims(token: string): Promise<CachedToken> {
    const signed = await verifySignedClaims(token, signatureCheck, 'widget', TokenClaims);
    const claims = deepFreeze(signed.claims);
    const scopes = new Set(claims.scope.split(' ').filter(isScope));
    return { claims, scopes };
  }

  async function checkEveryTime(
    entry: CachedToken,
    tokenHash: string,
    use: VerifyTokenOptions,
  ): Promise<void> {
    const { claims } = entry;
    // First: a browser on another origin learns nothing of the token's expiry or revocation.
    if (!originMatches(use.origin, claims.origin)) throw new TesseraError('origin_mismatch');
    const nowSec = Math.floor(now() / 1000);
    if (claims.exp <= nowSec - clockToleranceSec) throw new TesseraError('token_expired');
    if (nowSec - claims.iat > maxTokenAgeSec) throw new TesseraError('token_too_old');

    const notBefore = await revocations.notBefore(claims.client_id);
    if (notBefore !== undefined && claims.iat < notBefore) throw new TesseraError('token_revoked');

    const jkt = claims.cnf?.jkt;
    if (jkt !== undefined) {
      if (!use.dpop) throw new TesseraError('dpop_proof_missing');
      if (use.scheme === 'Bearer') {
        throw new TesseraError(
          'dpop_proof_invalid',
          'A DPoP-bound token must be sent with `Authorization: DPoP`, not Bearer.',
        );
      }
      if (use.method === undefined || use.url === undefined) {
        throw new TesseraError(
          'dpop_proof_invalid',
          'The method and URL the proof is for are unknown.',
        );
      }
      await dpop.verify({ proof: use.dpop, tokenHash, method: use.method, url: use.url, jkt });
    } else if (use.scheme === 'DPoP') {
      throw new TesseraError(
        'dpop_key_mismatch',
        'The token is not bound to a DPoP key (no `cnf.jkt`): send it as Bearer, or mint it with `dpop_jkt`.',
      );
    }

    const required = use.scopes ?? [];
    if (required.some((scope) => !entry.scopes.has(scope))) {
      throw new TesseraError(
        'insufficient_scope',
        `The token lacks a scope this request needs: ${required.join(' ')}.`,
        {
          required_scope: required.join(' '),
        },
      );
    }
  }

  async function verifyToken(token: string, use: VerifyTokenOptions = {}): Promise<VerifiedToken> {
    if (token.length > MAX_TOKEN_LENGTH) throw new TesseraError('token_too_large');
    if (token.length === 0) throw new TesseraError('token_missing');
    // Before the signature: jose checks `exp` with it, and the answer would tell another origin.
    if (use.origin !== undefined) {
      const stated = statedOrigin(token);
      if (stated !== undefined && !originMatches(use.origin, stated))
        throw new TesseraError('origin_mismatch');
    }
    const tokenHash = createHash('sha256').update(token).digest('base64url');

    let entry = verified.get(tokenHash);
    if (entry) {
      cacheHits += 1;
    } else {
      entry = await verifySignatureAndClaims(token);
      const ttlMs = (entry.claims.exp + clockToleranceSec) * 1000 - now();
      if (ttlMs > 0) verified.set(tokenHash, entry, { ttl: Math.ceil(ttlMs) });
    }
    try {
      await checkEveryTime(entry, tokenHash, use);
    } catch (error) {
      if (entry.claims.cnf && typeof error === 'object' && error !== null)
        dpopBoundErrors.add(error);
      throw error;
    }
    return { claims: entry.claims, scopes: new Set(entry.scopes), token };
  }

  /** The URL a DPoP proof must name: the configured public origin and the path that was served. */
  function addressedUrl(requestUrl: string): string {
    const configured = options.publicOrigin;
    if (configured === undefined) return requestUrl;
    const origin = typeof configured === 'function' ? configured() : configured;
    let path: string;
    try {
      path = new URL(requestUrl).pathname;
    } catch {
      path = requestUrl.startsWith('/') ? requestUrl.split(/[?#]/, 1)[0]! : '/';
    }
    return new URL(path, origin).href;
  }

  return {
    async verify(request, requirement = {}) {
      const { scheme, token } = parseAuthorization(header(request.headers, 'authorization'));
      return verifyToken(token, {
        scheme,
        origin: header(request.headers, 'origin'),
        dpop: header(request.headers, 'dpop'),
        method: request.method,
        url: addressedUrl(request.url),
        scopes: requirement.scopes,
      });
    },
    verifyToken,
    warmUp: () => keySet.warmUp(),
    close() {
      if (!options.keySet) keySet.close();
      if (!options.revocations) revocations.close();
      dpop.clear();
      verified.clear();
    },
    stats: () => ({
      jwksFetches: keySet.fetches,
      revocationFetches: revocations.fetches,
      verifiedCacheHits: cacheHits,
    }),
  };
}
