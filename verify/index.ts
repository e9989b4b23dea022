/** The verifier library the core API uses: offline verification of Tessera widget and partner tokens. */
export { createVerifier, isDpopBoundError, originMatches } from './verifier.ts';
export { parseAuthorization } from './authorization.ts';
export type { AuthScheme } from './authorization.ts';
export { MAX_TOKEN_LENGTH, statedOrigin } from './token-format.ts';
export type {
  TokenRequirement,
  VerifiedToken,
  Verifier,
  VerifierOptions,
  VerifierStats,
  VerifyRequest,
  VerifyTokenOptions,
} from './verifier.ts';
export { KeySet, KID_PATTERN, JWKS_FETCH_TIMEOUT_MS } from './key-set.ts';
export type { KeySetOptions, VerificationKey, VerifierAlgorithm } from './key-set.ts';
export {
  RevocationList,
  RevocationFeed,
  REVOCATIONS_FETCH_TIMEOUT_MS,
  REVOCATIONS_RETRY_MS,
} from './revocations.ts';
export type { RevocationListOptions } from './revocations.ts';
export { DpopVerifier, DPOP_ALGORITHMS, DPOP_IAT_WINDOW_SEC, normaliseHtu } from './dpop.ts';
export type { DpopCheck, DpopVerifierOptions } from './dpop.ts';
export { requireToken, wwwAuthenticate } from './middleware.ts';
export type { TokenEnv, TokenVariables } from './middleware.ts';
export { createPartnerVerifier, requirePartnerToken } from './partner.ts';
export type {
  PartnerTokenEnv,
  PartnerTokenRequirement,
  PartnerTokenVariables,
  PartnerVerifier,
  PartnerVerifierOptions,
  VerifiedPartnerToken,
} from './partner.ts';
export type { TokenKind } from './token-kind.ts';
