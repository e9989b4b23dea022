import { errors } from 'jose';
import { TesseraError } from '../contracts/v1/errors.ts';
import type { VerifierAlgorithm } from './key-set.ts';

/**
 * The token's form, judged before any key is looked up or any signature checked: three base64url
 * segments of JSON objects, no header that names its own key, an allowed `alg`, `typ: at+jwt`.
 */

/** No Tessera token comes close; anything longer is refused before it is parsed or hashed. */
export const MAX_TOKEN_LENGTH = 8192;

const FORBIDDEN_HEADERS = ['jku', 'jwk', 'x5u', 'x5c', 'crit'] as const;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeJsonSegment(segment: string, what: string): Record<string, unknown> {
  if (segment.length === 0 || !BASE64URL.test(segment) || segment.length % 4 === 1) {
    throw new TesseraError('token_malformed', `The token's ${what} is not base64url.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(Buffer.from(segment, 'base64url')));
  } catch {
    throw new TesseraError('token_malformed', `The token's ${what} is not JSON.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TesseraError('token_malformed', `The token's ${what} is not a JSON object.`);
  }
  return parsed as Record<string, unknown>;
}

/**
 * The `origin` claim as the token states it, before anything about the token is verified, or
 * undefined when the token has no readable one. Only for refusing early: a token whose claim
 * differs from the request's `Origin` is refused before its signature, expiry or revocation are
 * looked at, so a page on another origin learns nothing about the token's state. A forged claim
 * gains nothing: the token is then verified in full.
 */
export function statedOrigin(token: string): string | undefined {
  const [, payload = ''] = token.split('.', 3);
  try {
    const claims = decodeJsonSegment(payload, 'payload');
    return typeof claims.origin === 'string' ? claims.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Checks the compact form and the protected header, before any key is looked up. */
export function inspectHeader(
  token: string,
  allowed: readonly VerifierAlgorithm[],
): { alg: VerifierAlgorithm; kid: string } {
  const segments = token.split('.');
  if (segments.length !== 3)
    throw new TesseraError('token_malformed', 'The token does not have three segments.');
  const [encodedHeader = '', encodedPayload = '', signature = ''] = segments;
  const protectedHeader = decodeJsonSegment(encodedHeader, 'header');
  decodeJsonSegment(encodedPayload, 'payload');
  if (!BASE64URL.test(signature) || signature.length % 4 === 1) {
    throw new TesseraError('token_malformed', "The token's signature is not base64url.");
  }
  for (const name of FORBIDDEN_HEADERS) {
    if (Object.hasOwn(protectedHeader, name)) {
      throw new TesseraError(
        'token_header_forbidden',
        `The token carries a \`${name}\` header; keys come only from the configured JWKS.`,
      );
    }
  }
  const { alg, typ, kid } = protectedHeader;
  if (typeof alg !== 'string' || !(allowed as readonly string[]).includes(alg)) {
    throw new TesseraError(
      'token_algorithm_not_allowed',
      `The token's \`alg\` is not one of: ${allowed.join(', ')}.`,
    );
  }
  // RFC 9068 §4: `at+jwt`, or its full media type; media types compare case-insensitively.
  const normalisedTyp = typeof typ === 'string' ? typ.toLowerCase() : undefined;
  if (normalisedTyp !== 'at+jwt' && normalisedTyp !== 'application/at+jwt') {
    throw new TesseraError('token_type_invalid');
  }
  if (typeof kid !== 'string')
    throw new TesseraError('token_key_unknown', 'The token has no `kid`.');
  return { alg: alg as VerifierAlgorithm, kid };
}

/** jose's refusals as catalogue errors: what the client is told, and what the logs count. */
export function translateJoseError(error: unknown): TesseraError {
  if (error instanceof TesseraError) return error;
  if (error instanceof errors.JWTExpired) {
    return error.claim === 'iat'
      ? new TesseraError('token_too_old')
      : new TesseraError('token_expired');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason !== 'check_failed')
      return new TesseraError('token_claims_invalid', error.message);
    switch (error.claim) {
      case 'iss':
        return new TesseraError('token_issuer_invalid');
      case 'aud':
        return new TesseraError('token_audience_invalid');
      case 'nbf':
      case 'iat':
        return new TesseraError('token_not_yet_valid');
      case 'typ':
        return new TesseraError('token_type_invalid');
      default:
        return new TesseraError('token_claims_invalid', error.message);
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new TesseraError('token_signature_invalid');
  if (error instanceof errors.JOSEAlgNotAllowed)
    return new TesseraError('token_algorithm_not_allowed');
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported
  ) {
    return new TesseraError('token_malformed', error.message);
  }
  // WebCrypto refuses a key of another type than `alg` names: the signature cannot be ours.
  if (error instanceof TypeError) return new TesseraError('token_signature_invalid');
  return new TesseraError('internal_error', 'Token verification failed unexpectedly.');
}
