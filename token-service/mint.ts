import {
  DEFAULT_TOKEN_TTL_SECONDS,
  MAX_TOKEN_TTL_SECONDS,
  MIN_LIVE_TOKEN_TTL_SECONDS,
  MIN_TEST_TOKEN_TTL_SECONDS,
  TesseraError,
  type TokenClaims,
  type TokenRequest,
  type TokenResponse,
} from '../contracts/index.ts';
import type { AuditWriter } from './audit.ts';
import { newJti } from './ids.ts';
import type { KeyRing } from './keys.ts';
import { originAllowed } from './origins.ts';
import type { PartnerKeyRow, PartnerRow } from './store/types.ts';

/** The lifetime a token gets: asked-for or default, capped by the partner and by the platform. */
export function tokenTtl(partner: PartnerRow, requested: number | undefined): number {
  const floor = partner.mode === 'test' ? MIN_TEST_TOKEN_TTL_SECONDS : MIN_LIVE_TOKEN_TTL_SECONDS;
  const cap = Math.min(partner.max_ttl_seconds, MAX_TOKEN_TTL_SECONDS);
  // The partner's own maximum wins even over the live-mode floor: it is the partner's choice.
  return Math.min(cap, Math.max(floor, requested ?? DEFAULT_TOKEN_TTL_SECONDS));
}

export interface MintContext {
  issuer: string;
  audience: string;
  keys: KeyRing;
  audit: AuditWriter;
}

/** Checks the request against the partner's grants, signs, and records the issuance before returning. */
export async function mintToken(
  ctx: MintContext,
  auth: { partner: PartnerRow; key: PartnerKeyRow },
  request: TokenRequest,
  meta: { requestId: string; now?: number },
): Promise<TokenResponse & { jti: string }> {
  const { partner } = auth;
  const refused = request.scopes.filter((scope) => !partner.scopes.includes(scope));
  if (refused.length > 0) {
    throw new TesseraError(
      'scope_not_granted',
      `The partner is not granted ${refused.join(', ')}.`,
      { scopes: refused, granted: partner.scopes },
    );
  }
  if (!originAllowed(request.origin, partner.origins)) {
    throw new TesseraError(
      'origin_not_allowed',
      `${request.origin} is not registered for this partner.`,
      { field: 'origin' },
    );
  }
  if (partner.require_dpop && !request.dpop_jkt) throw new TesseraError('dpop_jkt_required');

  const ttl = tokenTtl(partner, request.ttl_seconds);
  const iat = Math.floor((meta.now ?? Date.now()) / 1000);
  const scopes = [...new Set(request.scopes)];
  const claims: TokenClaims = {
    iss: ctx.issuer,
    aud: ctx.audience,
    sub: request.subject,
    client_id: partner.id,
    scope: scopes.join(' '),
    origin: request.origin,
    iat,
    exp: iat + ttl,
    jti: newJti(),
    tessera_mode: partner.mode,
    ...(request.dpop_jkt ? { cnf: { jkt: request.dpop_jkt } } : {}),
  };
  const { token, kid } = ctx.keys.sign(claims);
  await ctx.audit.record({
    jti: claims.jti,
    partner_id: partner.id,
    key_id: auth.key.id,
    subject: claims.sub,
    scopes,
    origin: claims.origin,
    kid,
    issued_at: new Date(iat * 1000),
    expires_at: new Date(claims.exp * 1000),
    request_id: meta.requestId,
    correlation_id: request.correlation_id ?? null,
    dpop_jkt: request.dpop_jkt ?? null,
  });
  return {
    token,
    token_type: request.dpop_jkt ? 'DPoP' : 'Bearer',
    expires_in: ttl,
    expires_at: new Date(claims.exp * 1000).toISOString(),
    scopes,
    jti: claims.jti,
  };
}
