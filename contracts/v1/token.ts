import * as z from 'zod/mini';
import { AccountId, Origin, PartnerId } from './common.ts';
import { HeaderId } from './headers.ts';
import { Scope } from './scopes.ts';

/** No token lives longer than this, whatever a partner is allowed. */
export const MAX_TOKEN_TTL_SECONDS = 900;
export const DEFAULT_TOKEN_TTL_SECONDS = 300;
/** Test-mode partners may rehearse expiry with tokens this short. */
export const MIN_TEST_TOKEN_TTL_SECONDS = 5;
export const MIN_LIVE_TOKEN_TTL_SECONDS = 60;

/** RFC 7638 thumbprint: base64url SHA-256, 43 characters. */
export const JwkThumbprint = z
  .string()
  .check(
    z.regex(
      /^[A-Za-z0-9_-]{43}$/,
      'must be an RFC 7638 SHA-256 JWK thumbprint (43 base64url characters)',
    ),
  );

/** Body of `POST /v1/tokens`. */
export const TokenRequest = z.strictObject({
  subject: AccountId,
  scopes: z.array(Scope).check(z.minLength(1), z.maxLength(6)),
  origin: Origin,
  ttl_seconds: z.optional(z.int().check(z.minimum(1), z.maximum(MAX_TOKEN_TTL_SECONDS))),
  dpop_jkt: z.optional(JwkThumbprint),
  /** The widget session id, forwarded by the partner's backend for correlation. */
  correlation_id: z.optional(HeaderId),
});
export type TokenRequest = z.infer<typeof TokenRequest>;

export const TokenResponse = z.object({
  token: z.string(),
  token_type: z.enum(['Bearer', 'DPoP']),
  expires_in: z.int(),
  expires_at: z.iso.datetime(),
  scopes: z.array(Scope),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

/** RFC 9068 access-token claims, plus `origin`. */
export const TokenClaims = z.object({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  sub: AccountId,
  client_id: PartnerId,
  scope: z.string(),
  origin: Origin,
  iat: z.int(),
  exp: z.int(),
  nbf: z.optional(z.int()),
  jti: z.string().check(z.minLength(16), z.maxLength(64)),
  cnf: z.optional(z.object({ jkt: JwkThumbprint })),
  /** The partner's mode: a sandbox honours `Tessera-Simulate` only for `test`. */
  tessera_mode: z.optional(z.enum(['test', 'live'])),
});
export type TokenClaims = z.infer<typeof TokenClaims>;

/**
 * The claim that names a token's kind. Only partner tokens carry it (`"partner"`): a widget
 * verifier refuses any token that has it, and a partner verifier any token that lacks it.
 */
export const TOKEN_KIND_CLAIM = 'tessera_token';
export const PARTNER_TOKEN_KIND = 'partner';

/** How long a partner token lives: the platform maximum, since a backend refreshes it unattended. */
export const PARTNER_TOKEN_TTL_SECONDS = MAX_TOKEN_TTL_SECONDS;

/** RFC 9068 claims of a partner token: `sub` = `client_id` = the partner, no `origin`, no `cnf`. */
export const PartnerTokenClaims = z.object({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  sub: PartnerId,
  client_id: PartnerId,
  scope: z.string(),
  iat: z.int(),
  exp: z.int(),
  nbf: z.optional(z.int()),
  jti: z.string().check(z.minLength(16), z.maxLength(64)),
  tessera_token: z.literal(PARTNER_TOKEN_KIND),
  tessera_mode: z.optional(z.enum(['test', 'live'])),
});
export type PartnerTokenClaims = z.infer<typeof PartnerTokenClaims>;

/** `POST /oauth/token`'s answer (RFC 6749 §5.1). */
export const PartnerTokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.int(),
  /** Space-separated partner scopes. */
  scope: z.string(),
});
export type PartnerTokenResponse = z.infer<typeof PartnerTokenResponse>;

/** The `error` values `POST /oauth/token` answers with (RFC 6749 §5.2, plus `rate_limited`). */
export const OAUTH_ERRORS = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'rate_limited',
  'server_error',
  'temporarily_unavailable',
] as const;
export const OAuthErrorResponse = z.object({
  error: z.enum(OAUTH_ERRORS),
  error_description: z.string(),
});
export type OAuthErrorResponse = z.infer<typeof OAuthErrorResponse>;

/** RFC 7662 introspection answer. */
export const IntrospectionResponse = z.union([
  z.object({ active: z.literal(false) }),
  z.object({
    active: z.literal(true),
    scope: z.string(),
    client_id: z.string(),
    sub: z.string(),
    aud: z.union([z.string(), z.array(z.string())]),
    iss: z.string(),
    exp: z.int(),
    iat: z.int(),
    jti: z.string(),
    origin: z.string(),
    token_type: z.enum(['Bearer', 'DPoP']),
  }),
]);
export type IntrospectionResponse = z.infer<typeof IntrospectionResponse>;
