import {
  PARTNER_SCOPES,
  PARTNER_TOKEN_KIND,
  PARTNER_TOKEN_TTL_SECONDS,
  type PartnerScope,
  type PartnerTokenClaims,
  type PartnerTokenResponse,
} from '../contracts/index.ts';
import { newJti } from './ids.ts';
import type { MintContext } from './mint.ts';
import type { PartnerKeyRow, PartnerRow } from './store/types.ts';

/**
 * Every partner may ask for every partner scope: a partner's backend acts only on the accounts
 * linked to that partner, so the scopes narrow what one credential can do, they grant nothing the
 * partner does not own. A backend component asks for the few it needs with `scope`.
 */
export function grantedPartnerScopes(_partner: PartnerRow): readonly PartnerScope[] {
  return PARTNER_SCOPES;
}

/**
 * Signs a partner token (RFC 9068) with the same keys as widget tokens and records it in the
 * same audit table before returning: subject = the partner, origin empty.
 */
export async function mintPartnerToken(
  ctx: MintContext,
  auth: { partner: PartnerRow; key: PartnerKeyRow },
  scopes: readonly PartnerScope[],
  meta: { requestId: string; now?: number },
): Promise<PartnerTokenResponse & { jti: string }> {
  const { partner } = auth;
  const iat = Math.floor((meta.now ?? Date.now()) / 1000);
  const claims: PartnerTokenClaims = {
    iss: ctx.issuer,
    aud: ctx.audience,
    sub: partner.id,
    client_id: partner.id,
    scope: scopes.join(' '),
    iat,
    exp: iat + PARTNER_TOKEN_TTL_SECONDS,
    jti: newJti(),
    tessera_token: PARTNER_TOKEN_KIND,
    tessera_mode: partner.mode,
  };
  const { token, kid } = ctx.keys.sign(claims);
  await ctx.audit.record({
    jti: claims.jti,
    partner_id: partner.id,
    key_id: auth.key.id,
    subject: partner.id,
    scopes: [...scopes],
    origin: '',
    kid,
    issued_at: new Date(iat * 1000),
    expires_at: new Date(claims.exp * 1000),
    request_id: meta.requestId,
    correlation_id: null,
    dpop_jkt: null,
  });
  return {
    access_token: token,
    token_type: 'Bearer',
    expires_in: PARTNER_TOKEN_TTL_SECONDS,
    scope: claims.scope,
    jti: claims.jti,
  };
}
