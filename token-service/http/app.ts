import { Hono, type Context } from 'hono';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import * as z from 'zod/mini';
import type { IntrospectionResponse } from '../../contracts/index.ts';
import {
  PartnerCreate,
  PartnerId,
  PartnerUpdate,
  SCOPES,
  TesseraError,
  TokenClaims,
  TokenRequest,
} from '../../contracts/index.ts';
import type { AuditWriter } from '../audit.ts';
import type { KeyRing } from '../keys.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { mintToken } from '../mint.ts';
import type { Partners } from '../partners.ts';
import type { PartnerRateLimiter } from '../rate-limit.ts';
import type { TokenStore } from '../store/types.ts';
import { applyRateLimit, instrument, type CommonVariables } from './common.ts';
import { bearer, isAdmin, pathId, readBody, readJson, sendError } from './errors.ts';

z.config(z.locales.en());

export interface AppDeps {
  issuer: string;
  audience: string;
  store: TokenStore;
  partners: Partners;
  keys: KeyRing;
  audit: AuditWriter;
  limiter: PartnerRateLimiter;
  metrics: Metrics;
  log: Logger;
  adminToken: string;
  /** How long verifiers may cache the revocation feed: the documented suspension window. */
  revocationsMaxAgeSec: number;
}

type Env = { Variables: CommonVariables };

export function createApp(deps: AppDeps): Hono<Env> {
  const app = new Hono<Env>();
  const { metrics } = deps;
  instrument(app, deps.log, metrics);

  // --- minting -------------------------------------------------------------------------------
  app.post('/v1/tokens', async (c) => {
    let partnerId = 'unknown';
    try {
      const auth = await deps.partners.authenticate(bearer(c));
      partnerId = auth.partner.id;
      c.set('partnerId', partnerId);
      const rate = await deps.limiter.consume(partnerId, auth.partner.rate_limit);
      const limit = auth.partner.rate_limit;
      applyRateLimit(c, rate, `Rate limit of ${limit.per_second}/s (burst ${limit.burst})`);
      const body = await readJson(c, TokenRequest);
      const minted = await mintToken(deps, auth, body, { requestId: c.get('requestId') });
      metrics.tokensMinted.inc({ partner_id: partnerId, outcome: 'ok' });
      // One line per request: the issuance details ride on the access-log line.
      c.set('logMessage', 'token issued');
      c.set('logFields', {
        jti: minted.jti,
        sub: body.subject,
        scopes: minted.scopes,
        origin: body.origin,
        correlation_id: body.correlation_id,
        exp: minted.expires_at,
      });
      c.header('Cache-Control', 'no-store');
      return c.json(
        {
          token: minted.token,
          token_type: minted.token_type,
          expires_in: minted.expires_in,
          expires_at: minted.expires_at,
          scopes: minted.scopes,
        },
        201,
      );
    } catch (error) {
      metrics.tokensMinted.inc({
        partner_id: partnerId,
        outcome: error instanceof TesseraError ? error.code : 'internal_error',
      });
      throw error;
    }
  });

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

  // --- discovery -----------------------------------------------------------------------------
  app.get('/.well-known/jwks.json', (c) => {
    c.header('Content-Type', 'application/jwk-set+json');
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(deps.keys.jwksJson);
  });

  app.get('/.well-known/oauth-authorization-server', (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.json({
      issuer: deps.issuer,
      jwks_uri: `${deps.issuer}/.well-known/jwks.json`,
      token_endpoint: `${deps.issuer}/v1/tokens`,
      token_endpoint_auth_methods_supported: ['client_secret_bearer'],
      introspection_endpoint: `${deps.issuer}/v1/tokens/introspect`,
      introspection_endpoint_auth_methods_supported: ['client_secret_bearer'],
      scopes_supported: SCOPES,
      // Not registered in RFC 8414, which has no field for access-token algorithms; named after
      // its registered cousins so a verifier can pin its one-algorithm allow-list from here.
      access_token_signing_alg_values_supported: [deps.keys.options.alg],
      dpop_signing_alg_values_supported: ['ES256'],
      response_types_supported: [],
      grant_types_supported: [],
      tessera_revocations_uri: `${deps.issuer}/v1/revocations`,
      tessera_audience: deps.audience,
    });
  });

  app.get('/v1/revocations', async (c) => {
    c.header('Cache-Control', `public, max-age=${deps.revocationsMaxAgeSec}`);
    return c.json({ partners: await deps.partners.revocations() });
  });

  // --- operations ----------------------------------------------------------------------------
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const checks: Record<string, string> = { signing_key: deps.keys.ready ? 'ok' : 'missing' };
    try {
      await deps.store.ping();
      checks.database = 'ok';
    } catch {
      checks.database = 'unavailable';
    }
    const ready = Object.values(checks).every((value) => value === 'ok');
    return c.json({ status: ready ? 'ready' : 'not_ready', checks }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    c.header('Content-Type', deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });

  app.route('/admin/v1', adminRoutes(deps));
  return app;
}

const SuspendBody = z.optional(z.strictObject({}));
const RotateBody = z.strictObject({ force: z.optional(z.boolean()) });

const partnerId = (c: Context) =>
  pathId(c, () => new TesseraError('partner_not_found', 'No partner has this id.'));
const partnerKeyId = (c: Context) =>
  pathId(c, () => new TesseraError('partner_key_not_found', 'No partner key has this id.'));

/** The admin API: what the CLI does, over HTTP, behind the admin credential. */
function adminRoutes(deps: AppDeps): Hono<Env> {
  const admin = new Hono<Env>();
  admin.use(async (c, next) => {
    if (!isAdmin(bearer(c), deps.adminToken)) return sendError(c, 'admin_unauthorized');
    await next();
  });
  admin.get('/partners', async (c) => c.json({ data: await deps.partners.list() }));
  admin.post('/partners', async (c) => {
    const body = await readJson(c, PartnerCreate);
    return c.json(await deps.partners.create(body), 201);
  });
  admin.get('/partners/:id', async (c) => c.json(await deps.partners.show(partnerId(c))));
  admin.patch('/partners/:id', async (c) =>
    c.json(await deps.partners.update(partnerId(c), await readJson(c, PartnerUpdate))),
  );
  admin.post('/partners/:id/suspend', async (c) => {
    await optionalJson(c, SuspendBody);
    return c.json(await deps.partners.suspend(partnerId(c)));
  });
  admin.post('/partners/:id/resume', async (c) => {
    await optionalJson(c, SuspendBody);
    return c.json(await deps.partners.resume(partnerId(c)));
  });
  admin.post('/partners/:id/keys', async (c) =>
    c.json(await deps.partners.issueKey(partnerId(c)), 201),
  );
  admin.post('/partner-keys/:id/revoke', async (c) =>
    c.json(await deps.partners.revokeKey(partnerKeyId(c))),
  );
  admin.get('/keys', (c) => c.json({ data: deps.keys.list() }));
  admin.post('/keys/rotate', async (c) => {
    const body = (await optionalJson(c, RotateBody)) ?? {};
    const result = await deps.keys.rotate({ force: body.force });
    return c.json({ ...result, data: deps.keys.list() });
  });
  admin.get('/issuances', async (c) => {
    const limit = Math.min(Number(c.req.query('limit') ?? 100) || 100, 1000);
    const partner = c.req.query('partner_id');
    if (partner !== undefined && !PartnerId.safeParse(partner).success)
      throw new TesseraError('validation_failed', 'Invalid query parameter: partner_id.', {
        fields: [{ path: 'partner_id', code: 'invalid_format', message: 'must look like ptn_…' }],
      });
    const rows = await deps.store.listIssuances({ partnerId: partner, limit });
    return c.json({
      data: rows.map((row) => ({
        ...row,
        issued_at: row.issued_at.toISOString(),
        expires_at: row.expires_at.toISOString(),
      })),
    });
  });
  return admin;
}

/** Admin actions take an optional JSON body: none at all is fine, a bad one is still refused. */
async function optionalJson<S extends z.ZodMiniType>(
  c: Context,
  schema: S,
): Promise<z.infer<S> | undefined> {
  if (!c.req.header('content-type') && (c.req.header('content-length') ?? '0') === '0')
    return undefined;
  return readJson(c, schema);
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
