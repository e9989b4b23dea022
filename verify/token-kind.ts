import { errors } from 'jose';
import { TesseraError } from '../contracts/v1/errors.ts';
import { PARTNER_TOKEN_KIND, TOKEN_KIND_CLAIM } from '../contracts/v1/token.ts';

/** Widget tokens speak for one customer in one browser; partner tokens for a partner's backend. */
export type TokenKind = 'widget' | 'partner';

/** The kind a payload declares: no kind claim is a widget token; an unknown value is neither. */
function kindOf(payload: Record<string, unknown>): TokenKind | undefined {
  if (!Object.hasOwn(payload, TOKEN_KIND_CLAIM)) return 'widget';
  return payload[TOKEN_KIND_CLAIM] === PARTNER_TOKEN_KIND ? 'partner' : undefined;
}

/** Refuses a signature-verified payload that is not of the expected kind. */
export function assertTokenKind(payload: Record<string, unknown>, expected: TokenKind): void {
  if (kindOf(payload) === expected) return;
  throw new TesseraError(
    'token_kind_invalid',
    expected === 'widget'
      ? 'This is not a widget token: partner tokens are for the partner API only.'
      : 'This is not a partner token: get one from `POST /oauth/token` with client credentials.',
  );
}

/**
 * A token of the other kind fails the claim checks (a partner token has no `origin`), and jose
 * reports the first claim it misses. jose checks claims only after the signature, so the payload
 * it carries is genuine and the refusal can name the real reason.
 */
export function refuseOtherKind(error: unknown, expected: TokenKind): void {
  if (error instanceof errors.JWTClaimValidationFailed) assertTokenKind(error.payload, expected);
}
