import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_CATALOGUE, TesseraError, errorEnvelope } from '../contracts/v1/errors.ts';
import type { ErrorCode } from '../contracts/v1/errors.ts';
import { isHeaderId } from '../contracts/v1/headers.ts';
import { isPartnerScope, type PartnerScope } from '../contracts/v1/scopes.ts';
import { MAX_TOKEN_TTL_SECONDS, PartnerTokenClaims } from '../contracts/v1/token.ts';
import { header, parseAuthorization, type RequestHeaders } from './authorization.ts';
import { KeySet, type VerifierAlgorithm } from './key-set.ts';
import { wwwAuthenticate } from './middleware.ts';
import { RevocationList } from './revocations.ts';
import { verifySignedClaims } from './signed-claims.ts';
import { MAX_TOKEN_LENGTH } from './token-format.ts';
import type { VerifierOptions } from './verifier.ts';

const REQUIRED_CLAIMS = ['sub', 'client_id', 'scope', 'jti', 'exp', 'iat'];

export interface PartnerVerifierOptions extends Omit<VerifierOptions, 'verifiedCacheSize'> {
  /** A key set to share with the widget verifier, so one JWKS cache serves both. */
  keySet?: KeySet;
  /** A revocation list to share with the widget verifier. */
  revocations?: RevocationList;
}

export interface PartnerTokenRequirement {
  /** Every one of these must be in the token's `scope`. */
  scopes?: readonly PartnerScope[];
}

export interface VerifiedPartnerToken {
  claims: PartnerTokenClaims;
  /** The partner the token speaks for: its `sub`, which is also its `client_id`. */
  partnerId: string;
  /** The token's partner scopes; any other scope string is dropped. */
  scopes: Set<PartnerScope>;
  token: string;
}

export interface PartnerVerifier {
  /**
   * Verifies the partner token of an HTTP request (`Authorization: Bearer`), resolving to its
   * claims or throwing a `TesseraError`. A widget token is refused with `token_kind_invalid`.
   */
  verify(
    request: { headers: RequestHeaders },
    requirement?: PartnerTokenRequirement,
  ): Promise<VerifiedPartnerToken>;
  /** The same checks for a token obtained outside HTTP. */
  verifyPartnerToken(
    token: string,
    requirement?: PartnerTokenRequirement,
  ): Promise<VerifiedPartnerToken>;
  warmUp(): Promise<boolean>;
  close(): void;
}

/**
 * Offline verifier for partner tokens (RFC 9068 JWTs from `POST /oauth/token`): the same keys,
 * token form and signature checks as widget tokens, then the partner token's own claims. Partner
 * tokens are never DPoP-bound and carry no origin: they are for a partner's backend, not a page.
 */
export function createPartnerVerifier(options: PartnerVerifierOptions): PartnerVerifier {
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const algorithms: readonly VerifierAlgorithm[] = [...(options.algorithms ?? ['ES256'])];
  if (algorithms.length === 0 || algorithms.some((alg) => alg !== 'ES256' && alg !== 'EdDSA')) {
    throw new TypeError('algorithms must be a non-empty list of ES256 and/or EdDSA');
  }
  const clockToleranceSec = options.clockToleranceSec ?? 30;
  const maxTokenAgeSec = options.maxTokenAgeSec ?? MAX_TOKEN_TTL_SECONDS + clockToleranceSec;
  const ownKeySet = options.keySet === undefined;
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
  const ownRevocations = options.revocations === undefined;
  const revocations =
    options.revocations ??
    new RevocationList({
      url: options.revocationsUrl ?? new URL('/v1/revocations', options.issuer).href,
      maxAgeMs: options.revocationsMaxAgeMs ?? 30_000,
      fetch: doFetch,
      now,
    });

  async function verifyPartnerToken(
    token: string,
    requirement: PartnerTokenRequirement = {},
  ): Promise<VerifiedPartnerToken> {
    if (token.length > MAX_TOKEN_LENGTH) throw new TesseraError('token_too_large');
    if (token.length === 0) throw new TesseraError('token_missing');
    const { claims, payload } = await verifySignedClaims(
      token,
      {
        keySet,
        algorithms,
        issuer: options.issuer,
        audience: options.audience,
        clockToleranceSec,
        maxTokenAgeSec,
        requiredClaims: REQUIRED_CLAIMS,
        now,
      },
      'partner',
      PartnerTokenClaims,
    );
    // A widget-token claim on a partner token would mean a minting bug; refuse rather than guess.
    if (claims.sub !== claims.client_id || Object.hasOwn(payload, 'origin')) {
      throw new TesseraError(
        'token_claims_invalid',
        'A partner token has `sub` equal to `client_id` and no `origin`.',
      );
    }
    const notBefore = await revocations.notBefore(claims.client_id);
    if (notBefore !== undefined && claims.iat < notBefore) throw new TesseraError('token_revoked');

    const scopes = new Set(claims.scope.split(' ').filter(isPartnerScope));
    const required = requirement.scopes ?? [];
    if (required.some((scope) => !scopes.has(scope))) {
      throw new TesseraError(
        'insufficient_scope',
        `The token lacks a scope this request needs: ${required.join(' ')}.`,
        { required_scope: required.join(' ') },
      );
    }
    return { claims, partnerId: claims.client_id, scopes, token };
  }

  return {
    async verify(request, requirement) {
      const { scheme, token } = parseAuthorization(header(request.headers, 'authorization'));
      if (scheme !== 'Bearer') {
        throw new TesseraError(
          'dpop_key_mismatch',
          'Partner tokens are not bound to a DPoP key: send them as `Authorization: Bearer`.',
        );
      }
      return verifyPartnerToken(token, requirement);
    },
    verifyPartnerToken,
    warmUp: () => keySet.warmUp(),
    close() {
      if (ownKeySet) keySet.close();
      if (ownRevocations) revocations.close();
    },
  };
}

/** Hono variables `requirePartnerToken` reads (`requestId`, if set earlier) and sets. */
export interface PartnerTokenVariables {
  partnerToken: VerifiedPartnerToken;
  requestId?: string;
  errorCode?: ErrorCode;
}
export type PartnerTokenEnv = { Variables: PartnerTokenVariables };

/**
 * Hono middleware for partner routes: verifies the partner token, requires every scope in
 * `scopes`, and makes the result available as `c.get('partnerToken')`. Refusals answer the error
 * envelope with the catalogue status and an RFC 6750 `Bearer` challenge.
 */
export function requirePartnerToken(
  verifier: PartnerVerifier,
  ...scopes: PartnerScope[]
): MiddlewareHandler<PartnerTokenEnv> {
  return async (c, next) => {
    let verified: VerifiedPartnerToken;
    try {
      verified = await verifier.verify({ headers: c.req.raw.headers }, { scopes });
    } catch (caught) {
      const error = caught instanceof TesseraError ? caught : new TesseraError('internal_error');
      c.set('errorCode', error.code);
      const fromContext = c.get('requestId');
      const fromHeader = c.req.header('x-request-id');
      const requestId = fromContext ?? (isHeaderId(fromHeader) ? fromHeader : randomUUID());
      const headers: Record<string, string> = {
        'cache-control': 'no-store',
        'x-request-id': requestId,
      };
      const challenge = wwwAuthenticate(error, 'bearer');
      if (challenge) headers['www-authenticate'] = challenge;
      if (ERROR_CATALOGUE[error.code].retryable && error.status >= 500)
        headers['retry-after'] = '5';
      return c.json(
        errorEnvelope(error.code, error.message, requestId, error.details),
        error.status as ContentfulStatusCode,
        headers,
      );
    }
    c.set('partnerToken', verified);
    await next();
  };
}
