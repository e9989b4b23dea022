import type { Hono } from 'hono';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import type { IntrospectionResponse } from '../../../contracts/index.ts';
import { TesseraError, TokenClaims } from '../../../contracts/index.ts';
import { bearer, isAdmin } from '../../../service-kit/http/auth.ts';
import { readBody } from '../../../service-kit/http/body.ts';
import type { AppDeps, TokenServiceEnv } from '../context.ts';
import { mintWidgetToken } from '../token-endpoints.ts';
import { endpointRequest, sendAnswer } from './answer.ts';

/** Minting (`POST /v1/tokens`) and RFC 7662 introspection. */
export function tokenRoutes(app: Hono<TokenServiceEnv>, deps: AppDeps): void {
  // Answered by the server's fast path (fast-routes.ts); this route serves the same through Hono.
  app.post('/v1/tokens', async (c) =>
    sendAnswer(c, await mintWidgetToken(deps, endpointRequest(c))),
  );

  app.post('/v1/tokens/introspect', async (c) => {
    const credential = bearer(c);
    const adminCall = isAdmin(credential, deps.adminToken);
    const caller = adminCall ? null : (await deps.partners.authenticate(credential)).partner;
    const type = c.req.header('content-type') ?? '';
    if (!type.startsWith('application/x-www-form-urlencoded')) {
      throw new TesseraError(
        'unsupported_media_type',
        'RFC 7662: send `token=…` as application/x-www-form-urlencoded.',
      );
    }
    const raw = await readBody(c);
    const token = new URLSearchParams(new TextDecoder().decode(raw)).get('token') ?? '';
    if (!token)
      throw new TesseraError('validation_failed', 'The form has no `token`.', {
        fields: [{ path: 'token', code: 'required', message: 'required' }],
      });
    c.header('Cache-Control', 'no-store');
    const claims = await introspect(deps, token);
    // A partner may only learn about its own tokens (RFC 7662 §4: no oracle for others').
    if (!claims || (caller && claims.client_id !== caller.id))
      return c.json({ active: false } satisfies IntrospectionResponse);
    return c.json({
      active: true,
      ...claims,
      token_type: claims.cnf ? 'DPoP' : 'Bearer',
    } satisfies IntrospectionResponse);
  });
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The token's claims when it is one of ours, still valid and not revoked; otherwise null. */
async function introspect(deps: AppDeps, token: string): Promise<TokenClaims | null> {
  // The verifier's compact-form rule, so both judge the same string alike (jose alone would
  // skip whitespace inside a segment: `payload. signature` would be active here, refused there).
  if (token.length > 8192 || !COMPACT_JWS.test(token)) return null;
  try {
    const { kid } = decodeProtectedHeader(token);
    const published = kid ? deps.keys.verificationKey(kid) : undefined;
    if (!published) return null;
    const { payload } = await jwtVerify(token, published.key, {
      issuer: deps.issuer,
      audience: deps.audience,
      // The key's own algorithm: tokens of keys from before an algorithm change stay valid.
      algorithms: [published.alg],
      typ: 'at+jwt',
      clockTolerance: 30,
    });
    const claims = TokenClaims.parse(payload);
    const partner = await deps.store.getPartner(claims.client_id);
    if (!partner || partner.status === 'suspended') return null;
    if (partner.not_before && claims.iat < Math.ceil(partner.not_before.getTime() / 1000))
      return null;
    return claims;
  } catch {
    return null;
  }
}
