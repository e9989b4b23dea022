import * as z from 'zod/mini';
import { PartnerId, Timestamp } from './common.ts';
import { Scope } from './scopes.ts';
import { MAX_TOKEN_TTL_SECONDS } from './token.ts';

export const PartnerMode = z.enum(['test', 'live']);
export type PartnerMode = z.infer<typeof PartnerMode>;

/**
 * A partner origin: an exact origin (`https://shop.example`, `http://localhost:5173`), or an
 * explicit one-level subdomain rule `https://*.shop.example` that matches `https://eu.shop.example`
 * but neither `https://shop.example` nor `https://a.b.shop.example`.
 */
export const OriginRule = z
  .string()
  .check(
    z.maxLength(255),
    z.regex(
      /^https?:\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/,
      'must be an origin like https://shop.example or https://*.shop.example (lower case, no path)',
    ),
  );

export const RateLimit = z
  .object({
    /** Sustained tokens per second. */
    per_second: z.int().check(z.minimum(1), z.maximum(10_000)),
    /** Tokens that may be minted at once before the sustained rate applies; at least `per_second`. */
    burst: z.int().check(z.minimum(1), z.maximum(100_000)),
  })
  .check(
    z.refine((limit) => limit.burst >= limit.per_second, {
      message: 'burst must be at least per_second',
      path: ['burst'],
    }),
  );
export type RateLimit = z.infer<typeof RateLimit>;
export const DEFAULT_RATE_LIMIT: RateLimit = { per_second: 50, burst: 100 };

export const Partner = z.object({
  id: PartnerId,
  name: z.string(),
  mode: PartnerMode,
  origins: z.array(OriginRule),
  scopes: z.array(Scope),
  max_ttl_seconds: z.int(),
  rate_limit: RateLimit,
  require_dpop: z.boolean(),
  status: z.enum(['active', 'suspended']),
  /** Tokens issued before this instant fail verification (set on suspension). */
  not_before: z.nullable(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Partner = z.infer<typeof Partner>;

const TtlSeconds = z.int().check(z.minimum(1), z.maximum(MAX_TOKEN_TTL_SECONDS));

export const PartnerCreate = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  mode: z._default(PartnerMode, 'test'),
  origins: z.array(OriginRule).check(z.minLength(1), z.maxLength(50)),
  scopes: z.array(Scope).check(z.minLength(1)),
  max_ttl_seconds: z._default(TtlSeconds, 600),
  rate_limit: z.optional(RateLimit),
  require_dpop: z._default(z.boolean(), false),
});
export type PartnerCreate = z.input<typeof PartnerCreate>;

export const PartnerUpdate = z.strictObject({
  name: z.optional(PartnerCreate.shape.name),
  origins: z.optional(PartnerCreate.shape.origins),
  scopes: z.optional(PartnerCreate.shape.scopes),
  max_ttl_seconds: z.optional(TtlSeconds),
  rate_limit: z.optional(RateLimit),
  require_dpop: z.optional(z.boolean()),
});
export type PartnerUpdate = z.infer<typeof PartnerUpdate>;

export const PartnerKey = z.object({
  id: z.string(),
  partner_id: PartnerId,
  /** The first characters of the secret, enough to recognise it in a list. */
  prefix: z.string(),
  created_at: Timestamp,
  revoked_at: z.nullable(Timestamp),
});
export type PartnerKey = z.infer<typeof PartnerKey>;

/** Returned once, when a key is issued: the only time the secret is ever shown. */
export const IssuedPartnerKey = z.extend(PartnerKey, { secret: z.string() });
export type IssuedPartnerKey = z.infer<typeof IssuedPartnerKey>;

export const SigningKeyState = z.enum(['next', 'active', 'retiring', 'retired']);
export const SigningKey = z.object({
  kid: z.string(),
  alg: z.enum(['ES256', 'EdDSA']),
  state: SigningKeyState,
  created_at: Timestamp,
  activated_at: z.nullable(Timestamp),
  retired_at: z.nullable(Timestamp),
  /** When the key leaves the JWKS: every token it signed has expired by then. */
  remove_after: z.nullable(Timestamp),
});
export type SigningKey = z.infer<typeof SigningKey>;
