import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_CATALOGUE, TesseraError, errorEnvelope } from '../contracts/v1/errors.ts';
import type { ErrorCode } from '../contracts/v1/errors.ts';
import { isHeaderId } from '../contracts/v1/headers.ts';
import type { Scope } from '../contracts/v1/scopes.ts';
import { DPOP_ALGORITHMS } from './dpop.ts';
import { isDpopBoundError } from './verifier.ts';
import type { VerifiedToken, Verifier } from './verifier.ts';

/** Hono variables the middleware reads (`requestId`, if an earlier middleware set one) and sets. */
export interface TokenVariables {
  token: VerifiedToken;
  requestId?: string;
  /** Set on refusal, for an access log that counts refusals by code. */
  errorCode?: ErrorCode;
}
export type TokenEnv = { Variables: TokenVariables };

const DPOP_CODES: ReadonlySet<ErrorCode> = new Set([
  'dpop_proof_missing',
  'dpop_proof_invalid',
  'dpop_key_mismatch',
  'dpop_proof_replayed',
]);
/** RFC 9449 §7.1 names its own error for a bad proof; a key mismatch stays `invalid_token`. */
const INVALID_DPOP_PROOF_CODES: ReadonlySet<ErrorCode> = new Set([
  'dpop_proof_missing',
  'dpop_proof_invalid',
  'dpop_proof_replayed',
]);

/** An RFC 9110 quoted-string: printable ASCII only, `"` and `\` escaped. */
function quoted(value: string): string {
  return `"${value.replace(/[^\x20-\x7e]/g, '?').replace(/["\\]/g, '\\$&')}"`;
}

/**
 * The RFC 6750 / RFC 9449 challenge for a verification failure. A request that carried no token
 * gets a bare challenge, without an error code, as RFC 6750 §3.1 asks.
 */
export function wwwAuthenticate(
  error: TesseraError,
  presentedScheme: string | undefined,
): string | undefined {
  const status = error.status;
  if (status !== 401 && status !== 403) return undefined;
  const dpop = presentedScheme === 'dpop' || DPOP_CODES.has(error.code) || isDpopBoundError(error);
  const scheme = dpop ? 'DPoP' : 'Bearer';
  const algs = dpop ? `, algs=${quoted(DPOP_ALGORITHMS.join(' '))}` : '';
  if (error.code === 'token_missing')
    return dpop ? `DPoP algs=${quoted(DPOP_ALGORITHMS.join(' '))}` : 'Bearer';
  if (error.code === 'insufficient_scope') {
    const scope =
      typeof error.details?.required_scope === 'string' ? error.details.required_scope : '';
    return `${scheme} error="insufficient_scope", error_description=${quoted(error.message)}, scope=${quoted(scope)}${algs}`;
  }
  const rfcError =
    dpop && INVALID_DPOP_PROOF_CODES.has(error.code) ? 'invalid_dpop_proof' : 'invalid_token';
  return `${scheme} error="${rfcError}", error_description=${quoted(error.message)}${algs}`;
}

/**
 * Hono middleware: verifies the request's token against `verifier`, requires every scope in
 * `scopes`, and makes the result available as `c.get('token')`. Failures answer the Tessera
 * error envelope with the catalogue status and a `WWW-Authenticate` challenge; handlers after
 * it only run for verified requests.
 */
export function requireToken(verifier: Verifier, ...scopes: Scope[]): MiddlewareHandler<TokenEnv> {
  return async (c, next) => {
    let verified: VerifiedToken;
    try {
      verified = await verifier.verify(
        { method: c.req.method, url: c.req.url, headers: c.req.raw.headers },
        { scopes },
      );
    } catch (caught) {
      const error = caught instanceof TesseraError ? caught : new TesseraError('internal_error');
      c.set('errorCode', error.code);
      const requestId = resolveRequestId(c.get('requestId'), c.req.header('x-request-id'));
      const envelope = errorEnvelope(error.code, error.message, requestId, error.details);
      const presentedScheme = c.req
        .header('authorization')
        ?.trim()
        .split(/\s/, 1)[0]
        ?.toLowerCase();
      const challenge = wwwAuthenticate(error, presentedScheme);
      const headers: Record<string, string> = {
        'cache-control': 'no-store',
        'x-request-id': requestId,
      };
      if (challenge) headers['www-authenticate'] = challenge;
      if (ERROR_CATALOGUE[error.code].retryable && error.status >= 500)
        headers['retry-after'] = '5';
      return c.json(envelope, error.status as ContentfulStatusCode, headers);
    }
    c.set('token', verified);
    await next();
  };
}

function resolveRequestId(fromContext: string | undefined, fromHeader: string | undefined): string {
  if (fromContext) return fromContext;
  // A client-supplied id is echoed only if it cannot smuggle anything into logs or headers.
  if (isHeaderId(fromHeader)) return fromHeader;
  return randomUUID();
}
